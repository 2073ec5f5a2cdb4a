import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessTransport } from '../transport/in-process.js';
import { ScriptedDevice } from '../../test/support/scripted-device.js';
import { connectStLinkServer, type StLinkServerTransport } from '../transport/stlink-server/client.node.js';
import {
  DEVICE_INFO_RECORD_SIZE,
  encodeRequest,
  usbCommandRequest,
  type ServerRequest,
} from '../transport/stlink-server/wire.js';
import { startServer, type ServerEvent, type StLinkServer } from './server.node.js';
import { RawClient } from '../../test/support/raw-server-client.js';
import { UnavailableError } from '../util/errors.js';
import type { StLinkTransport } from '../protocol/link.js';

const cmd = (...head: number[]): Uint8Array => {
  const c = new Uint8Array(16);
  c.set(head);
  return c;
};
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const readMem32 = (address: number, length: number): Uint8Array =>
  cmd(0xf2, 0x07, ...le32(address), length, 0);
const writeMem32 = (address: number, length: number): Uint8Array =>
  cmd(0xf2, 0x08, ...le32(address), length, 0);
const RWSTATUS2 = cmd(0xf2, 0x3e);
const GET_MODE = cmd(0xf5);
const ENTER_SWD = cmd(0xf2, 0x30, 0xa3);
const EXIT = cmd(0xf2, 0x21);
const UNMAPPED = 0x50000000;

describe('swdkit server', () => {
  let device: ScriptedDevice;
  let server: StLinkServer;
  let events: ServerEvent[];
  let statsFile: string;
  const clients: StLinkServerTransport[] = [];

  beforeEach(async () => {
    device = new ScriptedDevice();
    events = [];
    statsFile = join(await mkdtemp(join(tmpdir(), 'swdkit-server-')), 'stats.jsonl');
    server = await startServer({
      devices: [new InProcessTransport(device)],
      port: 0,
      statsFile,
      requestTimeoutMs: 300,
      onEvent: (e) => events.push(e),
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server.close();
  });
  const open = async (): Promise<StLinkServerTransport> => {
    const c = await connectStLinkServer({ port: server.port, timeoutMs: 2000 });
    clients.push(c);
    return c;
  };

  it('listens on loopback by default', () => {
    assert.equal(server.host, '127.0.0.1');
  });

  it('completes the OpenOCD open sequence and forwards a command', async () => {
    const c = await open();
    assert.equal(c.serverVersion.api, 3);
    assert.equal(c.identity.serial, device.identity.serial);
    assert.equal(c.identity.pid, 0x374b);
    assert.match(c.identity.location, /^tcp:127\.0\.0\.1:\d+#0$/);
    const version = await c.exchange(cmd(0xf1), { kind: 'read', length: 6 });
    assert.deepEqual([...version], [0x29, 0x5a, 0x83, 0x04, 0x4b, 0x37]);
  });

  it('answers every request with exactly the reply size of D.3/D.4', async () => {
    const raw = await RawClient.open(server.port);
    const steps: [ServerRequest, number][] = [
      [{ command: 'GET_SERVER_VERSION', clientApi: 1 }, 16],
      [{ command: 'REFRESH_DEVICE_LIST', clear: 0 }, 4],
      [{ command: 'GET_NB_DEV' }, 4],
      [{ command: 'GET_DEV_INFO', index: 0, recordSize: DEVICE_INFO_RECORD_SIZE }, 45],
      [{ command: 'GET_DEV_INFO', index: 5, recordSize: DEVICE_INFO_RECORD_SIZE }, 45],
      [{ command: 'OPEN_DEV', deviceId: 1 }, 8],
    ];
    let total = 0;
    for (const [request, size] of steps) {
      raw.send(request);
      total += size;
      assert.equal((await raw.waitFor(total)).length, total, request.command);
    }
    const connectId = new DataView(raw.received.buffer).getUint32(total - 4, true);
    assert.notEqual(connectId, 0);
    const usb: [ServerRequest, number][] = [
      [usbCommandRequest(connectId, cmd(0xf1), 1, 6), 10],
      [usbCommandRequest(connectId, EXIT, 1, 0), 4],
      [usbCommandRequest(connectId, writeMem32(0x20000000, 8), 0, new Uint8Array(8)), 4],
      [usbCommandRequest(connectId, readMem32(0x20000000, 8), 1, 8), 12],
      [usbCommandRequest(connectId, RWSTATUS2, 1, 12), 16],
      [usbCommandRequest(connectId, new Uint8Array(16), 3, 5), 9],
      [usbCommandRequest(connectId + 99, readMem32(0, 4), 1, 4), 8],
      [{ command: 'GET_NB_OF_DEV_CLIENTS', deviceId: 1 }, 8],
      [{ command: 'CLOSE_DEV', connectId }, 4],
    ];
    for (const [request, size] of usb) {
      raw.send(request);
      total += size;
      assert.equal((await raw.waitFor(total)).length, total, JSON.stringify(request).slice(0, 80));
    }
    raw.socket.destroy();
  });

  it('reports a wrong connect_id as BAD_PARAMETER, not as probe data', async () => {
    const raw = await RawClient.open(server.port);
    raw.send(usbCommandRequest(1234, readMem32(0, 4), 1, 4));
    const reply = await raw.waitFor(8);
    assert.equal(new DataView(reply.buffer).getUint32(0, true), 0x1002);
    raw.socket.destroy();
  });

  it("keeps each client's memory status its own when memory+status pairs interleave", async () => {
    const a = await open();
    const b = await open();
    await a.exchange(writeMem32(0x20000000, 4), { kind: 'write', data: Uint8Array.of(1, 2, 3, 4) });
    await b.exchange(readMem32(UNMAPPED, 4), { kind: 'read', length: 4 });
    const statusA = await a.exchange(RWSTATUS2, { kind: 'read', length: 12 });
    const statusB = await b.exchange(RWSTATUS2, { kind: 'read', length: 12 });
    assert.equal(statusA[0], 0x80, 'A must not see B’s fault');
    assert.equal(statusB[0], 0x11, 'B must see its own fault');
    // The probe saw each memory command immediately followed by its status query.
    const names = device.commandNames();
    names.forEach((n, i) => {
      if (n === 'F2 07' || n === 'F2 08')
        assert.equal(names[i + 1] === 'F1' ? names[i + 2] : names[i + 1], 'F2 3E');
    });
  });

  it('keeps memory statuses straight under concurrent load from two clients', async () => {
    device.delayMs = 1;
    const a = await open();
    const b = await open();
    const pair = async (c: StLinkServerTransport, address: number): Promise<number> => {
      await c.exchange(readMem32(address, 4), { kind: 'read', length: 4 });
      return (await c.exchange(RWSTATUS2, { kind: 'read', length: 12 }))[0]!;
    };
    const run = async (c: StLinkServerTransport, address: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 15; i++) out.push(await pair(c, address));
      return out;
    };
    const [sa, sb] = await Promise.all([run(a, 0x20000000), run(b, UNMAPPED)]);
    assert.deepEqual(new Set(sa), new Set([0x80]));
    assert.deepEqual(new Set(sb), new Set([0x11]));
  });

  it('does not EXIT the probe under another attached client, and does not re-ENTER', async () => {
    const a = await open();
    const b = await open();
    assert.equal((await a.exchange(GET_MODE, { kind: 'read', length: 2 }))[0], 0x01);
    assert.equal((await a.exchange(ENTER_SWD, { kind: 'read', length: 2 }))[0], 0x80);
    assert.equal(device.mode, 0x02);
    // B's open sequence: the probe is in A's debug session, which is not B's stale mode to leave.
    assert.equal((await b.exchange(GET_MODE, { kind: 'read', length: 2 }))[0], 0x01);
    assert.equal((await b.exchange(ENTER_SWD, { kind: 'read', length: 2 }))[0], 0x80);
    assert.equal((await b.exchange(GET_MODE, { kind: 'read', length: 2 }))[0], 0x02);
    assert.equal(
      device.commandNames().filter((n) => n === 'F2 30').length,
      1,
      'ENTER reached the probe once',
    );
    await b.exchange(EXIT, { kind: 'none' });
    assert.equal(device.mode, 0x02, 'B’s EXIT must not take the probe out of debug mode under A');
    assert.equal(device.commandNames().filter((n) => n === 'F2 21').length, 0);
    await a.exchange(readMem32(0x20000000, 4), { kind: 'read', length: 4 });
    assert.equal((await a.exchange(RWSTATUS2, { kind: 'read', length: 12 }))[0], 0x80);
    await a.exchange(EXIT, { kind: 'none' });
    assert.equal(device.mode, 0x01, 'the last client’s EXIT reaches the probe');
  });

  it('refuses a JTAG ENTER while another client debugs over SWD', async () => {
    const a = await open();
    const b = await open();
    await a.exchange(ENTER_SWD, { kind: 'read', length: 2 });
    assert.equal((await b.exchange(cmd(0xf2, 0x30, 0xa4), { kind: 'read', length: 2 }))[0], 0x0e);
  });

  it('a stale debug mode with nobody attached passes through, so the client leaves it itself', async () => {
    device.mode = 0x02;
    const a = await open();
    assert.equal((await a.exchange(GET_MODE, { kind: 'read', length: 2 }))[0], 0x02);
    await a.exchange(EXIT, { kind: 'none' });
    assert.equal(device.mode, 0x01);
  });

  it('treats NRST as open-drain: held low while any client holds it, released when the holder leaves', async () => {
    const a = await open();
    const b = await open();
    await a.exchange(cmd(0xf2, 0x3c, 0x00), { kind: 'read', length: 2 });
    assert.equal(device.nrst, 'low');
    const highs = (): number => device.log.filter((e) => e.command[1] === 0x3c && e.command[2] === 1).length;
    assert.equal((await b.exchange(cmd(0xf2, 0x3c, 0x01), { kind: 'read', length: 2 }))[0], 0x80);
    assert.equal(device.nrst, 'low', 'B’s release does not lift A’s reset');
    assert.equal(highs(), 0);
    await a.close();
    assert.equal(device.nrst, 'high', 'A left; nobody holds NRST any more');
    // Already high with another client attached: a routine release is not sent again.
    const c = await open();
    const before = highs();
    await c.exchange(cmd(0xf2, 0x3c, 0x01), { kind: 'read', length: 2 });
    assert.equal(highs(), before);
  });

  it('runs the SWD clock at the slowest speed any attached client asked for', async () => {
    const a = await open();
    const b = await open();
    await a.exchange(cmd(0xf2, 0x43, 0, 0), { kind: 'read', length: 2 });
    assert.equal(device.swdDivisor, 0);
    await b.exchange(cmd(0xf2, 0x43, 1, 0), { kind: 'read', length: 2 });
    assert.equal(device.swdDivisor, 1);
    await a.exchange(cmd(0xf2, 0x43, 0, 0), { kind: 'read', length: 2 });
    assert.equal(device.swdDivisor, 1, 'A cannot speed the wire up under B');
    await b.close();
    assert.equal(device.swdDivisor, 0, 'B left: back to A’s speed');
  });

  it('keeps an RW_MISC OUT/IN pair whole (server API 3)', async () => {
    const a = await open();
    const b = await open();
    const out = new Uint8Array(4 + 8);
    out.set([3, 3], 0);
    new DataView(out.buffer).setUint32(4, 0x11111111, true);
    new DataView(out.buffer).setUint32(8, 0x22222222, true);
    await a.exchange(cmd(0xf2, 0x51, 2, 0, 0, 0), { kind: 'write', data: out });
    await b.exchange(cmd(0xf2, 0x51, 1, 0, 0, 0), {
      kind: 'write',
      data: Uint8Array.of(3, 0, 0, 0, 9, 9, 9, 9),
    });
    const result = await a.exchange(cmd(0xf2, 0x52), { kind: 'read', length: 16 });
    const dv = new DataView(result.buffer, result.byteOffset);
    assert.equal(dv.getUint32(0, true), 0x11111111);
    assert.equal(dv.getUint32(4, true), 0x22222222);
    assert.equal(dv.getUint32(8, true), 0x80);
  });

  it('moves SWO trace bytes with direction 3', async () => {
    device.trace = Uint8Array.of(1, 2, 3, 4, 5);
    const a = await open();
    assert.deepEqual([...(await a.readTrace(3))], [1, 2, 3]);
  });

  it('closes the connection on a malformed request and keeps serving others', async () => {
    const raw = await RawClient.open(server.port);
    raw.send(Uint8Array.of(0x09, 0, 0, 0));
    assert.equal(await raw.waitClosed(), true);
    assert.ok(
      events.some(
        (e) => e.kind === 'protocol-error' && e.error.code === 'bad-input.stlink-server-unknown-command',
      ),
    );
    const a = await open();
    assert.equal((await a.exchange(GET_MODE, { kind: 'read', length: 2 })).length, 2);
  });

  it('closes a connection whose request stalls half-way', async () => {
    const raw = await RawClient.open(server.port);
    raw.send(encodeRequest(usbCommandRequest(1, cmd(0xf1), 1, 6)).subarray(0, 20));
    assert.equal(await raw.waitClosed(1500), true);
    assert.ok(
      events.some(
        (e) => e.kind === 'protocol-error' && e.error.code === 'bad-input.stlink-server-incomplete-request',
      ),
    );
  });

  it('releases what a client held when it disconnects mid-request', async () => {
    const raw = await RawClient.open(server.port);
    raw.send({ command: 'OPEN_DEV', deviceId: 1 });
    const reply = await raw.waitFor(8);
    const connectId = new DataView(reply.buffer).getUint32(4, true);
    raw.send(usbCommandRequest(connectId, cmd(0xf2, 0x3c, 0x00), 1, 2));
    await raw.waitFor(8 + 6);
    assert.equal(device.nrst, 'low');
    raw.send(encodeRequest(usbCommandRequest(connectId, ENTER_SWD, 1, 2)).subarray(0, 10));
    raw.socket.destroy();
    for (let i = 0; i < 100 && events.filter((e) => e.kind === 'close').length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(device.nrst, 'high');
    assert.equal(device.mode, 0x01, 'the half-sent ENTER never reached the probe');
    const a = await open();
    assert.equal((await a.exchange(ENTER_SWD, { kind: 'read', length: 2 }))[0], 0x80);
  });

  it('answers pipelined requests in order', async () => {
    const raw = await RawClient.open(server.port);
    raw.send({ command: 'OPEN_DEV', deviceId: 1 });
    const connectId = new DataView((await raw.waitFor(8)).buffer).getUint32(4, true);
    const burst = [0, 1, 2, 3].map((i) =>
      encodeRequest(usbCommandRequest(connectId, readMem32(0x20000000 + 4 * i, 4), 1, 4)),
    );
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        (async () => {
          const a = await open();
          await a.exchange(writeMem32(0x20000000 + 4 * i, 4), {
            kind: 'write',
            data: Uint8Array.of(i, i, i, i),
          });
        })(),
      ),
    );
    raw.send(new Uint8Array(burst.flatMap((b) => [...b])));
    const replies = (await raw.waitFor(8 + 4 * 8)).subarray(8);
    assert.equal(replies.length, 32);
    for (let i = 0; i < 4; i++) assert.deepEqual([...replies.subarray(8 * i + 4, 8 * i + 8)], [i, i, i, i]);
    raw.socket.destroy();
  });

  it('refuses a port in use with a hint', async () => {
    await assert.rejects(
      startServer({ devices: [], port: server.port }),
      (e: unknown) =>
        e instanceof UnavailableError &&
        e.code === 'unavailable.server-listen' &&
        /--port/.test(e.hint ?? ''),
    );
  });

  it('reports 0 virtual seconds for a device that does not model its cost', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'swdkit-server-')), 'stats.jsonl');
    const plain = new ScriptedDevice();
    const bare: StLinkTransport = {
      identity: plain.identity,
      exchange: (c, p) => plain.exchange(c, p),
      readTrace: (n) => Promise.resolve(plain.readTrace(n)),
      close: () => Promise.resolve(),
    };
    const other = await startServer({ devices: [bare], port: 0, statsFile: file });
    const c = await connectStLinkServer({ port: other.port });
    await c.exchange(GET_MODE, { kind: 'read', length: 2 });
    await c.close();
    await other.close();
    const line = JSON.parse((await readFile(file, 'utf8')).trim()) as {
      virtualSeconds: number;
      commands: number;
    };
    assert.equal(line.virtualSeconds, 0);
    assert.equal(line.commands, 1);
  });

  it('close() does not hang on a probe that stopped answering', async () => {
    const stuck: StLinkTransport = {
      identity: device.identity,
      exchange: () => new Promise<Uint8Array>(() => undefined),
      readTrace: () => new Promise<Uint8Array>(() => undefined),
      close: () => Promise.resolve(),
    };
    const other = await startServer({ devices: [stuck], port: 0, closeTimeoutMs: 100 });
    const c = await connectStLinkServer({ port: other.port, timeoutMs: 5000 });
    const pending = c.exchange(GET_MODE, { kind: 'read', length: 2 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const start = Date.now();
    await other.close();
    assert.ok(Date.now() - start < 2000);
    assert.ok((await pending) instanceof UnavailableError, 'the client sees the connection go');
  });

  it('writes one stats line per closed session', async () => {
    const a = await open();
    await a.exchange(GET_MODE, { kind: 'read', length: 2 });
    await a.exchange(readMem32(0x20000000, 64), { kind: 'read', length: 64 });
    await a.exchange(RWSTATUS2, { kind: 'read', length: 12 });
    await a.close();
    clients.length = 0;
    const b = await open();
    await b.exchange(GET_MODE, { kind: 'read', length: 2 });
    await server.close(); // drops b: its session is recorded too
    const lines = (await readFile(statsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    const [first, second] = lines as [Record<string, number | string>, Record<string, number | string>];
    assert.deepEqual(Object.keys(first).sort(), [
      'bytesIn',
      'bytesOut',
      'client',
      'commands',
      'session',
      'virtualSeconds',
      'wallSeconds',
    ]);
    assert.equal(first['commands'], 3);
    assert.match(String(first['client']), /^127\.0\.0\.1:\d+$/);
    // Handshake 4+2+1+8+8, three SEND_USB_CMD headers, CLOSE_DEV 8.
    assert.equal(first['bytesIn'], 4 + 2 + 1 + 8 + 8 + 3 * 32 + 8);
    assert.equal(first['bytesOut'], 16 + 4 + 4 + 45 + 8 + (4 + 2) + (4 + 64) + (4 + 12) + 4);
    // The scripted probe models 1 ms per exchange: mode, read, GET_VERSION (first memory command),
    // the server's status query; the client's own status query is answered from its record.
    assert.equal(first['virtualSeconds'], 0.004);
    assert.ok(Number(first['wallSeconds']) > 0);
    assert.equal(second['commands'], 1);
    assert.notEqual(first['session'], second['session']);
    clients.length = 0;
  });
});
