import { connect, type Socket } from 'node:net';
import { TimeoutError, UnavailableError } from '../../util/errors.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { withTimeout } from '../../util/timeout.js';
import { StLinkServerBusyError, closedTransportError } from '../errors.js';
import type { DataPhase, ProbeIdentity, StLinkTransport } from '../../protocol/link.js';
import { STLINK_VID } from '../../protocol/usb-ids.js';
import { SocketReader } from './socket-reader.js';
import {
  DEVICE_INFO_RECORD_SIZE,
  STLINK_SERVER_DEFAULT_PORT,
  TCP_STATUS,
  USB_DIRECTION,
  decodeDeviceCountReply,
  decodeDeviceInfoReply,
  decodeServerVersionReply,
  decodeStatusReply,
  decodeStatusWordReply,
  decodeUsbReply,
  encodeRequest,
  replySize,
  tcpStatusName,
  usbCommandRequest,
  type DeviceInfo,
  type ServerRequest,
  type ServerVersion,
} from './wire.js';

export interface StLinkServerClientOptions {
  /** Default 127.0.0.1, the address OpenOCD hard-codes (D.1). */
  readonly host?: string;
  readonly port?: number;
  /** Open the device with this serial; default the first ST-Link the server lists. */
  readonly serial?: string;
  /** Per request, and for the connection itself. Default 6000 ms, OpenOCD's USB timeout. */
  readonly timeoutMs?: number;
}

const START_HINT =
  'Start one: start it with `swdkit server` (a USB probe) or `swdkit sim` (the virtual board).';

/**
 * A StLinkTransport through an stlink-server (ST's, or `swdkit server`) over TCP: the open sequence of
 * D.3 (version, refresh, count, device info, OPEN_DEV), then every exchange as one SEND_USB_CMD.
 */
export class StLinkServerTransport implements StLinkTransport {
  private readonly queue = new SerialQueue();
  private closed = false;

  private constructor(
    readonly identity: ProbeIdentity,
    readonly serverVersion: ServerVersion,
    readonly device: DeviceInfo,
    private readonly socket: Socket,
    private readonly reader: SocketReader,
    private readonly connectId: number,
    private readonly timeoutMs: number,
  ) {}

  static async connect(options: StLinkServerClientOptions = {}): Promise<StLinkServerTransport> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? STLINK_SERVER_DEFAULT_PORT;
    const timeoutMs = options.timeoutMs ?? 6000;
    const where = `${host}:${port}`;
    const { socket, reader, call } = await dial(host, port, timeoutMs);
    try {
      const { serverVersion, devices } = await listDevices(call, where);
      const device = chooseDevice(devices, options.serial, where);
      const open = decodeStatusWordReply(await call({ command: 'OPEN_DEV', deviceId: device.deviceId }));
      if (open.status !== TCP_STATUS.SS_OK || open.value === 0) {
        throw new UnavailableError(
          'stlink-server-open-failed',
          `The stlink-server at ${where} refused to open ST-Link ${device.serial} (${tcpStatusName(open.status)}).`,
          {
            hint: 'Another program may hold the probe exclusively; close it or share the probe through `swdkit server`.',
          },
        );
      }
      const identity: ProbeIdentity = {
        vid: device.vid,
        pid: device.pid,
        serial: device.serial,
        location: `tcp:${where}#${devices.indexOf(device)}`,
      };
      return new StLinkServerTransport(
        identity,
        serverVersion,
        device,
        socket,
        reader,
        open.value,
        timeoutMs,
      );
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  exchange(command: Uint8Array, phase: DataPhase): Promise<Uint8Array> {
    const request =
      phase.kind === 'write'
        ? usbCommandRequest(this.connectId, command, USB_DIRECTION.write, phase.data)
        : usbCommandRequest(
            this.connectId,
            command,
            USB_DIRECTION.read,
            phase.kind === 'read' ? phase.length : 0,
          );
    return this.usb(request);
  }

  readTrace(length: number): Promise<Uint8Array> {
    return this.usb(usbCommandRequest(this.connectId, new Uint8Array(16), USB_DIRECTION.trace, length));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    const done = this.queue.run(async () => {
      try {
        await roundTrip(
          this.socket,
          this.reader,
          { command: 'CLOSE_DEV', connectId: this.connectId },
          this.timeoutMs,
          this.identity.location,
        );
      } catch {
        // The server is gone or confused; closing the socket releases everything it held for us.
      } finally {
        this.socket.destroy();
      }
    });
    return done;
  }

  /**
   * A request goes out at once; its reply is read in turn. TCP keeps the order and a server answers a
   * connection's requests one at a time, in order (D.2), so a caller may have several exchanges in
   * flight (the probe driver sends a memory command with its status query, and the chunks of one
   * transfer, back to back): the probe then never idles for a loopback round trip between them.
   */
  private usb(request: ServerRequest): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(closedTransportError(this.identity.location));
    this.socket.write(encodeRequest(request));
    return this.queue.run(async () => {
      const { status, data } = decodeUsbReply(
        await awaitReply(this.socket, this.reader, request, this.timeoutMs, this.identity.location),
      );
      if (status !== TCP_STATUS.SS_OK) {
        const message = `The stlink-server could not pass the command to the probe (${tcpStatusName(status)}).`;
        if (status === TCP_STATUS.TCP_BUSY) {
          throw new StLinkServerBusyError(message, {
            hint: 'Another client holds the probe; retry, or stop the other program.',
          });
        }
        throw new UnavailableError('stlink-server-status', message, {
          hint: 'Check the server output; the probe may have been unplugged.',
        });
      }
      return data.slice();
    });
  }
}

/** `connectStLinkServer(options)`: the function form of StLinkServerTransport.connect. */
export function connectStLinkServer(options: StLinkServerClientOptions = {}): Promise<StLinkServerTransport> {
  return StLinkServerTransport.connect(options);
}

/** What an stlink-server offers, without opening anything: for `swdkit list`. */
export interface StLinkServerListing {
  readonly host: string;
  readonly port: number;
  readonly serverVersion: ServerVersion;
  /** The ST-Links it serves (VID 0x0483), in its order. */
  readonly devices: readonly DeviceInfo[];
}

export async function listStLinkServer(
  options: StLinkServerClientOptions = {},
): Promise<StLinkServerListing> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? STLINK_SERVER_DEFAULT_PORT;
  const { socket, call } = await dial(host, port, options.timeoutMs ?? 6000);
  try {
    return { host, port, ...(await listDevices(call, `${host}:${port}`)) };
  } finally {
    socket.destroy();
  }
}

type Call = (request: ServerRequest) => Promise<Uint8Array>;

async function dial(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ socket: Socket; reader: SocketReader; call: Call }> {
  const where = `${host}:${port}`;
  const socket = await openSocket(host, port, timeoutMs);
  const reader = new SocketReader(
    () =>
      new UnavailableError('stlink-server-closed', `The stlink-server at ${where} closed the connection.`, {
        hint: 'The server stopped or dropped this client; check its output, then open the probe again.',
      }),
  );
  socket.on('data', (chunk: Buffer) => {
    reader.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  socket.on('close', () => {
    reader.end();
  });
  socket.on('error', (error) => {
    reader.abandon(error);
  });
  const call: Call = (request) => roundTrip(socket, reader, request, timeoutMs, where);
  return { socket, reader, call };
}

/** D.3 open sequence steps 1–4: server version, refresh, count, device info. */
async function listDevices(
  call: Call,
  where: string,
): Promise<{ serverVersion: ServerVersion; devices: DeviceInfo[] }> {
  const serverVersion = decodeServerVersionReply(await call({ command: 'GET_SERVER_VERSION', clientApi: 1 }));
  checkStatus(
    decodeStatusReply(await call({ command: 'REFRESH_DEVICE_LIST', clear: 0 })),
    'REFRESH_DEVICE_LIST',
    where,
  );
  // OpenOCD clips the count to 255 (D.3 step 3); the index is one byte.
  const count = Math.min(decodeDeviceCountReply(await call({ command: 'GET_NB_DEV' })), 255);
  const devices: DeviceInfo[] = [];
  for (let index = 0; index < count; index++) {
    const info = decodeDeviceInfoReply(
      await call({ command: 'GET_DEV_INFO', index, recordSize: DEVICE_INFO_RECORD_SIZE }),
    );
    if (info.status === TCP_STATUS.SS_OK && info.vid === STLINK_VID) devices.push(info);
  }
  return { serverVersion, devices };
}

function checkStatus(status: number, what: string, where: string): void {
  if (status !== TCP_STATUS.SS_OK) {
    throw new UnavailableError(
      'stlink-server-status',
      `${what} at ${where} failed: ${tcpStatusName(status)}.`,
      {
        hint: 'Check the server output.',
      },
    );
  }
}

function chooseDevice(devices: readonly DeviceInfo[], serial: string | undefined, where: string): DeviceInfo {
  if (devices.length === 0) {
    throw new UnavailableError('stlink-server-no-device', `The stlink-server at ${where} lists no ST-Link.`, {
      hint: 'Plug in the probe (and restart the server if it does not rescan), or serve the virtual board with `swdkit sim`.',
    });
  }
  const device = serial === undefined ? devices[0] : devices.find((d) => d.serial === serial);
  if (!device) {
    throw new UnavailableError(
      'stlink-server-serial-mismatch',
      `The stlink-server at ${where} has no ST-Link with serial ${serial ?? ''}.`,
      { hint: `It serves: ${devices.map((d) => d.serial).join(', ')}. Pick one of those with --serial.` },
    );
  }
  if (device.used !== 0) {
    throw new UnavailableError(
      'stlink-server-device-used',
      `ST-Link ${device.serial} is already used by another client of ${where}.`,
      {
        hint: 'That server does not share probes; close the other client, or serve the probe with `swdkit server`, which does.',
      },
    );
  }
  return device;
}

async function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  const where = `${host}:${port}`;
  const socket = connect({ host, port, noDelay: true });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      timeoutMs,
      () =>
        new TimeoutError('stlink-server-connect', `No answer from ${where} within ${timeoutMs} ms.`, {
          hint: START_HINT,
        }),
    );
  } catch (error) {
    socket.destroy();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') {
      throw new UnavailableError('stlink-server-not-running', `No stlink-server is listening on ${where}.`, {
        hint: START_HINT,
        cause: error,
      });
    }
    if (error instanceof TimeoutError) throw error;
    throw new UnavailableError(
      'stlink-server-connect',
      `Cannot connect to the stlink-server at ${where}: ${(error as Error).message}.`,
      {
        hint: START_HINT,
        cause: error,
      },
    );
  }
  socket.setNoDelay(true);
  return socket;
}

function roundTrip(
  socket: Socket,
  reader: SocketReader,
  request: ServerRequest,
  timeoutMs: number,
  where: string,
): Promise<Uint8Array> {
  socket.write(encodeRequest(request));
  return awaitReply(socket, reader, request, timeoutMs, where);
}

/** The reply to `request`, already sent: exactly its size, within `timeoutMs` from now. */
function awaitReply(
  socket: Socket,
  reader: SocketReader,
  request: ServerRequest,
  timeoutMs: number,
  where: string,
): Promise<Uint8Array> {
  return withTimeout(reader.read(replySize(request)), timeoutMs, () => {
    const error = new TimeoutError(
      'stlink-server-reply',
      `The stlink-server at ${where} did not answer ${request.command} within ${timeoutMs} ms.`,
      { hint: 'The server or the probe behind it is stuck; restart the server.' },
    );
    reader.abandon(error);
    socket.destroy();
    return error;
  });
}
