/**
 * `swdkit doctor` on the virtual board, in-process on `--probe sim` with each fault firmware: the
 * code is right, and the evidence is true — checked against what the firmware's source says it does
 * (the line of the store that takes the pins, the registers its header documents), never against the
 * simulator's internals. The doctor sees the board only through the probe. A state file before and
 * after shows that the doctor changed nothing in flash, OTP or the option bytes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { dataPhaseOf, decodeCommand } from '../../src/protocol/index.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { cli, lastJson } from '../support/cli.js';
import { FakeUsb, FakeUsbDevice } from '../support/fake-webusb.js';
import { firmwareElf, repoRoot } from '../support/paths.js';

interface Evidence {
  step: string;
  tried: string;
  result: string;
  ok: boolean;
  data?: Record<string, unknown>;
}
interface Diagnosis {
  code: string;
  summary: string;
  evidence: Evidence[];
  command?: string;
  possibilities?: { cause: string; tell: string }[];
  location?: { pc: number; function?: string; file?: string; line?: number };
}
interface Report {
  diagnoses: Diagnosis[];
  steps: Evidence[];
  durationMs: number;
}

const dir = mkdtempSync(join(tmpdir(), 'swdkit-doctor-'));
let boards = 0;

async function doctor(probe: string, extra: string[] = [], environment = {}): Promise<Report> {
  const r = await cli(['--json', '--probe', probe, 'doctor', ...extra], { environment });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return lastJson(r.stdout) as unknown as Report;
}

/** The 1-based line of the only line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(repoRoot, 'firmware', file), 'utf8').split('\n');
  const found = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  assert.equal(found.length, 1, `${text} in ${file}`);
  return found[0] ?? 0;
}

const step = (report: Report, name: string): Evidence => {
  const found = report.steps.find((s) => s.step === name);
  assert.ok(found, `no step ${name}: ${report.steps.map((s) => s.step).join(', ')}`);
  return found;
};

/** A new state file with `firmware` in flash (booted once by `info`), as --probe. */
async function board(firmware: string): Promise<{ probe: string; state: string }> {
  const state = join(dir, `board-${++boards}.state`);
  const r = await cli(['--probe', `sim:state=${state},firmware=${firmwareElf(firmware)}`, 'info']);
  assert.equal(r.status, 0, r.stderr);
  return { probe: `sim:state=${state}`, state };
}

describe('swdkit doctor', () => {
  it('healthy blinky: healthy, every rung ok, the whole ladder in under 2 s', async () => {
    const report = await doctor(`sim:firmware=${firmwareElf('blinky')}`);
    assert.deepEqual(
      report.diagnoses.map((d) => d.code),
      ['healthy'],
    );
    assert.ok(report.durationMs < 2000, `${report.durationMs} ms`);
    assert.match(step(report, 'target-voltage').result, /^3\.00 V$/);
    assert.match(step(report, 'swd').result, /answers .* at 4000 kHz/);
    assert.match(step(report, 'core-state').result, /^running; no fault recorded$/);
    assert.match(step(report, 'protection').result, /RDP level 0 \(0xaa\), no sector write-protected/);
    // The vector table the doctor read through the probe is the image's first eight bytes.
    const table = step(report, 'vector-table');
    const image = readImageFile(firmwareElf('blinky')).segments.find((s) => s.address === 0x0800_0000);
    assert.ok(image);
    const view = new DataView(image.data.buffer, image.data.byteOffset);
    assert.equal(table.data?.['initialSp'], view.getUint32(0, true));
    assert.equal(table.data['reset'], view.getUint32(4, true));
    assert.ok(
      report.steps.every((s) => s.ok),
      JSON.stringify(report.steps.filter((s) => !s.ok)),
    );
  });

  it('swd-off: firmware-disables-swd-pins, the store in main() at the line that writes GPIOA_MODER', async () => {
    const elf = firmwareElf('swd-off');
    const { probe, state } = await board('swd-off');
    const before = readFileSync(state);
    const report = await doctor(probe, ['--elf', elf]);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'firmware-disables-swd-pins', JSON.stringify(report.diagnoses));
    assert.equal(first.command, 'swdkit recover');
    assert.equal(step(report, 'swd').ok, false);
    assert.equal(step(report, 'swd-slow').ok, false);
    assert.equal(step(report, 'under-reset').ok, true);
    assert.match(first.summary, /PA13 \(SWDIO\) to output and PA14 \(SWCLK\) to output/);
    // The header of src/swd-off.c: GPIOA_MODER becomes 0x94000000 once SWD is off.
    assert.match(first.summary, /GPIOA_MODER = 0x94000000/);
    assert.equal(first.location?.function, 'main');
    assert.equal(first.location.file, 'src/swd-off.c');
    assert.equal(first.location.line, lineOf('src/swd-off.c', 'GPIOA_MODER = moder;'));
    assert.deepEqual(readFileSync(state), before, 'the doctor changed nothing in flash or option bytes');
  });

  for (const [firmware, mode, store] of [
    ['standby', 'Standby', 'SCB_SCR |= SCB_SCR_SLEEPDEEP;'],
    ['stop', 'Stop', 'SCB_SCR |= SCB_SCR_SLEEPDEEP;'],
  ] as const) {
    it(`${firmware}: firmware-low-power, ${mode} entered at the SLEEPDEEP store, DBGMCU_CR cleared`, async () => {
      const elf = firmwareElf(firmware);
      const report = await doctor(`sim:firmware=${elf}`, ['--elf', elf]);
      const [first] = report.diagnoses;
      assert.equal(first?.code, 'firmware-low-power', JSON.stringify(report.diagnoses));
      assert.match(first.summary, new RegExp(`enters ${mode} mode`));
      assert.match(first.summary, /PWR_CR\.PDDS = /);
      assert.match(first.summary, /DBGMCU_CR cleared/);
      assert.equal(first.location?.function, 'main');
      assert.equal(first.location.line, lineOf(`src/${firmware}.c`, store));
      assert.match(step(report, 'trace').result, mode === 'Standby' ? /PDDS 1: Standby/ : /PDDS 0: Stop/);
    });
  }

  it('stop-reset: firmware-low-power, Stop entry turned into a reset by nRST_STOP = 0 (LPWRRSTF), the entry located', async () => {
    const elf = firmwareElf('stop-reset');
    const report = await doctor(`sim:firmware=${elf}`, ['--elf', elf]);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'firmware-low-power', JSON.stringify(report.diagnoses));
    assert.match(first.summary, /nRST_STOP = 0/);
    assert.match(step(report, 'reset-flags').result, /LPWRRSTF/);
    assert.match(step(report, 'protection').result, /nRST_STOP 0/);
    assert.equal(first.location?.function, 'main');
    assert.equal(first.location.line, lineOf('src/stop-reset.c', 'SCB_SCR |= SCB_SCR_SLEEPDEEP;'));
  });

  it('watchdog: watchdog-reset, IWDG_PR/RLR as the firmware sets them and IWDGRSTF after the halt', async () => {
    const report = await doctor(`sim:firmware=${firmwareElf('watchdog')}`);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'watchdog-reset', JSON.stringify(report.diagnoses));
    const watchdog = step(report, 'watchdog');
    // src/watchdog.c: IWDG_PR = 1, IWDG_RLR = 599, 150 ms.
    assert.equal(watchdog.data?.['iwdgPr'], 1);
    assert.equal(watchdog.data['iwdgRlr'], 599);
    assert.match(first.summary, /about 150 ms/);
    assert.match(watchdog.result, /IWDGRSTF/);
  });

  it('rdp1: read-protected once the level is loaded; flash unreadable; nothing changed', async () => {
    const { probe, state } = await board('rdp1');
    // A second boot loads the level the first one wrote.
    assert.equal((await cli(['--probe', probe, 'reset'])).status, 0);
    const before = readFileSync(state);
    const report = await doctor(probe);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'read-protected', JSON.stringify(report.diagnoses));
    assert.equal(first.command, 'swdkit recover');
    assert.match(step(report, 'protection').result, /RDP level 1 \(0x55\)/);
    assert.equal(step(report, 'vector-table').ok, false);
    assert.match(step(report, 'vector-table').result, /unreadable/);
    assert.deepEqual(readFileSync(state), before);
  });

  it('hardfault: hard-fault with CFSR IACCVIOL, HFSR FORCED and the stacked PC 0xFFFFFFF0, called from main()', async () => {
    const elf = firmwareElf('hardfault');
    const report = await doctor(`sim:firmware=${elf}`, ['--elf', elf]);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'hard-fault', JSON.stringify(report.diagnoses));
    assert.match(first.summary, /HardFault at 0xfffffff0, called from 0x[0-9a-f]{8} in main\(\)/);
    assert.match(first.summary, /IACCVIOL/);
    assert.match(first.summary, /FORCED/);
    assert.equal(first.location?.line, lineOf('src/hardfault.c', 'bad(0x600DF00Du);'));
  });

  it('lockup: core-lockup, the vector table names the even Reset and HardFault entries', async () => {
    const report = await doctor(`sim:firmware=${firmwareElf('lockup')}`);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'core-lockup', JSON.stringify(report.diagnoses));
    assert.match(first.summary, /INVSTATE/);
    assert.match(first.summary, /Reset vector 0x[0-9a-f]{8} has bit 0 clear/);
    assert.match(step(report, 'core-state').result, /^locked-up/);
  });

  it('bad-vector: the vector table points past flash; hard-fault at the stacked PC 0x08100000 (IBUSERR)', async () => {
    const report = await doctor(`sim:firmware=${firmwareElf('bad-vector')}`);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'hard-fault', JSON.stringify(report.diagnoses));
    assert.match(
      first.summary,
      /^The vector table is wrong \(the Reset vector 0x08100001 points outside flash/,
    );
    assert.match(first.summary, /HardFault at 0x08100000/);
    assert.match(first.summary, /IBUSERR/);
  });

  it('erased flash: flash-empty, the first sector reads erased', async () => {
    const report = await doctor('sim');
    assert.equal(report.diagnoses[0]?.code, 'flash-empty', JSON.stringify(report.diagnoses));
    assert.match(step(report, 'vector-table').result, /^erased: initial SP 0xffffffff/);
  });

  it('unpowered target: no-target-power at 0.00 V, and the ladder stops there', async () => {
    const report = await doctor('sim:power=off');
    assert.deepEqual(
      report.diagnoses.map((d) => d.code),
      ['no-target-power'],
    );
    assert.equal(step(report, 'target-voltage').data?.['volts'], 0);
    assert.equal(
      report.steps.some((s) => s.step === 'swd'),
      false,
    );
  });

  it('RDP level 2: swd-no-response, the possibilities in order, and nothing destructive', async () => {
    const { probe, state } = await board('blinky');
    const uid = String(
      (lastJson((await cli(['--json', '--probe', probe, 'info'])).stdout)['chip'] as Record<string, unknown>)[
        'uniqueId'
      ],
    );
    assert.equal(
      (await cli(['--probe', probe, '--yes', 'protect', '--level', '2', '--permanent', uid])).status,
      0,
    );
    assert.equal((await cli(['--probe', probe, 'reset'])).status, 5, 'level 2 is loaded at this reset');
    const before = readFileSync(state);
    const report = await doctor(probe);
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'swd-no-response', JSON.stringify(report.diagnoses));
    assert.equal(step(report, 'under-reset').ok, false);
    assert.match(first.possibilities?.[0]?.cause ?? '', /SWDIO, SWCLK or GND/);
    assert.match(first.possibilities?.[1]?.cause ?? '', /read protection level 2/);
    const recover = await cli(['--probe', probe, '--yes', 'recover']);
    assert.equal(recover.status, 5, recover.stderr);
    assert.deepEqual(readFileSync(state), before, 'neither the doctor nor recover changed anything');
  });

  it('USB probe held by another process: probe-busy names it (from /proc) and offers swdkit server', async () => {
    const proc = join(dir, 'proc');
    mkdirSync(join(proc, '4242', 'fd'), { recursive: true });
    symlinkSync('/dev/bus/usb/001/005', join(proc, '4242', 'fd', '7'));
    writeFileSync(join(proc, '4242', 'cmdline'), 'openocd\0-f\0interface/stlink.cfg\0');
    const sim = new DiscoveryBoard();
    const device = new FakeUsbDevice(
      new VirtualStLinkDevice(sim, {
        charge: (ns) => {
          sim.runFor(ns);
        },
      }),
      {
        bus: '1-2',
        address: 5,
        phaseOf: (c) => dataPhaseOf(decodeCommand(c))?.kind ?? 'read',
      },
    );
    device.failClaim = new Error('LIBUSB_ERROR_BUSY: Resource busy');
    const report = await doctor('usb', [], {
      usb: () => Promise.resolve(new FakeUsb([device])),
      procRoot: proc,
    });
    const [first] = report.diagnoses;
    assert.equal(first?.code, 'probe-busy', JSON.stringify(report.diagnoses));
    assert.match(first.summary, /process 4242 \(openocd -f interface\/stlink\.cfg\)/);
    assert.equal(first.command, 'swdkit server');
  });

  it('no probe at all: no-probe', async () => {
    const report = await doctor('usb');
    assert.equal(report.diagnoses[0]?.code, 'no-probe');
  });

  it('human output: the cause first, then the evidence and the command to copy', async () => {
    const r = await cli(['--probe', `sim:firmware=${firmwareElf('swd-off')}`, 'doctor']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /^cause +The firmware switches PA13 .* \[firmware-disables-swd-pins\]$/);
    assert.match(r.stdout, /^evidence +- attach over SWD at 4000 kHz/m);
    assert.match(r.stdout, /^fix +swdkit recover$/m);
  });

  it('flash and info that cannot connect end with the quick verdict and the command to run', async () => {
    const swdOff = `sim:firmware=${firmwareElf('swd-off')}`;
    for (const argv of [
      ['--probe', swdOff, '--connect', 'normal', 'info'],
      ['--probe', swdOff, '--connect', 'normal', 'flash', firmwareElf('blinky')],
    ]) {
      const r = await cli(argv);
      assert.equal(r.status, 5, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.match(
        lines.at(-2) ?? '',
        /^ {2}doctor: only a connect under reset reaches the chip: .* \[firmware-disables-swd-pins or firmware-low-power\]$/,
      );
      assert.equal(lines.at(-1), '  run: swdkit doctor');
    }
    const off = await cli(['--json', '--probe', 'sim:power=off', 'info']);
    assert.equal(off.status, 5);
    const error = lastJson(off.stdout)['error'] as { code: string; hint: string };
    assert.equal(error.code, 'target.no-target-power', 'the code stays the same for scripts');
    assert.match(error.hint, /doctor: the target has no power .*\[no-target-power\]\nrun: swdkit doctor$/);
  });

  it('--log FILE goes to the log explainer, which reads the file and not the board', async () => {
    const log = join(dir, 'seed.log');
    writeFileSync(log, 'Error: init mode failed (unable to connect to the target)\n');
    const r = await cli(['doctor', '--log', log]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /line 1: Error: init mode failed \(unable to connect to the target\)/);
    assert.match(r.stdout, /\[firmware-disables-swd-pins\]/);
  });
});
