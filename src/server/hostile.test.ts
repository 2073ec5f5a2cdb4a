/**
 * Clients that break the rules (issue 11): counts that would size an allocation, clocks that would
 * stall the probe, floods that are never read, requests that trickle in, an unwritable stats file,
 * addresses outside the allow-list. None may crash the server, stall another client or grow its
 * memory without bound.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessTransport } from '../transport/in-process.js';
import { ScriptedDevice } from '../../test/support/scripted-device.js';
import { connectStLinkServer, type StLinkServerTransport } from '../transport/stlink-server/client.node.js';
import { encodeRequest, usbCommandRequest } from '../transport/stlink-server/wire.js';
import { u32le } from '../util/bytes.js';
import { UnavailableError } from '../util/errors.js';
import { AllowList } from './allow-list.node.js';
import { startServer, type ServerEvent, type StLinkServer } from './server.node.js';
import { RawClient } from '../../test/support/raw-server-client.js';

const cmd = (...head: number[]): Uint8Array => {
  const c = new Uint8Array(16);
  c.set(head);
  return c;
};
const swdSetFreq = (divisor: number): Uint8Array => cmd(0xf2, 0x43, divisor & 0xff, divisor >>> 8);
const RW_MISC_IN = cmd(0xf2, 0x52);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('swdkit server against hostile clients', () => {
  let device: ScriptedDevice;
  let server: StLinkServer;
  let events: ServerEvent[];
  const clients: StLinkServerTransport[] = [];

  beforeEach(async () => {
    device = new ScriptedDevice();
    events = [];
    server = await startServer({
      devices: [new InProcessTransport(device)],
      port: 0,
      requestTimeoutMs: 300,
      onEvent: (e) => events.push(e),
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server.close();
  });
  const open = async (): Promise<StLinkServerTransport> => {
    const c = await connectStLinkServer({ port: server.port, timeoutMs: 3000 });
    clients.push(c);
    return c;
  };
  const openRaw = async (): Promise<{ raw: RawClient; connectId: number }> => {
    const raw = await RawClient.open(server.port);
    raw.send({ command: 'OPEN_DEV', deviceId: 1 });
    const reply = await raw.waitFor(8, 0);
    return { raw, connectId: u32le(reply, 4) };
  };

  it('RW_MISC_OUT with 0xFFFFFFFF items and no data: refused as the request it is, nothing sized by the count', async () => {
    const { raw, connectId } = await openRaw();
    raw.send(usbCommandRequest(connectId, cmd(0xf2, 0x51, 0xff, 0xff, 0xff, 0xff), 0, new Uint8Array(0)));
    // The command says 40 GB of item data follow; the request carries none: BAD_PARAMETER.
    const reply = await raw.waitFor(8 + 4, 0);
    assert.equal(u32le(reply, 8), 0x1002);
    raw.socket.destroy();
    assert.equal(device.commandNames().filter((n) => n === 'F2 51').length, 0, 'never reaches the probe');
  });

  it('an RW_MISC batch beyond the firmware’s buffer (65 items on V2) is answered as the firmware does', async () => {
    const a = await open();
    const items = 65;
    const data = new Uint8Array(Math.ceil(items / 4) * 4 + 4 * items).fill(3, 0, items);
    await a.exchange(cmd(0xf2, 0x51, items, 0, 0, 0), { kind: 'write', data });
    // The V2 firmware's buffer is 64 entries: each CMD_ERROR, values 0.
    const results = await a.exchange(RW_MISC_IN, { kind: 'read', length: 8 * 64 });
    for (let i = 0; i < 64; i++) assert.equal(u32le(results, 4 * 64 + 4 * i), 0x08);
    assert.equal(
      device.commandNames().filter((n) => n === 'F2 51' || n === 'F2 52').length,
      0,
      'a batch beyond the buffer never reaches the probe',
    );
    // One within the buffer still goes through, whole.
    await a.exchange(cmd(0xf2, 0x51, 1, 0, 0, 0), {
      kind: 'write',
      data: Uint8Array.of(3, 0, 0, 0, 0x44, 0x33, 0x22, 0x11),
    });
    const one = await a.exchange(RW_MISC_IN, { kind: 'read', length: 8 });
    assert.equal(u32le(one, 0), 0x11223344);
  });

  it('a data phase that contradicts the command never reaches the probe, so its pipe stays in step', async () => {
    const { raw, connectId } = await openRaw();
    const before = device.log.length;
    // WRITEMEM_32BIT of 8 bytes with 4 bytes of data; GET_VERSION as a write; EXIT with write data.
    raw.send(usbCommandRequest(connectId, cmd(0xf2, 0x08, 0, 0, 0, 0x20, 8, 0), 0, new Uint8Array(4)));
    raw.send(usbCommandRequest(connectId, cmd(0xf1), 0, new Uint8Array(6)));
    raw.send(usbCommandRequest(connectId, cmd(0xf2, 0x21), 0, new Uint8Array(2)));
    const replies = await raw.waitFor(8 + 3 * 4, 0);
    for (let i = 0; i < 3; i++) assert.equal(u32le(replies, 8 + 4 * i), 0x1002);
    assert.equal(device.log.length, before);
    // A read of the wrong length goes to the probe with the command's own length, fitted for the client.
    raw.send(usbCommandRequest(connectId, cmd(0xf1), 1, 2));
    raw.send(usbCommandRequest(connectId, cmd(0xf1), 1, 10));
    const more = (await raw.waitFor(8 + 12 + 6 + 14, 0)).subarray(8 + 12);
    assert.deepEqual([...more.subarray(4, 6)], [0x29, 0x5a]);
    assert.deepEqual([...more.subarray(10, 20)], [0x29, 0x5a, 0x83, 0x04, 0x4b, 0x37, 0, 0, 0, 0]);
    assert.deepEqual(
      device.log.slice(before).map((e) => e.phase),
      [
        { kind: 'read', length: 6 },
        { kind: 'read', length: 6 },
      ],
    );
    // An opcode nobody knows is answered 0x42 UNKNOWN_CMD, as firmware answers one it lacks.
    raw.send(usbCommandRequest(connectId, cmd(0xf2, 0x7f), 1, 4));
    const unknown = (await raw.waitFor(8 + 12 + 6 + 14 + 8, 0)).subarray(8 + 12 + 6 + 14);
    assert.deepEqual([...unknown], [1, 0, 0, 0, 0x42, 0, 0, 0]);
    assert.equal(device.log.length, before + 2);
    raw.socket.destroy();
  });

  it('an SWD divisor outside ST’s table is passed through and never becomes anyone’s “slowest”', async () => {
    const well = await open();
    const hostile = await open();
    await well.exchange(swdSetFreq(1), { kind: 'read', length: 2 });
    await hostile.exchange(swdSetFreq(0xffff), { kind: 'read', length: 2 });
    assert.equal(device.swdDivisor, 0xffff, 'the probe got it (and a real V2 refuses it with 0x41)');
    await well.exchange(swdSetFreq(0), { kind: 'read', length: 2 });
    assert.equal(device.swdDivisor, 0, 'the well-behaved request is what reaches the probe');
  });

  it('a client that slowed the clock and left: the wire goes back to the power-up clock', async () => {
    const slow = await open();
    await slow.exchange(swdSetFreq(798), { kind: 'read', length: 2 });
    assert.equal(device.swdDivisor, 798);
    await slow.close();
    clients.length = 0;
    assert.equal(device.swdDivisor, 1, 'divisor 1, 1.8 MHz');
  });

  it('a client that never reads its replies is no longer read from; another client is served meanwhile', async () => {
    const { raw: flood, connectId } = await openRaw();
    flood.socket.pause(); // never takes a reply
    const exchangesBefore = device.log.length;
    const before = process.memoryUsage().arrayBuffers;
    // 100,000 requests of 32 bytes, each asking for an 8 KiB reply: 800 MB if the server kept them.
    const request = encodeRequest(usbCommandRequest(connectId, cmd(0xf1), 1, 8192));
    const burst = new Uint8Array(request.length * 1000);
    for (let i = 0; i < 1000; i++) burst.set(request, i * request.length);
    for (let i = 0; i < 100; i++) flood.socket.write(burst);
    await sleep(500);
    const served = device.log.length - exchangesBefore;
    const other = await open();
    const started = performance.now();
    assert.equal((await other.exchange(cmd(0xf5), { kind: 'read', length: 2 })).length, 2);
    const healthMs = performance.now() - started;
    await sleep(300);
    assert.ok(served < 10_000, `the server ran ${served} of the 100,000 requests it was not asked to read`);
    assert.ok(
      device.log.length - exchangesBefore - served < 100,
      'it stopped: nothing more ran while the replies sat unread',
    );
    assert.ok(healthMs < 1000, `another client's command took ${healthMs.toFixed(0)} ms`);
    const grownMiB = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
    assert.ok(grownMiB < 64, `buffers grew by ${grownMiB.toFixed(0)} MiB`);
    flood.socket.destroy();
  });

  it('the incomplete-request deadline runs from the first byte: a byte every 100 ms does not keep it alive', async () => {
    const { raw } = await openRaw();
    const request = encodeRequest(usbCommandRequest(1, cmd(0xf1), 1, 6));
    let sent = 0;
    while (sent < request.length && !raw.closed) {
      raw.send(request.subarray(sent, sent + 1));
      sent++;
      await sleep(100);
    }
    assert.equal(raw.closed, true, 'closed before the 32-byte request could complete');
    assert.ok(sent <= 10, `closed after ${sent} bytes (deadline 300 ms, a byte per 100 ms)`);
    assert.ok(
      events.some(
        (e) => e.kind === 'protocol-error' && e.error.code === 'bad-input.stlink-server-incomplete-request',
      ),
    );
  });

  it('complete requests in between do not count against the next one’s deadline', async () => {
    const { raw, connectId } = await openRaw();
    // Every 100 ms a whole request arrives, the next one's first half with it: each request is
    // complete within 100 ms of its first byte, so 20 of them (2 s) go by without a close.
    const request = encodeRequest(usbCommandRequest(connectId, cmd(0xf5), 1, 2));
    raw.send(request.subarray(0, 16));
    for (let i = 0; i < 20; i++) {
      await sleep(100);
      raw.send(new Uint8Array([...request.subarray(16), ...request.subarray(0, 16)]));
    }
    await raw.waitFor(8 + 20 * 6, 50);
    assert.equal(raw.closed, false);
    assert.equal(raw.received.length, 8 + 20 * 6);
    raw.socket.destroy();
  });
});

describe('swdkit server: --stats and --allow', () => {
  it('an unwritable stats file is an error at start, before anything listens', async () => {
    await assert.rejects(
      startServer({
        devices: [new InProcessTransport(new ScriptedDevice())],
        port: 0,
        statsFile: '/nonexistent-directory/stats.jsonl',
      }),
      (e: unknown) => e instanceof UnavailableError && e.code === 'unavailable.stats-unwritable',
    );
  });

  it('a stats write that fails later is reported once; the sessions and close() are unaffected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'swdkit-stats-'));
    const statsFile = join(dir, 'stats.jsonl');
    const events: ServerEvent[] = [];
    const server = await startServer({
      devices: [new InProcessTransport(new ScriptedDevice())],
      port: 0,
      statsFile,
      onEvent: (e) => events.push(e),
    });
    await rm(statsFile);
    await mkdir(statsFile); // appending to a directory fails, even for root
    for (let i = 0; i < 3; i++) {
      const c = await connectStLinkServer({ port: server.port });
      assert.equal((await c.exchange(cmd(0xf5), { kind: 'read', length: 2 })).length, 2);
      await c.close();
    }
    await server.close();
    assert.equal(events.filter((e) => e.kind === 'close').length, 3);
    const failures = events.filter((e) => e.kind === 'stats-error');
    assert.equal(failures.length, 1);
    assert.equal(
      failures[0]?.kind === 'stats-error' && failures[0].error.code,
      'unavailable.stats-write-failed',
    );
  });

  it('refuses a client the allow-list does not name, before reading a byte, and says so', async () => {
    const events: ServerEvent[] = [];
    const server = await startServer({
      devices: [new InProcessTransport(new ScriptedDevice())],
      port: 0,
      allow: AllowList.parse(['10.0.0.0/8,fd00::/8']),
      onEvent: (e) => events.push(e),
    });
    const raw = await RawClient.open(server.port);
    raw.send({ command: 'GET_SERVER_VERSION', clientApi: 3 });
    assert.equal(await raw.waitClosed(), true);
    assert.equal(raw.received.length, 0);
    assert.equal(server.connections, 0);
    assert.ok(events.some((e) => e.kind === 'refused' && /^127\.0\.0\.1:\d+$/.test(e.client)));
    await server.close();

    const allowed = await startServer({
      devices: [new InProcessTransport(new ScriptedDevice())],
      port: 0,
      allow: AllowList.parse(['127.0.0.0/8']),
    });
    const c = await connectStLinkServer({ port: allowed.port });
    assert.equal(c.serverVersion.api, 3);
    await c.close();
    await allowed.close();
  });
});
