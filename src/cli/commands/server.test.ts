/**
 * `swdkit server` and `swdkit list` in-process, with USB access injected through the command context:
 * a fake WebUSB device (as node-usb presents one) in front of the virtual ST-Link on a virtual board
 * running blinky. The server is reached through the stlink-server client, as OpenOCD or a second
 * swdkit would reach it, and stopped as Ctrl-C stops it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { readImageFile } from '../../flash/image/load.node.js';
import { StLink } from '../../probe/stlink.js';
import { dataPhaseOf, decodeCommand } from '../../protocol/index.js';
import { DiscoveryBoard } from '../../sim/board/discovery.js';
import { VirtualStLinkDevice } from '../../sim/probe/virtual-stlink.js';
import { connectStLinkServer } from '../../transport/stlink-server/client.node.js';
import { FakeUsb, FakeUsbDevice } from '../../../test/support/fake-webusb.js';
import { EXIT_STATUS } from '../exit-status.js';
import { run } from '../program.js';
import { stopRunningCommand } from '../signals.js';
import { firmwareElf } from '../../../test/support/paths.js';

function blinkyOnFakeUsb(): { board: DiscoveryBoard; usbDevice: FakeUsbDevice; usb: FakeUsb } {
  const image = readImageFile(firmwareElf('blinky'));
  const board = new DiscoveryBoard({
    powered: false,
    preload: image.segments.map((s) => ({ address: s.address, data: s.data })),
  });
  board.power(true);
  const device = new VirtualStLinkDevice(board, {
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  const usbDevice = new FakeUsbDevice(device, {
    phaseOf: (c) => dataPhaseOf(decodeCommand(c))?.kind ?? 'read',
  });
  return { board, usbDevice, usb: new FakeUsb([usbDevice]) };
}

interface InProcessCli {
  readonly status: Promise<number>;
  /** Resolves with the first JSON line on stdout that satisfies `match`. */
  line(match: (json: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
}

function startCli(argv: string[], usb: FakeUsb): InProcessCli {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const status = run(argv, { stdout, stderr }, { usb: () => Promise.resolve(usb) });
  return {
    status,
    line: (match) =>
      new Promise((resolve, reject) => {
        const look = (): boolean => {
          for (const text of out.split('\n')) {
            if (!text.startsWith('{')) continue;
            const json = JSON.parse(text) as Record<string, unknown>;
            if (match(json)) {
              resolve(json);
              return true;
            }
          }
          return false;
        };
        if (look()) return;
        const onData = (): void => {
          if (look()) stdout.off('data', onData);
        };
        stdout.on('data', onData);
        void status.then((code) => {
          reject(new Error(`swdkit exited (${code}) before the expected line:\n${out}${err}`));
        });
      }),
    stdout: () => out,
    stderr: () => err,
  };
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

describe('swdkit server (fake USB in front of the virtual probe)', () => {
  it('shares the probe: version, voltage, a RAM round trip through a client, then stops cleanly', async () => {
    const { board, usbDevice, usb } = blinkyOnFakeUsb();
    const stats = join(mkdtempSync(join(tmpdir(), 'swdkit-server-')), 'stats.jsonl');
    const cli = startCli(['--json', 'server', '--port', '0', '--stats', stats], usb);
    const ready = await cli.line((j) => j['event'] === 'ready');
    assert.equal(ready['host'], '127.0.0.1');
    assert.equal((ready['probe'] as { serial: string }).serial, usbDevice.serialNumber);
    assert.ok(usbDevice.opened && usbDevice.claimed, 'the server holds the USB device');

    const stlink = await StLink.open(await connectStLinkServer({ port: ready['port'] as number }));
    assert.equal(stlink.versionString, 'V2J40M27');
    const volts = await stlink.targetVoltage();
    assert.ok(volts > 2.9 && volts < 3.1, `target voltage ${volts}`);
    await stlink.enterSwd();
    const data = Uint8Array.from({ length: 1500 }, (_, i) => (i * 13 + 5) & 0xff);
    await stlink.writeMemory(0x2001_0003, data);
    assert.deepEqual(await stlink.readMemory(0x2001_0003, data.length), data);
    assert.deepEqual(board.soc.bus.sram.subarray(0x1_0003, 0x1_0003 + data.length), data);
    await stlink.close();

    assert.equal(stopRunningCommand(), true);
    assert.equal(await cli.status, EXIT_STATUS.ok, cli.stderr());
    assert.equal(stopRunningCommand(), false, 'nothing is left running');
    assert.equal(usbDevice.opened, false, 'the USB device is closed on the way out');
    const sessions = readFileSync(stats, 'utf8').trim().split('\n');
    assert.equal(sessions.length, 1);
    assert.ok((JSON.parse(sessions[0] ?? '') as { commands: number }).commands > 5);
  });

  it('with no ST-Link on USB fails as unavailable.no-probe', async () => {
    const cli = startCli(['--json', 'server', '--port', '0'], new FakeUsb([]));
    assert.equal(await cli.status, EXIT_STATUS.unavailable);
    const body = JSON.parse(cli.stdout()) as { error: { code: string } };
    assert.equal(body.error.code, 'unavailable.no-probe');
  });
});

describe('swdkit list (fake USB in front of the virtual probe)', () => {
  it('lists the USB probe with its firmware and target voltage', async () => {
    const { usbDevice, usb } = blinkyOnFakeUsb();
    const cli = startCli(['--json', 'list', '--server-port', String(await closedPort())], usb);
    assert.equal(await cli.status, EXIT_STATUS.ok, cli.stderr());
    const listing = JSON.parse(cli.stdout()) as {
      probes: { via: string; serial: string; firmware: string; targetVolts: number }[];
      notes: string[];
    };
    assert.equal(listing.probes.length, 1);
    const [probe] = listing.probes;
    assert.equal(probe?.via, 'usb');
    assert.equal(probe.serial, usbDevice.serialNumber);
    assert.equal(probe.firmware, 'V2J40M27');
    assert.ok(probe.targetVolts > 2.9 && probe.targetVolts < 3.1, `target voltage ${probe.targetVolts}`);
    assert.equal(usbDevice.opened, false, 'list closes what it opened');
    assert.match(listing.notes.join('\n'), /no stlink-server/);
  });
});
