/**
 * The ladder as a library call over an in-process virtual probe, for what the CLI's `--probe sim`
 * cannot present: an ST-Link with old firmware. The CLI tests (test/cli/doctor.test.ts) cover the
 * target conditions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { elfImage } from '../../src/flash/image/elf.js';
import { StLink } from '../../src/probe/stlink.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { stLinkV2_1 } from '../../src/sim/probe/models.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { firmwareElf } from '../support/paths.js';
import { runDoctor } from '../../src/doctor/ladder.js';

const MS = 1e6;

async function blinkyOn(jtag: number): Promise<{ stlink: StLink; board: DiscoveryBoard }> {
  const path = firmwareElf('blinky');
  const board = new DiscoveryBoard({ preload: elfImage(readFileSync(path), path).segments });
  board.runFor(100 * MS);
  const device = new VirtualStLinkDevice(board, {
    model: stLinkV2_1({ jtag }),
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  return { stlink: await StLink.open(new InProcessTransport(device)), board };
}

describe('runDoctor', () => {
  it('an ST-Link/V2-1 with J21 firmware: probe-firmware-old names what it blocks; the board is still healthy', async () => {
    const { stlink, board } = await blinkyOn(21);
    const report = await runDoctor({
      open: () => Promise.resolve({ stlink, description: 'ST-LINK/V2-1 V2J21M5 (virtual)' }),
      clock: {
        now: () => board.now / MS,
        sleep: (ms) => {
          board.runFor(ms * MS);
          return Promise.resolve();
        },
      },
    });
    await stlink.close();
    assert.deepEqual(
      report.diagnoses.map((d) => d.code),
      ['healthy', 'probe-firmware-old'],
    );
    const old = report.diagnoses[1];
    assert.match(old?.summary ?? '', /V2J21.* is outdated: .*choosing the SWD clock/);
    const firmware = report.steps.find((s) => s.step === 'probe-firmware');
    assert.equal(firmware?.ok, false);
    // Without SWD_SET_FREQ there is no slower rung to try.
    assert.equal(
      report.steps.some((s) => s.step === 'swd-slow'),
      false,
    );
  });

  it('a probe that cannot be opened: the diagnosis comes from the error, and nothing else is tried', async () => {
    const { UnavailableError } = await import('../../src/util/errors.js');
    const report = await runDoctor({
      open: () =>
        Promise.reject(
          new UnavailableError('usb-permission', 'Permission denied opening ST-LINK/V2-1 066D.', {
            hint: 'udev',
          }),
        ),
    });
    assert.deepEqual(
      report.diagnoses.map((d) => d.code),
      ['probe-permission'],
    );
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.ok]),
      [
        ['probe-present', true],
        ['probe-open', false],
      ],
    );
  });
});
