/**
 * Session.connect's strategies on the virtual board, through StLink: normal, under-reset, attach and
 * auto on firmware that runs (blinky), takes the SWD pins (swd-off), or sleeps with the debug logic
 * off (standby, stop); the voltage check, the chip identification (unknown chips, the F40x erratum,
 * an unprogrammed F_SIZE) and the DBGMCU bits held while attached.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEBUG_REG } from '../../src/arch/armv7m/debug.js';
import type { StLinkCommand } from '../../src/protocol/commands.js';
import { ConnectFailedError, Session, type ConnectStrategy } from '../../src/session.js';
import { probedBoard, type Intercept, type ProbedBoard } from '../support/probed-board.js';

const DBGMCU_CR = 0xe004_2004;
const DBGMCU_APB1_FZ = 0xe004_2008;
const LOW_POWER_BITS = 0x7;
const WATCHDOG_FREEZE = (1 << 11) | (1 << 12);

function connect(b: ProbedBoard, strategy?: ConnectStrategy): Promise<Session> {
  return Session.connect(b.stlink, {
    ...(strategy === undefined ? {} : { strategy }),
    sleep: b.clock.sleep,
    now: b.clock.now,
  });
}

/** Replaces the word a READMEM_32BIT of `address` returns. */
/**
 * Replaces what the target answers at `address`: a READMEM_16BIT, or a 32-bit word however the driver
 * reads it (READDEBUGREG, whose value follows the status word, or READMEM_32BIT).
 */
function fakeWord(address: number, value: number, kind: 'word' | 'READMEM_16BIT' = 'word'): Intercept {
  const kinds: readonly StLinkCommand['kind'][] =
    kind === 'word' ? ['READDEBUGREG', 'READMEM_32BIT'] : ['READMEM_16BIT'];
  return async (command, forward) => {
    const reply = await forward();
    if (kinds.includes(command.kind) && 'address' in command && command.address === address) {
      const out = reply.slice();
      const view = new DataView(out.buffer);
      if (command.kind === 'READMEM_16BIT') view.setUint16(0, value, true);
      else view.setUint32(command.kind === 'READDEBUGREG' ? 4 : 0, value, true);
      return out;
    }
    return reply;
  };
}

describe('Session.connect on blinky', () => {
  test('normal: halted, the chip identified, nothing to explain', async () => {
    const b = await probedBoard({ firmware: 'blinky', runMs: 50 });
    const s = await connect(b, 'normal');
    assert.equal(await s.state(), 'halted');
    assert.deepEqual(s.connectReport.attempts, [{ method: 'normal', speedKHz: 4000, ok: true }]);
    assert.equal(s.connectReport.explanation, undefined);
    assert.equal(s.connectReport.coreWasHalted, false);
    assert.ok(s.connectReport.targetVolts > 2.9 && s.connectReport.targetVolts < 3.1);
    assert.deepEqual(
      { ...s.chip, sectors: s.chip.sectors.length, description: s.chip.description.name },
      {
        name: 'STM32F405/407/415/417',
        devId: 0x413,
        revision: '2',
        idcode: 0x1007_6413,
        flashSize: 1024 * 1024,
        flashSizeSource: 'register',
        uniqueId: '393035373133510400330021',
        sectors: 12,
        description: 'STM32F405/407/415/417',
        notes: [],
      },
    );
    await s.disconnect();
  });

  test('attach: the firmware keeps running, no reset', async () => {
    const b = await probedBoard({ firmware: 'blinky', runMs: 50 });
    const ticks = b.board.soc.cpu.instructionsRetired;
    const s = await connect(b, 'attach');
    assert.equal(await s.state(), 'running');
    assert.ok(b.board.soc.cpu.instructionsRetired > ticks, 'it ran on, from where it was');
    assert.equal(s.connectReport.method, 'attach');
    await s.disconnect({ resume: false });
  });

  test('under-reset: halted at Reset_Handler by the reset vector catch', async () => {
    const b = await probedBoard({ firmware: 'blinky', runMs: 50 });
    const s = await connect(b, 'under-reset');
    assert.equal((await s.registers()).pc, b.symbol('Reset_Handler'));
    assert.deepEqual((await s.core.haltReason()).causes, ['vector-catch']);
    assert.equal((await b.stlink.read32(DEBUG_REG.DEMCR)) & 1, 0, 'VC_CORERESET put back');
    await s.disconnect();
  });

  test('auto: normal works first time', async () => {
    const b = await probedBoard({ firmware: 'blinky', runMs: 50 });
    const s = await connect(b);
    assert.equal(s.connectReport.method, 'normal');
    assert.equal(s.connectReport.attempts.length, 1);
    await s.disconnect();
  });
});

const EXPLANATION =
  'connected under reset: the SW-DP did not answer at 4000 or 100 kHz (the firmware probably disables SWD or enters a low-power mode)';

for (const firmware of ['swd-off', 'standby', 'stop']) {
  describe(`Session.connect on ${firmware} (the SW-DP is silent once it has run a second)`, () => {
    for (const strategy of ['normal', 'attach'] as const) {
      test(`${strategy} fails, naming what the probe got back`, async () => {
        const b = await probedBoard({ firmware, runMs: 1000 });
        assert.notEqual(b.board.soc.debugPortSilence, undefined, 'the firmware has silenced the SW-DP');
        await assert.rejects(connect(b, strategy), (error: unknown) => {
          assert.ok(error instanceof ConnectFailedError);
          assert.equal(error.code, 'target.connect-failed');
          assert.deepEqual(
            error.attempts.map((a) => [a.method, a.speedKHz, a.ok, a.error?.code]),
            [[strategy, 4000, false, 'target.stlink-jtag-get-idcode-error']],
          );
          assert.match(error.message, /JTAG_GET_IDCODE_ERROR/);
          assert.match(error.hint ?? '', /--connect under-reset/);
          return true;
        });
      });
    }

    test('under-reset halts it at the reset vector, before the firmware runs an instruction', async () => {
      const b = await probedBoard({ firmware, runMs: 1000 });
      const s = await connect(b, 'under-reset');
      assert.equal(s.connectReport.explanation, undefined);
      assert.equal((await s.registers()).pc, b.symbol('Reset_Handler'));
      assert.deepEqual((await s.core.haltReason()).causes, ['vector-catch']);
      await s.disconnect({ resume: false });
    });

    test('auto tries normal, then 100 kHz, then connects under reset, and says why in one line', async () => {
      const b = await probedBoard({ firmware, runMs: 1000 });
      const s = await connect(b);
      const r = s.connectReport;
      assert.equal(r.method, 'under-reset');
      assert.deepEqual(
        r.attempts.map((a) => [a.method, a.speedKHz, a.ok, a.error?.code]),
        [
          ['normal', 4000, false, 'target.stlink-jtag-get-idcode-error'],
          ['slow-clock', 100, false, 'target.stlink-jtag-get-idcode-error'],
          ['under-reset', 4000, true, undefined],
        ],
      );
      assert.equal(r.explanation, EXPLANATION);
      assert.equal((await s.registers()).pc, b.symbol('Reset_Handler'));
      await s.disconnect({ resume: false });
    });
  });
}

describe('Session.connect: power, chip identity, DBGMCU', () => {
  test('an unpowered target is a TargetError no-target-power that says so', async () => {
    const b = await probedBoard({ firmware: 'blinky', powered: false });
    await assert.rejects(connect(b), (error: unknown) => {
      assert.ok(error instanceof Error && 'code' in error);
      assert.equal(error.code, 'target.no-target-power');
      assert.match(error.message, /not powered: the probe measures 0\.00 V/);
      return true;
    });
  });

  test('an unknown DEV_ID is unknown-chip, naming the IDCODE and the families swdkit knows; auto does not retry it', async () => {
    const b = await probedBoard({ firmware: 'blinky', intercept: fakeWord(0xe004_2000, 0x1001_6419) });
    await assert.rejects(connect(b), (error: unknown) => {
      assert.ok(error instanceof Error && 'code' in error);
      assert.equal(error.code, 'target.unknown-chip');
      assert.match(
        error.message,
        /DBGMCU_IDCODE 0x10016419 \(DEV_ID 0x419\) at 0xe0042000, on a Cortex-M4; swdkit knows STM32F405\/407\/415\/417 \(DEV_ID 0x413\)/,
      );
      return true;
    });
  });

  test('DEV_ID 0x411 on this Cortex-M4 is the F40x erratum, and the chip info says so', async () => {
    const b = await probedBoard({ firmware: 'blinky', intercept: fakeWord(0xe004_2000, 0x1000_6411) });
    const s = await connect(b);
    assert.equal(s.chip.devId, 0x413);
    assert.equal(s.chip.revision, 'A');
    assert.match(s.chip.notes.join(), /0x411 read on a Cortex-M4/);
    await s.disconnect();
  });

  test('an unprogrammed F_SIZE (0xFFFF) means 1024 KiB, and the chip info says it was assumed', async () => {
    const b = await probedBoard({
      firmware: 'blinky',
      intercept: fakeWord(0x1fff_7a22, 0xffff, 'READMEM_16BIT'),
    });
    const s = await connect(b);
    assert.equal(s.chip.flashSize, 1024 * 1024);
    assert.equal(s.chip.flashSizeSource, 'assumed');
    assert.match(s.chip.notes.join(), /F_SIZE at 0x1fff7a22\) reads 0xffff: assuming/);
    await s.disconnect();
  });

  for (const strategy of ['normal', 'under-reset', 'attach'] as const) {
    test(`${strategy}: DBGMCU debug and freeze bits set while attached, the user's values back after`, async () => {
      const b = await probedBoard({ firmware: 'blinky', runMs: 20 });
      // The user's own settings: trace pins on (TRACE_IOEN), TIM2 frozen while halted.
      b.board.soc.devices.dbgmcu.write32(DBGMCU_CR, 1 << 5);
      b.board.soc.devices.dbgmcu.write32(DBGMCU_APB1_FZ, 1 << 0);
      const s = await connect(b, strategy);
      assert.equal(b.board.soc.devices.dbgmcu.cr, (1 << 5) | LOW_POWER_BITS);
      assert.equal(b.board.soc.devices.dbgmcu.apb1fz, 1 | WATCHDOG_FREEZE);
      await s.disconnect();
      assert.equal(b.board.soc.devices.dbgmcu.cr, 1 << 5);
      assert.equal(b.board.soc.devices.dbgmcu.apb1fz, 1);
      assert.equal(b.board.soc.cpu.halted, false, 'resumed on disconnect');
    });
  }
});

describe('Session.connect through an STLINK-V3', () => {
  test('auto on swd-off: the V3 applies its own clocks (at or below each request), and the ladder reports them', async () => {
    const b = await probedBoard({ firmware: 'swd-off', runMs: 1000, model: 'v3' });
    const s = await connect(b);
    const speeds = s.connectReport.attempts.map((a) => a.speedKHz);
    assert.deepEqual(
      s.connectReport.attempts.map((a) => a.method),
      ['normal', 'slow-clock', 'under-reset'],
    );
    assert.ok(speeds[0]! <= 4000 && speeds[1]! <= 100 && speeds[1]! < speeds[0]!, speeds.join());
    assert.equal(
      s.connectReport.explanation,
      `connected under reset: the SW-DP did not answer at ${speeds[0]} or ${speeds[1]} kHz (the firmware probably disables SWD or enters a low-power mode)`,
    );
    await s.disconnect();
  });
});
