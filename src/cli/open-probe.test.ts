import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readImageFile } from '../flash/image/load.node.js';
import { dataPhaseOf, decodeCommand } from '../protocol/index.js';
import { startServer } from '../server/server.node.js';
import { DiscoveryBoard } from '../sim/board/discovery.js';
import { VirtualStLinkDevice } from '../sim/probe/virtual-stlink.js';
import { InProcessTransport } from '../transport/in-process.js';
import { FakeUsb, FakeUsbDevice } from '../../test/support/fake-webusb.js';
import { SwdkitError } from '../util/errors.js';
import { firmwareElf } from '../../test/support/paths.js';
import { openProbe, type ProbeAccess } from './open-probe.js';
import { parseProbeSpec } from './probe-spec.js';

const BLINKY = firmwareElf('blinky');

function virtualDevice(): VirtualStLinkDevice {
  const board = new DiscoveryBoard();
  return new VirtualStLinkDevice(board, {
    charge: (ns) => {
      board.runFor(ns);
    },
  });
}

function usbWith(count: number): FakeUsb {
  return new FakeUsb(
    Array.from(
      { length: count },
      (_, i) =>
        new FakeUsbDevice(virtualDevice(), {
          serialNumber: `SERIAL${i}`,
          phaseOf: (c) => dataPhaseOf(decodeCommand(c))?.kind ?? 'read',
        }),
    ),
  );
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sim = (text: string) => parseProbeSpec(text);

describe('openProbe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swdkit-open-probe-'));
  const noUsb: ProbeAccess = { usb: () => Promise.resolve(new FakeUsb([])) };

  it('--probe sim: a virtual Discovery in-process, behind the real StLink driver', async () => {
    const probe = await openProbe(sim('sim'), noUsb);
    try {
      assert.equal(probe.via, 'sim');
      assert.equal(probe.stlink.versionString, 'V2J40M27');
      assert.match(probe.description, /virtual ST-LINK\/V2-1 V2J40M27 .* on sim:v2-1/);
      assert.ok((await probe.stlink.targetVoltage()) > 2.9);
      await probe.stlink.enterSwd();
      assert.equal((await probe.stlink.read32(0xe0042000)) & 0xfff, 0x413); // DBGMCU_IDCODE.DEV_ID: F405/407
    } finally {
      await probe.close();
    }
  });

  it('sim:state=FILE keeps flash between openings; firmware= seeds only a fresh chip', async () => {
    const state = join(dir, 'board.state');
    const blinky = readImageFile(BLINKY).segments[0]!;
    const first = await openProbe(sim(`sim:state=${state},firmware=${BLINKY}`), noUsb);
    assert.equal(first.board?.restored, false);
    await first.stlink.enterSwd();
    assert.deepEqual(await first.stlink.readMemory(blinky.address, 64), blinky.data.subarray(0, 64));
    await first.close();
    assert.ok(existsSync(state));

    const stop = firmwareElf('stop');
    const second = await openProbe(sim(`sim:state=${state},firmware=${stop}`), noUsb);
    try {
      assert.equal(second.board?.restored, true);
      await second.stlink.enterSwd();
      assert.deepEqual(await second.stlink.readMemory(blinky.address, 64), blinky.data.subarray(0, 64));
    } finally {
      await second.close();
    }
  });

  it('sim:power=off measures 0 V; sim faults reach the driver', async () => {
    const off = await openProbe(sim('sim:power=off'), noUsb);
    assert.ok((await off.stlink.targetVoltage()) < 0.5);
    await off.close();
    const cut = await openProbe(sim('sim:cut-link-after=40'), noUsb);
    await assert.rejects(
      (async () => {
        await cut.stlink.enterSwd();
        for (;;) await cut.stlink.read32(0x2000_0000);
      })(),
      (e: unknown) => e instanceof SwdkitError && e.code === 'unavailable.probe-unplugged',
    );
    await cut.close();
  });

  it('without --probe: the only USB ST-Link', async () => {
    const probe = await openProbe(undefined, { usb: () => Promise.resolve(usbWith(1)) });
    try {
      assert.equal(probe.via, 'usb');
      assert.equal(probe.stlink.identity.serial, 'SERIAL0');
    } finally {
      await probe.close();
    }
  });

  it('without --probe and no USB ST-Link: a server on the default address', async () => {
    const server = await startServer({ devices: [new InProcessTransport(virtualDevice())], port: 0 });
    try {
      const probe = await openProbe(undefined, {
        ...noUsb,
        defaultServer: { host: '127.0.0.1', port: server.port },
      });
      try {
        assert.equal(probe.via, 'tcp');
        assert.match(probe.stlink.identity.location, /^tcp:127\.0\.0\.1:\d+#0$/);
        assert.equal(probe.stlink.versionString, 'V2J40M27');
      } finally {
        await probe.close();
      }
    } finally {
      await server.close();
    }
  });

  it('without --probe and nothing found: an error that lists what was tried and offers the virtual board', async () => {
    const port = await closedPort();
    for (const [usb, line] of [
      [usbWith(0), /USB: no ST-Link is connected/],
      [usbWith(2), /USB: 2 ST-Links \(.*SERIAL0, .*SERIAL1\); choose one with --probe usb:SERIAL/],
    ] as const) {
      await assert.rejects(
        openProbe(undefined, { usb: () => Promise.resolve(usb), defaultServer: { host: '127.0.0.1', port } }),
        (e: unknown) =>
          e instanceof SwdkitError &&
          e.code === 'unavailable.no-probe' &&
          line.test(e.message) &&
          new RegExp(`stlink-server on 127\\.0\\.0\\.1:${port}`).test(e.message) &&
          /--probe sim/.test(e.hint ?? '') &&
          /swdkit sim/.test(e.hint ?? ''),
      );
    }
  });

  it('--probe tcp:// to a closed port is unavailable', async () => {
    const port = await closedPort();
    await assert.rejects(
      openProbe(parseProbeSpec(`tcp://127.0.0.1:${port}`), noUsb),
      (e: unknown) => e instanceof SwdkitError && e.errorClass === 'unavailable',
    );
  });
});
