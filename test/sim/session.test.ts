/**
 * What a Session does once connected, on the virtual board through StLink: flashing an ELF and reading
 * it back, flashing a board whose firmware turns SWD off, reset by each method, run control and
 * registers, state and faults, the consent gate for destructive actions, and refusing plain writes
 * into flash.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import type { FlashPhase } from '../../src/flash/progress.js';
import { Session, type Consent } from '../../src/session.js';
import { firmwareElf } from '../support/paths.js';
import { probedBoard, type Intercept, type ProbedBoard } from '../support/probed-board.js';
import { readElf } from '../support/elf.js';

const YES: Consent = { yes: true };
const NO: Consent = { yes: false };

async function session(
  firmware: string | undefined,
  runMs = 20,
  intercept?: Intercept,
): Promise<{ b: ProbedBoard; s: Session }> {
  const b = await probedBoard({
    ...(firmware === undefined ? {} : { firmware }),
    runMs,
    ...(intercept === undefined ? {} : { intercept }),
  });
  const s = await Session.connect(b.stlink, { sleep: b.clock.sleep, now: b.clock.now });
  return { b, s };
}

/** A blinky variable, read from the board's SRAM (the probe has left). */
function sramWord(b: ProbedBoard, name: string): number {
  const at = readElf(firmwareElf('blinky')).requireSymbol(name).address - 0x2000_0000;
  const sram = b.board.soc.bus.sram;
  return new DataView(sram.buffer, sram.byteOffset + at, 4).getUint32(0, true);
}

const mainFlash = (b: ProbedBoard, address: number, length: number): Uint8Array =>
  b.board.soc.devices.flash.storage.main.slice(address - 0x0800_0000, address - 0x0800_0000 + length);

describe('Session.flash', () => {
  test('blinky.elf onto an erased chip: planned, programmed at x32, verified by CRC, read back identical', async () => {
    const { b, s } = await session(undefined, 5);
    const image = readImageFile(firmwareElf('blinky'));
    const phases: FlashPhase[] = [];
    const report = await s.flash(image, 'blinky.elf', {
      progress: { start: (p) => phases.push(p), update: () => undefined, end: () => undefined },
    });
    assert.deepEqual(report.written, [0]);
    assert.equal(report.verified, 'crc');
    assert.equal(report.parallelism, 'x32');
    assert.deepEqual(phases, ['compare', 'erase', 'program', 'verify']);
    for (const segment of image.segments) {
      assert.deepEqual(await s.readMemory(segment.address, segment.data.length), segment.data);
      assert.deepEqual(mainFlash(b, segment.address, segment.data.length), segment.data);
    }
    const again = await s.flash(image, 'blinky.elf');
    assert.deepEqual(again.written, []);
    assert.deepEqual(again.unchanged, [0]);
    await s.reset({ halt: false });
    await s.disconnect();
    b.board.runFor(600e6);
    assert.ok(sramWord(b, 'blinky_ticks') >= 590, 'blinky runs from the new flash');
  });

  test('on swd-off (auto connects under reset), blinky replaces it and runs after the reset', async () => {
    const { b, s } = await session('swd-off', 1000);
    assert.equal(s.connectReport.method, 'under-reset');
    const report = await s.flash(readImageFile(firmwareElf('blinky')), 'blinky.elf');
    assert.deepEqual(report.written, [0]);
    await s.reset({});
    await s.disconnect();
    b.board.runFor(1200e6);
    assert.equal(b.board.soc.debugPortSilence, undefined, 'blinky leaves SWD alone');
    assert.ok(sramWord(b, 'blinky_ticks') >= 1190);
    const leds = new Set<string>();
    for (let i = 0; i < 8; i++) {
      b.board.runFor(130e6);
      leds.add(JSON.stringify(b.board.leds));
    }
    assert.equal(leds.size, 4, 'the four LEDs take turns');
  });

  test('an image outside flash and RAM is refused before anything is written', async () => {
    const { b, s } = await session('blinky');
    const before = mainFlash(b, 0x0800_0000, 64);
    await assert.rejects(
      s.flash(
        { format: 'bin', entry: undefined, segments: [{ address: 0x0900_0000, data: new Uint8Array(16) }] },
        'x.bin',
      ),
      { code: 'bad-input.image-outside-memory' },
    );
    assert.deepEqual(mainFlash(b, 0x0800_0000, 64), before);
    await s.disconnect();
  });
});

describe('Session: memory', () => {
  test('writes into RAM work; writes into flash, its alias, OTP or option bytes are refused', async () => {
    const { b, s } = await session('blinky');
    await s.writeMemory(0x2001_0000, Uint8Array.of(1, 2, 3, 4, 5));
    assert.deepEqual(await s.readMemory(0x2001_0000, 5), Uint8Array.of(1, 2, 3, 4, 5));
    const before = mainFlash(b, 0x0800_0000, 16);
    for (const address of [0x0800_0000, 0x080f_fffc, 0x0000_0100, 0x1fff_7800, 0x1fff_c000]) {
      await assert.rejects(s.writeMemory(address, new Uint8Array(4)), { code: 'bad-input.write-into-flash' });
    }
    // Straddling the end of SRAM into nothing is the target's business; straddling into flash is not.
    await assert.rejects(s.writeMemory(0x07ff_fffe, new Uint8Array(4)), /overlaps main flash/);
    assert.deepEqual(mainFlash(b, 0x0800_0000, 16), before);
    await s.disconnect();
  });
});

describe('Session: reset', () => {
  for (const method of ['auto', 'sysresetreq', 'nrst', 'vectreset'] as const) {
    test(`${method} with halt stops at Reset_Handler; without halt the firmware runs from the start`, async () => {
      const { b, s } = await session('blinky', 300);
      const used = await s.reset({ method, halt: true });
      assert.equal(used.method, method === 'auto' ? 'sysresetreq' : method);
      assert.equal((await s.registers()).pc, b.symbol('Reset_Handler'));
      await s.reset({ method, halt: false });
      assert.equal(await s.state(), 'running');
      b.board.runFor(20e6);
      const ticks = await s.readMemory(b.symbol('blinky_ticks'), 4);
      assert.ok(new DataView(ticks.buffer).getUint32(0, true) < 100, 'ticks restarted from 0');
      await s.disconnect();
    });
  }

  test('auto falls back to NRST when SYSRESETREQ does nothing', async () => {
    // A write of AIRCR that never reaches the target (as if the chip ignored SYSRESETREQ).
    // The driver writes single words with WRITEDEBUGREG (status in the reply) or WRITEMEM_32BIT.
    const lostAircr: Intercept = async (command, forward) => {
      if (!('address' in command) || command.address !== 0xe000_ed0c) return forward();
      if (command.kind === 'WRITEDEBUGREG') return Uint8Array.of(0x80, 0x00);
      return command.kind === 'WRITEMEM_32BIT' ? new Uint8Array(0) : forward();
    };
    const { b, s } = await session('blinky', 50, lostAircr);
    const used = await s.reset({ halt: true });
    assert.equal(used.method, 'nrst');
    assert.equal((await s.registers()).pc, b.symbol('Reset_Handler'));
    await s.disconnect();
  });
});

describe('Session: run control, registers, state, faults', () => {
  test('halt, step, registers with the FPU after running cpu-suite, resume, disconnect resumes', async () => {
    const { b, s } = await session('cpu-suite-O2', 40);
    const regs = await s.registers();
    assert.equal(regs.pc, b.board.soc.cpu.pc >>> 0);
    assert.equal(regs.fpscr, b.board.soc.cpu.fpscr >>> 0);
    assert.deepEqual(
      Array.from({ length: 32 }, (_, i) => regs[`s${i}` as 's0']),
      [...b.board.soc.cpu.fpRegs].map((v) => v >>> 0),
    );
    const retired = b.board.soc.cpu.instructionsRetired;
    const pc = await s.step();
    assert.equal(pc, b.board.soc.cpu.pc >>> 0);
    assert.equal(b.board.soc.cpu.instructionsRetired, retired + 1);
    await s.resume();
    assert.equal(await s.state(), 'running');
    await s.halt();
    assert.equal(await s.state(), 'halted');
    await s.disconnect();
    assert.equal(b.board.soc.cpu.halted, false);
    await assert.rejects(s.halt(), { code: 'internal.session-closed' });
  });

  test('disconnect without resume leaves the core halted; breakpoints are removed either way', async () => {
    const { b, s } = await session('blinky', 20);
    await s.core.breakpoints.set(b.symbol('SysTick_Handler'));
    await s.disconnect({ resume: false });
    assert.equal(b.board.soc.cpu.halted, true);
    // The probe has left debug mode: look at the comparator from the board's side.
    assert.equal(b.board.soc.debugRead(0xe000_2008, 4) & 1, 0, 'FP_COMP0 cleared');
  });

  test('lockup firmware, attached: locked-up', async () => {
    const b = await probedBoard({ firmware: 'lockup', runMs: 5 });
    const s = await Session.connect(b.stlink, { strategy: 'attach', sleep: b.clock.sleep, now: b.clock.now });
    assert.equal(await s.state(), 'locked-up');
    assert.match((await s.core.faultStatus()).summary, /HardFault FORCED.*UsageFault INVSTATE/);
    await s.disconnect({ resume: false });
  });

  test('hardfault firmware: the core stopped in its handler, CFSR/HFSR decoded', async () => {
    const { s } = await session('hardfault', 20);
    const faults = await s.core.faultStatus();
    assert.deepEqual(
      faults.causes.map((c) => c.bit),
      ['FORCED', 'IACCVIOL'],
    );
    assert.equal((await s.registers()).xpsr & 0x1ff, 3, 'IPSR: in HardFault');
    await s.disconnect();
  });
});

describe('Session: the consent gate', () => {
  test('mass erase needs --yes: without it nothing is erased; a "no" on the terminal too; yes erases', async () => {
    const { b, s } = await session('blinky');
    const before = mainFlash(b, 0x0800_0000, 256);
    await assert.rejects(s.massErase(NO), (error: unknown) => {
      assert.ok(error instanceof Error && 'code' in error && 'hint' in error);
      assert.equal(error.code, 'consent.mass-erase');
      assert.match(String(error.hint), /--yes/);
      return true;
    });
    const asked: string[] = [];
    await assert.rejects(s.massErase({ yes: false, ask: (q) => (asked.push(q), Promise.resolve(false)) }), {
      code: 'consent.mass-erase',
    });
    assert.match(asked[0] ?? '', /Erase ALL 1024 KiB of flash/);
    assert.deepEqual(mainFlash(b, 0x0800_0000, 256), before);
    await s.massErase({ yes: false, ask: () => Promise.resolve(true) });
    assert.ok(mainFlash(b, 0x0800_0000, 1024 * 1024).every((x) => x === 0xff));
    await s.disconnect({ resume: false });
  });

  test('sector erase needs consent and names real sectors only', async () => {
    const { b, s } = await session('blinky');
    await assert.rejects(s.eraseSectors([0], NO), { code: 'consent.sector-erase' });
    await assert.rejects(s.eraseSectors([12], YES), { code: 'bad-input.no-such-sector' });
    assert.ok(mainFlash(b, 0x0800_0000, 16).some((x) => x !== 0xff));
    await s.eraseSectors([0], YES);
    assert.ok(mainFlash(b, 0x0800_0000, 16 * 1024).every((x) => x === 0xff));
    await s.disconnect({ resume: false });
  });

  test('write protection changes need consent; with it, nWRP is written and read back', async () => {
    const { s } = await session('blinky');
    await assert.rejects(s.setWriteProtection({ protect: [3] }, NO), { code: 'consent.write-protection' });
    assert.equal((await s.readOptions()).writeProtected[3], false);
    await s.setWriteProtection({ protect: [3] }, YES);
    assert.equal((await s.readOptions()).writeProtected[3], true);
    await s.setWriteProtection({ unprotect: [3] }, YES);
    assert.equal((await s.readOptions()).writeProtected[3], false);
    await s.disconnect();
  });

  test('read protection: level 1 and back need consent (unlock says it erases all flash); level 2 needs the chip-bound confirmation', async () => {
    const { b, s } = await session('blinky');
    await assert.rejects(s.setReadProtection(1, NO), { code: 'consent.read-protection' });
    await s.setReadProtection(1, YES);
    assert.equal((await s.readOptions()).rdpLevel, 1);
    const asked: string[] = [];
    await s.setReadProtection(0, { yes: false, ask: (q) => (asked.push(q), Promise.resolve(true)) });
    assert.match(asked[0] ?? '', /ERASES ALL FLASH/);
    assert.equal((await s.readOptions()).rdpLevel, 0);
    assert.ok(
      mainFlash(b, 0x0800_0000, 1024).every((x) => x === 0xff),
      'leaving level 1 erased flash',
    );
    // Level 2: --yes alone is not enough, nor a wrong confirmation.
    await assert.rejects(s.setReadProtection(2, YES), { code: 'consent.permanent-protection' });
    const offered: string[] = [];
    await assert.rejects(
      s.setReadProtection(2, {
        yes: true,
        permanentConfirmation: (id) => (offered.push(id), Promise.resolve(false)),
      }),
      /unique ID 393035373133510400330021/,
    );
    assert.deepEqual(offered, ['393035373133510400330021']);
    assert.equal((await s.readOptions()).rdpLevel, 0);
    await s.setReadProtection(2, {
      yes: true,
      permanentConfirmation: (id) => Promise.resolve(id === s.chip.uniqueId),
    });
    assert.equal((await s.readOptions()).rdpLevel, 2);
    // The reset loads level 2: from then on the SW-DP is silent, so the reset cannot even be confirmed.
    await assert.rejects(s.reset({ method: 'nrst' }), { code: 'target.stlink-swd-ap-error' });
    await s.disconnect().catch(() => undefined);
    assert.equal(b.board.soc.devices.flash.rdpLevel, 2, 'level 2 is in force after the reset');
    assert.equal(b.board.soc.debugPortSilence, 'rdp-level-2');
  });
});
