import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SwdkitError } from '../../util/errors.js';
import { StLinkServerBusyError } from '../errors.js';
import { connectStLinkServer, listStLinkServer } from './client.node.js';
import {
  RequestParser,
  TCP_STATUS,
  encodeDeviceCountReply,
  encodeDeviceInfoReply,
  encodeServerVersionReply,
  encodeStatusReply,
  encodeStatusWordReply,
  encodeUsbReply,
  type DeviceInfo,
  type ServerRequest,
} from './wire.js';

/** A minimal stlink-server built from the wire codecs alone, so the client is tested on its own. */
function fakeServer(
  devices: DeviceInfo[],
  answerUsb: (r: Extract<ServerRequest, { command: 'SEND_USB_CMD' }>) => Uint8Array | undefined,
  log: ServerRequest[] = [],
): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const parser = new RequestParser();
    socket.on('data', (chunk: Buffer) => {
      for (const r of parser.push(new Uint8Array(chunk))) {
        log.push(r);
        let reply: Uint8Array | undefined;
        switch (r.command) {
          case 'GET_SERVER_VERSION':
            reply = encodeServerVersionReply({ api: 2, major: 1, minor: 2, build: 3 });
            break;
          case 'REFRESH_DEVICE_LIST':
            reply = encodeStatusReply(TCP_STATUS.SS_OK);
            break;
          case 'GET_NB_DEV':
            reply = encodeDeviceCountReply(devices.length);
            break;
          case 'GET_DEV_INFO':
            reply = encodeDeviceInfoReply(devices[r.index]!);
            break;
          case 'OPEN_DEV':
            reply = encodeStatusWordReply(TCP_STATUS.SS_OK, 77);
            break;
          case 'CLOSE_DEV':
            reply = encodeStatusReply(TCP_STATUS.SS_OK);
            break;
          case 'SEND_USB_CMD':
            reply = answerUsb(r);
            break;
          case 'GET_NB_OF_DEV_CLIENTS':
            reply = encodeStatusWordReply(TCP_STATUS.SS_OK, 1);
        }
        if (reply) socket.write(reply);
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, port: (server.address() as AddressInfo).port, sockets });
    }),
  );
}

const device = (serial: string, used = 0): DeviceInfo => ({
  status: TCP_STATUS.SS_OK,
  deviceId: 0x100 + serial.length,
  serial,
  vid: 0x0483,
  pid: 0x374b,
  used,
});

const echo = (r: Extract<ServerRequest, { command: 'SEND_USB_CMD' }>): Uint8Array =>
  encodeUsbReply(
    TCP_STATUS.SS_OK,
    r.direction === 0 ? new Uint8Array(0) : new Uint8Array(r.length).fill(r.usbCommand[0]!),
  );

const rejectsWith = async (promise: Promise<unknown>, code: string, hint?: RegExp): Promise<void> => {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof SwdkitError, String(e));
    assert.equal(e.code, code);
    if (hint) assert.match(e.hint ?? '', hint);
    return true;
  });
};

describe('stlink-server client transport', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  const start = async (
    devices: DeviceInfo[],
    answerUsb: Parameters<typeof fakeServer>[1] = echo,
    log: ServerRequest[] = [],
  ): Promise<{ port: number; sockets: Socket[] }> => {
    const f = await fakeServer(devices, answerUsb, log);
    servers.push(f.server);
    return f;
  };

  it('runs the D.3 open sequence, selects by serial, and maps exchanges onto SEND_USB_CMD', async () => {
    const log: ServerRequest[] = [];
    const { port } = await start([device('AAAA'), device('BBBBBB')], echo, log);
    const t = await connectStLinkServer({ port, serial: 'BBBBBB' });
    assert.equal(t.identity.serial, 'BBBBBB');
    assert.equal(t.identity.location, `tcp:127.0.0.1:${port}#1`);
    assert.deepEqual(t.serverVersion, { api: 2, major: 1, minor: 2, build: 3 });
    assert.deepEqual(
      log.map((r) => r.command),
      ['GET_SERVER_VERSION', 'REFRESH_DEVICE_LIST', 'GET_NB_DEV', 'GET_DEV_INFO', 'GET_DEV_INFO', 'OPEN_DEV'],
    );
    assert.deepEqual(log[5], { command: 'OPEN_DEV', deviceId: 0x106 });
    const c = new Uint8Array(16);
    c[0] = 0xf1;
    assert.deepEqual(
      [...(await t.exchange(c, { kind: 'read', length: 6 }))],
      [0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1],
    );
    assert.equal((await t.exchange(c, { kind: 'write', data: Uint8Array.of(1, 2, 3) })).length, 0);
    assert.equal((await t.exchange(c, { kind: 'none' })).length, 0);
    await t.readTrace(4);
    const usb = log.slice(6) as Extract<ServerRequest, { command: 'SEND_USB_CMD' }>[];
    assert.deepEqual(
      usb.map((r) => [r.connectId, r.direction, r.length]),
      [
        [77, 1, 6],
        [77, 0, 3],
        [77, 1, 0],
        [77, 3, 4],
      ],
    );
    await t.close();
    await t.close();
    assert.deepEqual(log.at(-1), { command: 'CLOSE_DEV', connectId: 77 });
    assert.equal(log.filter((r) => r.command === 'CLOSE_DEV').length, 1, 'close is idempotent');
    await rejectsWith(t.exchange(c, { kind: 'none' }), 'unavailable.transport-closed');
  });

  it('lists what a server offers without opening a device', async () => {
    const log: ServerRequest[] = [];
    const { port } = await start(
      [device('AAAA'), { ...device('XX'), vid: 0x1234 }, device('BBBBBB', 1)],
      echo,
      log,
    );
    const listing = await listStLinkServer({ port });
    assert.equal(listing.serverVersion.api, 2);
    assert.deepEqual(
      listing.devices.map((d) => [d.serial, d.used]),
      [
        ['AAAA', 0],
        ['BBBBBB', 1],
      ],
    );
    assert.equal(log.filter((r) => r.command === 'OPEN_DEV').length, 0);
  });

  it('serialises concurrent exchanges on one connection', async () => {
    const { port } = await start([device('A')]);
    const t = await connectStLinkServer({ port });
    const replies = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => {
        const c = new Uint8Array(16);
        c[0] = n;
        return t.exchange(c, { kind: 'read', length: n });
      }),
    );
    assert.deepEqual(
      replies.map((r) => [...r]),
      [1, 2, 3, 4, 5].map((n) => new Array<number>(n).fill(n)),
    );
    await t.close();
  });

  it('pipelines: every exchange is on the wire before the first reply, and replies come back in order', async () => {
    const log: ServerRequest[] = [];
    // The server answers nothing until all three requests have arrived.
    const { port, sockets } = await start([device('A')], () => undefined, log);
    const t = await connectStLinkServer({ port });
    const pending = [1, 2, 3].map((n) => {
      const c = new Uint8Array(16);
      c[0] = n;
      return t.exchange(c, { kind: 'read', length: n });
    });
    const usb = (): ServerRequest[] => log.filter((r) => r.command === 'SEND_USB_CMD');
    for (let i = 0; usb().length < 3; i++) {
      if (i > 200) assert.fail(`only ${usb().length} of 3 requests reached the server`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const r of usb()) {
      if (r.command === 'SEND_USB_CMD') sockets[0]!.write(echo(r));
    }
    const replies = await Promise.all(pending);
    assert.deepEqual(
      replies.map((r) => [...r]),
      [1, 2, 3].map((n) => new Array<number>(n).fill(n)),
    );
    await t.close();
  });

  it('says how to start a server when none is running', async () => {
    const { port, server } = await fakeServer([], echo);
    await new Promise<void>((r) =>
      server.close(() => {
        r();
      }),
    );
    await rejectsWith(
      connectStLinkServer({ port }),
      'unavailable.stlink-server-not-running',
      /swdkit server.*swdkit sim/,
    );
  });

  it('names the serials on offer when the asked-for one is not there', async () => {
    const { port } = await start([device('AAAA')]);
    await rejectsWith(
      connectStLinkServer({ port, serial: 'ZZZZ' }),
      'unavailable.stlink-server-serial-mismatch',
      /AAAA/,
    );
  });

  it('refuses a device the server marks used, and suggests a sharing server', async () => {
    const { port } = await start([device('AAAA', 1)]);
    await rejectsWith(
      connectStLinkServer({ port }),
      'unavailable.stlink-server-device-used',
      /swdkit server/,
    );
  });

  it('reports a server without devices', async () => {
    const { port } = await start([]);
    await rejectsWith(connectStLinkServer({ port }), 'unavailable.stlink-server-no-device');
  });

  it('turns a TCP status into an unavailable error, TCP_BUSY into its own class and code', async () => {
    const { port } = await start([device('A')], (r) =>
      encodeUsbReply(
        r.usbCommand[0] === 1 ? TCP_STATUS.TCP_BUSY : TCP_STATUS.TCP_ERROR,
        new Uint8Array(r.length),
      ),
    );
    const t = await connectStLinkServer({ port });
    const c = new Uint8Array(16);
    c[0] = 1;
    await rejectsWith(t.exchange(c, { kind: 'read', length: 2 }), 'unavailable.stlink-server-busy');
    // The probe layer retries on the class, so the busy reply must be one.
    await assert.rejects(t.exchange(c, { kind: 'read', length: 2 }), StLinkServerBusyError);
    c[0] = 2;
    await rejectsWith(t.exchange(c, { kind: 'read', length: 2 }), 'unavailable.stlink-server-status');
    await t.close();
  });

  it('times out on a server that never answers a command', async () => {
    const { port } = await start([device('A')], () => undefined);
    const t = await connectStLinkServer({ port, timeoutMs: 200 });
    await rejectsWith(
      t.exchange(new Uint8Array(16), { kind: 'read', length: 2 }),
      'timeout.stlink-server-reply',
    );
    await t.close();
  });

  it('reports a server that drops the connection mid-reply', async () => {
    const { port, sockets } = await start([device('A')], () => {
      sockets.at(-1)!.end(Uint8Array.of(1, 0));
      return undefined;
    });
    const t = await connectStLinkServer({ port });
    await rejectsWith(
      t.exchange(new Uint8Array(16), { kind: 'read', length: 2 }),
      'unavailable.stlink-server-closed',
    );
    await t.close();
  });
});
