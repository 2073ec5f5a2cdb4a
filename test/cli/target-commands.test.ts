/**
 * The target commands other than flash, in-process on `--probe sim`: info, read, write, reset, halt,
 * resume, step, regs, erase, protect, unlock, options; consent (exit 6 without --yes and no TTY, a
 * TTY's answer), no probe (exit 4), bad arguments (exit 2), and the JSON shapes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, lastJson } from '../support/cli.js';
import { firmwareElf } from '../support/paths.js';

const BLINKY = firmwareElf('blinky');
const dir = mkdtempSync(join(tmpdir(), 'swdkit-target-'));
let boards = 0;

/** A chip in a new state file with blinky on it, as --probe. */
async function blinkyBoard(): Promise<string> {
  const probe = `sim:state=${join(dir, `board-${++boards}.state`)},uptime=0`;
  const r = await cli(['--probe', probe, 'flash', BLINKY]);
  assert.equal(r.status, 0, r.stderr);
  return probe;
}

async function json(argv: string[], status = 0): Promise<Record<string, unknown>> {
  const r = await cli(['--json', ...argv]);
  assert.equal(r.status, status, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
  return lastJson(r.stdout);
}

const errorOf = (body: Record<string, unknown>): { code: string; message: string; hint?: string } =>
  body['error'] as { code: string; message: string; hint?: string };

async function flashBytes(probe: string, address: number, length: number): Promise<Buffer> {
  const body = await json(['--probe', probe, 'read', `0x${address.toString(16)}`, String(length)]);
  return Buffer.from(String(body['data']), 'hex');
}

describe('swdkit info', () => {
  it('names the probe, the chip, its flash, unique ID, core state and protection', async () => {
    const r = await cli(['--probe', 'sim:firmware=' + BLINKY, 'info']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^probe +virtual ST-LINK\/V2-1 V2J40M27 \(serial \w+\) on sim:v2-1, target 3\.00 V$/m,
    );
    assert.match(
      r.stdout,
      /^chip +STM32F405\/407\/415\/417 rev \w+ \(DEV_ID 0x413, DBGMCU_IDCODE 0x\w{8}\)$/m,
    );
    assert.match(r.stdout, /^flash +1 MiB in 12 sectors$/m);
    assert.match(r.stdout, /^uid +[0-9a-f]{24}$/m);
    assert.match(r.stdout, /^core +running$/m);
    assert.match(r.stdout, /^connect +normal at 4000 kHz$/m);
    assert.match(r.stdout, /^protect +RDP level 0, no sector write-protected$/m);
  });

  it('--json: one document with probe, chip, connect, core and protection', async () => {
    const body = await json(['--probe', 'sim', '--speed', '1000', 'info']);
    assert.deepEqual(Object.keys(body).sort(), ['chip', 'connect', 'core', 'probe', 'protection']);
    const chip = body['chip'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(chip).sort(), [
      'devId',
      'flashSize',
      'idcode',
      'name',
      'revision',
      'sectors',
      'uniqueId',
    ]);
    assert.equal(chip['devId'], 0x413);
    assert.equal(chip['flashSize'], 1024 * 1024);
    assert.equal((chip['sectors'] as unknown[]).length, 12);
    assert.deepEqual((chip['sectors'] as unknown[])[4], { index: 4, address: 0x0801_0000, size: 65536 });
    const connect = body['connect'] as Record<string, unknown>;
    assert.equal(connect['method'], 'normal');
    assert.ok((connect['speedKHz'] as number) <= 1000);
    assert.equal((body['probe'] as Record<string, unknown>)['targetVolts'], 3);
  });

  it('--connect attach and under-reset; an unpowered target is a target error', async () => {
    const attach = await json(['--probe', `sim:firmware=${BLINKY}`, '--connect', 'attach', 'info']);
    assert.equal((attach['connect'] as Record<string, unknown>)['method'], 'attach');
    assert.equal((attach['core'] as Record<string, unknown>)['state'], 'running');
    const reset = await json(['--probe', `sim:firmware=${BLINKY}`, '--connect', 'under-reset', 'info']);
    assert.equal((reset['connect'] as Record<string, unknown>)['method'], 'under-reset');
    const off = await cli(['--probe', 'sim:power=off', 'info']);
    assert.equal(off.status, 5, off.stderr);
  });
});

describe('swdkit read and write', () => {
  it('read prints a hex dump; --out writes the raw bytes', async () => {
    const probe = await blinkyBoard();
    const dump = await cli(['--probe', probe, 'read', '0x08000000', '32']);
    assert.equal(dump.status, 0);
    assert.match(dump.stdout, /^0x08000000 {2}00 00 02 20 [0-9a-f ]+ \|/);
    assert.equal(dump.stdout.trim().split('\n').length, 2);
    const out = join(dir, 'vectors.bin');
    const body = await json(['--probe', probe, 'read', '0x08000000', '0x40', '--out', out]);
    assert.deepEqual(body, { address: 0x0800_0000, length: 64, file: out });
    assert.deepEqual(readFileSync(out), await flashBytes(probe, 0x0800_0000, 64));
  });

  it('write puts HEX or a file into RAM, and a later read in the same session sees it', async () => {
    // RAM does not survive a command (each powers the virtual chip up again), so write and read
    // are checked through their own results and the board's peripheral registers.
    const probe = `sim:firmware=${BLINKY}`;
    assert.deepEqual(await json(['--probe', probe, 'write', '0x20001000', 'de ad be ef']), {
      address: 0x2000_1000,
      length: 4,
    });
    const file = join(dir, 'ram.bin');
    writeFileSync(file, Buffer.from('0123456789abcdef'));
    assert.deepEqual(await json(['--probe', probe, 'write', '0x20001000', '--in', file]), {
      address: 0x2000_1000,
      length: 16,
    });
  });

  it('write refuses flash (bad input), and bad arguments are usage errors', async () => {
    const probe = await blinkyBoard();
    const before = await flashBytes(probe, 0x0800_0000, 16);
    const flash = await json(['--probe', probe, 'write', '0x08000000', '00000000'], 3);
    assert.equal(errorOf(flash).code, 'bad-input.write-into-flash');
    assert.deepEqual(await flashBytes(probe, 0x0800_0000, 16), before);
    for (const argv of [
      ['read'],
      ['read', '0x08000000'],
      ['read', 'flash', '16'],
      ['read', '0x08000000', '0'],
      ['read', '0xfffffff0', '0x20'],
      ['write', '0x20000000'],
      ['write', '0x20000000', 'abc'],
      ['write', '0x20000000', 'abcd', '--in', 'x.bin'],
    ]) {
      const r = await cli(['--probe', probe, ...argv]);
      assert.equal(r.status, 2, `${argv.join(' ')}: ${r.stderr}`);
    }
    const missing = await cli(['--probe', probe, 'write', '0x20000000', '--in', join(dir, 'none.bin')]);
    assert.equal(missing.status, 3);
  });
});

describe('--probe sim:state=FILE', () => {
  it('flash, then read, then regs see the same chip', async () => {
    const probe = await blinkyBoard();
    const image = readFileSync(firmwareElf('blinky').replace(/\.elf$/, '.bin'));
    assert.deepEqual(await flashBytes(probe, 0x0800_0000, image.length), image);
    // The chip boots what was flashed: its core runs blinky's code.
    const regs = await json(['--probe', probe, 'regs']);
    assert.ok((regs['pc'] as number) >= 0x0800_0000 && (regs['pc'] as number) < 0x0800_0000 + image.length);
    assert.equal(regs['msp'] !== undefined, true);
  });
});

describe('swdkit reset, halt, resume, step, regs', () => {
  it('halt stops the core (and says where), step moves one instruction, resume runs it', async () => {
    const probe = `sim:firmware=${BLINKY}`;
    const halted = await json(['--probe', probe, 'halt']);
    assert.equal(halted['state'], 'halted');
    assert.ok((halted['pc'] as number) >= 0x0800_0000 && (halted['pc'] as number) < 0x0800_1000);
    const stepped = await json(['--probe', probe, 'step']);
    assert.equal(stepped['state'], 'halted');
    assert.equal(typeof stepped['pc'], 'number');
    assert.deepEqual(await json(['--probe', probe, 'resume']), { state: 'running' });
    const human = await cli(['--probe', probe, 'halt']);
    assert.match(human.stdout, /^halted at pc 0x080\w{5}$/m);
  });

  it('regs prints the core and FPU registers; --json has them by name', async () => {
    const probe = `sim:firmware=${BLINKY}`;
    const r = await cli(['--probe', probe, 'regs']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ +r0 0x\w{8} +r1 0x\w{8} +r2 0x\w{8} +r3 0x\w{8}$/m);
    assert.match(r.stdout, / +pc 0x080\w{5}/);
    assert.match(r.stdout, /fpscr 0x\w{8}/);
    const body = await json(['--probe', probe, 'regs']);
    for (const name of [
      'r0',
      'r12',
      'sp',
      'lr',
      'pc',
      'xpsr',
      'msp',
      'psp',
      'primask',
      'control',
      's31',
      'fpscr',
    ])
      assert.equal(typeof body[name], 'number', name);
  });

  it('reset runs or halts at the reset vector, by the method asked for', async () => {
    const probe = `sim:firmware=${BLINKY}`;
    assert.deepEqual(await json(['--probe', probe, 'reset']), { method: 'sysresetreq', halted: false });
    for (const method of ['nrst', 'sysresetreq', 'vectreset'])
      assert.deepEqual(await json(['--probe', probe, 'reset', '--method', method, '--halt']), {
        method,
        halted: true,
      });
    const r = await cli(['--probe', probe, 'reset', '--halt']);
    assert.match(r.stdout, /reset \(sysresetreq\): halted at the reset vector/);
    assert.equal((await cli(['--probe', probe, 'reset', '--method', 'power'])).status, 2);
  });
});

describe('swdkit erase, protect, unlock, options', () => {
  it('erase --sectors and --mass need consent: exit 6 without --yes or a TTY, flash untouched', async () => {
    const probe = await blinkyBoard();
    const before = await flashBytes(probe, 0x0800_0000, 64);
    for (const argv of [
      ['erase', '--mass'],
      ['erase', '--sectors', '0'],
      ['protect'],
      ['options', '--protect-sectors', '3'],
    ]) {
      const body = await json(['--probe', probe, ...argv], 6);
      assert.match(errorOf(body).code, /^consent\./, argv.join(' '));
      assert.match(errorOf(body).hint ?? '', /--yes/);
    }
    assert.deepEqual(await flashBytes(probe, 0x0800_0000, 64), before);
    const options = await json(['--probe', probe, 'options']);
    assert.equal(options['rdpLevel'], 0);
    assert.deepEqual(options['writeProtected'], []);
  });

  it('a TTY is asked: "n" refuses (exit 6), "y" erases', async () => {
    const probe = await blinkyBoard();
    const no = await cli(['--probe', probe, 'erase', '--sectors', '0'], { ttyAnswers: 'n\n' });
    assert.equal(no.status, 6);
    assert.match(no.stderr, /Erase flash sector 0 .*\? \[y\/N\]/);
    assert.notDeepEqual(await flashBytes(probe, 0x0800_0000, 16), Buffer.alloc(16, 0xff));
    const yes = await cli(['--probe', probe, 'erase', '--sectors', '0'], { ttyAnswers: 'y\n' });
    assert.equal(yes.status, 0, yes.stderr);
    assert.match(yes.stdout, /erased sector 0/);
    assert.deepEqual(await flashBytes(probe, 0x0800_0000, 16), Buffer.alloc(16, 0xff));
  });

  it('erase --sectors LIST and --mass with --yes; bad lists are usage errors', async () => {
    const probe = await blinkyBoard();
    const body = await json(['--probe', probe, '--yes', 'erase', '--sectors', '0-1']);
    assert.deepEqual(body, { event: 'result', erased: [0, 1] });
    assert.deepEqual(await flashBytes(probe, 0x0800_0000, 16), Buffer.alloc(16, 0xff));
    assert.equal((await cli(['--probe', await blinkyBoard(), 'erase', '--mass', '--yes'])).status, 0);
    for (const argv of [
      ['erase'],
      ['erase', '--mass', '--sectors', '1'],
      ['erase', '--sectors', '3-1'],
      ['erase', '--sectors', '12', '--yes'],
    ]) {
      assert.equal((await cli(['--probe', probe, ...argv])).status, 2, argv.join(' '));
    }
  });

  it('options prints every option byte; write protection is set and cleared, and blocks flashing', async () => {
    const probe = await blinkyBoard();
    const r = await cli(['--probe', probe, 'options']);
    assert.equal(r.status, 0);
    for (const line of [
      /^FLASH_OPTCR +0x\w{8}$/m,
      /^RDP +0xAA, level 0/m,
      /^nWRP +no sector/m,
      /^BOR_LEV +/m,
      /^WDG_SW +/m,
      /^nRST_STOP +/m,
      /^nRST_STDBY +/m,
    ])
      assert.match(r.stdout, line);
    const set = await json(['--probe', probe, '--yes', 'options', '--protect-sectors', '0,2']);
    assert.deepEqual(set['writeProtected'], [0, 2]);
    const other = join(dir, 'other.bin');
    writeFileSync(other, Buffer.alloc(256, 0x5a));
    const refused = await json(['--probe', probe, 'flash', other], 5);
    assert.match(errorOf(refused).code, /write-protected/);
    const cleared = await json(['--probe', probe, '--yes', 'options', '--unprotect-sectors', '0-2']);
    assert.deepEqual(cleared['writeProtected'], []);
    assert.equal((await cli(['--probe', probe, 'flash', other])).status, 0);
    assert.equal(
      (await cli(['--probe', probe, 'options', '--protect-sectors', '1', '--unprotect-sectors', '1'])).status,
      2,
    );
  });

  it('protect sets RDP level 1; unlock goes back to 0 and erases all flash', async () => {
    const probe = await blinkyBoard();
    const protectedBody = await json(['--probe', probe, '--yes', 'protect']);
    assert.equal(protectedBody['rdpLevel'], 1);
    assert.equal(protectedBody['changed'], true);
    assert.equal((await json(['--probe', probe, '--yes', 'protect']))['changed'], false);
    const refused = await json(['--probe', probe, 'unlock'], 6);
    assert.equal(errorOf(refused).code, 'consent.read-protection');
    assert.equal((await json(['--probe', probe, 'options']))['rdpLevel'], 1);
    const unlocked = await cli(['--probe', probe, '--yes', 'unlock']);
    assert.equal(unlocked.status, 0, unlocked.stderr);
    assert.match(unlocked.stdout, /read protection removed \(RDP level 0\); all flash was erased/);
    assert.deepEqual(await flashBytes(probe, 0x0800_0000, 16), Buffer.alloc(16, 0xff));
    const again = await cli(['--probe', probe, 'unlock']);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /nothing to unlock/);
  });

  it('RDP level 2 needs --permanent with this chip’s unique ID', async () => {
    const probe = await blinkyBoard();
    assert.equal((await cli(['--probe', probe, '--yes', 'protect', '--level', '2'])).status, 2);
    assert.equal((await cli(['--probe', probe, '--yes', 'protect', '--permanent', 'x'])).status, 2);
    const wrong = await json(
      ['--probe', probe, '--yes', 'protect', '--level', '2', '--permanent', '0'.repeat(24)],
      6,
    );
    assert.equal(errorOf(wrong).code, 'consent.unique-id-mismatch');
    const noTty = await json(['--probe', probe, '--yes', 'protect', '--level', '2', '--permanent'], 6);
    assert.equal(errorOf(noTty).code, 'consent.permanent-protection');
    const uid = ((await json(['--probe', probe, 'info'])) as { chip: { uniqueId: string } }).chip.uniqueId;
    const done = await json([
      '--probe',
      probe,
      '--yes',
      'protect',
      '--level',
      '2',
      '--permanent',
      uid.toUpperCase(),
    ]);
    assert.equal(done['rdpLevel'], 2);
    // For good: the debug port no longer answers, whatever the connect strategy.
    assert.equal((await cli(['--probe', probe, 'info'])).status, 5);
  });
});

describe('probe and argument errors', () => {
  it('no probe: exit 4, listing what was tried and how to start the virtual board', async () => {
    const r = await cli(['info']);
    assert.equal(r.status, 4);
    assert.match(
      r.stderr,
      /No probe to talk to\. Tried:\n {2}- USB: no ST-Link is connected\n {2}- stlink-server on 127\.0\.0\.1:1: /,
    );
    assert.match(r.stderr, /--probe sim/);
    assert.match(r.stderr, /swdkit sim/);
    const body = await json(['flash', BLINKY], 4);
    assert.equal(errorOf(body).code, 'unavailable.no-probe');
  });

  it('bad global options are usage errors, wherever they stand', async () => {
    for (const argv of [
      ['--probe', 'stlink', 'info'],
      ['info', '--probe', 'sim:model=v9'],
      ['--connect', 'sideways', 'info'],
      ['info', '--speed', 'fast'],
      ['--probe', 'sim', 'frobnicate'],
    ]) {
      const r = await cli(argv);
      assert.equal(r.status, 2, `${argv.join(' ')}: ${r.stderr}`);
    }
    assert.match((await cli(['--probe', 'sim', 'frobnicate'])).stderr, /unknown command 'frobnicate'/);
  });

  it('--probe sim:model=v3 is an STLINK-V3', async () => {
    const body = await json(['--probe', 'sim:model=v3', 'info']);
    assert.match(String((body['probe'] as Record<string, unknown>)['description']), /STLINK-V3 V3J7M3B5S1/);
  });
});
