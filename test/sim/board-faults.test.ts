/** The virtual board's fault injection (src/sim/board/faults.ts) seen through the host's StLink driver. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StLink } from '../../src/probe/stlink.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { SwdkitError } from '../../src/util/errors.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { FaultyProbe, type FaultEvent, type FaultPlan } from '../../src/sim/board/faults.js';

async function rig(plan: FaultPlan = {}): Promise<{
  board: DiscoveryBoard;
  probe: FaultyProbe;
  stlink: StLink;
  faults: FaultEvent[];
}> {
  const board = new DiscoveryBoard();
  const device = new VirtualStLinkDevice(board, {
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  const probe = new FaultyProbe(board, device, plan);
  const faults: FaultEvent[] = [];
  probe.onFault((f) => faults.push(f));
  const stlink = await StLink.open(new InProcessTransport(probe));
  return { board, probe, stlink, faults };
}

const unplugged = (error: unknown): boolean =>
  error instanceof SwdkitError &&
  error.code === 'unavailable.probe-unplugged' &&
  error.errorClass === 'unavailable';

describe('FaultyProbe', () => {
  it('passes everything through while no fault is armed', async () => {
    const { stlink, probe } = await rig();
    await stlink.enterSwd();
    assert.equal(await stlink.read32(0xe000ed00), 0x410fc241); // CPUID of the Cortex-M4 r0p1
    assert.ok(probe.commands > 3);
    assert.equal(probe.isLinkCut, false);
  });

  it('a cut link fails exchange N+1 and every later one, as a vanished USB device does', async () => {
    const { stlink, probe, faults } = await rig();
    await stlink.enterSwd();
    // GET_TARGET_VOLTAGE is one exchange.
    probe.arm({ cutLinkAfterCommands: probe.commands + 2 });
    await stlink.targetVoltage();
    await stlink.targetVoltage();
    await assert.rejects(stlink.read32(0x2000_0000), unplugged);
    await assert.rejects(stlink.targetVoltage(), unplugged);
    assert.equal(probe.isLinkCut, true);
    assert.equal(faults.length, 1);
    assert.equal(faults[0]?.kind, 'link');
  });

  it('cuts the link at a virtual time', async () => {
    const { stlink, board, probe } = await rig();
    probe.arm({ cutLinkAtNs: board.now + 5e6 });
    await stlink.targetVoltage();
    board.runFor(6e6);
    await assert.rejects(stlink.targetVoltage(), unplugged);
  });

  it('switches target power off after N commands: the probe stays, the target measures 0 V', async () => {
    const { stlink, board, probe, faults } = await rig();
    await stlink.enterSwd();
    probe.arm({ cutPowerAfterCommands: probe.commands + 1 });
    assert.ok(board.powered);
    await stlink.targetVoltage();
    assert.equal(board.powered, false);
    assert.ok((await stlink.targetVoltage()) < 0.5);
    await assert.rejects(stlink.read32(0x2000_0000), (e: unknown) => e instanceof SwdkitError);
    assert.deepEqual(
      faults.map((f) => f.kind),
      ['power'],
    );
    // Once per arming: powering the board again is not undone by the next command.
    board.power(true);
    await stlink.targetVoltage();
    assert.equal(board.powered, true);
  });

  it('switches target power off at a virtual time, with no probe traffic at all', async () => {
    const { board, probe, faults } = await rig();
    probe.arm({ cutPowerAtNs: board.now + 3e6 });
    board.runFor(2e6);
    assert.equal(board.powered, true);
    board.runFor(2e6);
    assert.equal(board.powered, false);
    assert.equal(faults.length, 1);
    assert.ok((faults[0]?.atNs ?? 0) >= 3e6);
  });
});
