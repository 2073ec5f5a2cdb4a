import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  BadInputError,
  TimeoutError,
  UnavailableError,
  asSwdkitError,
  type SwdkitError,
} from '../util/errors.js';
import type { StLinkTransport } from '../protocol/link.js';
import {
  RequestParser,
  STLINK_SERVER_DEFAULT_PORT,
  TCP_STATUS,
  USB_DIRECTION,
  encodeDeviceCountReply,
  encodeDeviceInfoReply,
  encodeServerVersionReply,
  encodeStatusReply,
  encodeStatusWordReply,
  encodeUsbReply,
  DEVICE_INFO_RECORD_SIZE,
  type ServerRequest,
} from '../transport/stlink-server/wire.js';
import { SharedProbe, type ProbeClient } from './shared-probe.js';
import { StatsWriter, type SessionStats } from './stats.node.js';
import { frameUsbCommand } from './usb-framing.js';
import type { AllowList } from './allow-list.node.js';

export interface ServerOptions {
  /** The probes to serve, opened by the caller (a USB probe, or the virtual one in-process). */
  readonly devices: readonly StLinkTransport[];
  /** Default 7184; 0 picks a free port (tests). */
  readonly port?: number;
  /** Default 127.0.0.1: loopback only unless the caller passes an address explicitly. */
  readonly listen?: string;
  /** Append one JSON line per closed session (stats.node.ts). */
  readonly statsFile?: string;
  /**
   * The server API reported by GET_SERVER_VERSION. ≥ 2 gives OpenOCD 4 KiB memory packets; 3 also
   * turns on RW_MISC batching for dap-direct, which this server keeps whole (shared-probe.ts).
   * Default 3.
   */
  readonly serverApi?: number;
  readonly version?: { readonly major: number; readonly minor: number; readonly build: number };
  /** A request that stays incomplete this long closes its connection. Default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /**
   * close() waits this long for commands in flight (a probe that no longer answers must not keep
   * `swdkit sim` from exiting on SIGINT); sessions still busy then get no stats line. Default 3000 ms.
   */
  readonly closeTimeoutMs?: number;
  /** Only clients whose address it allows are accepted (`--allow`); others are refused at accept. */
  readonly allow?: AllowList;
  /** Connection events, for the CLI's log; never required. */
  readonly onEvent?: (event: ServerEvent) => void;
}

export type ServerEvent =
  | { readonly kind: 'connect'; readonly session: number; readonly client: string }
  | { readonly kind: 'close'; readonly stats: SessionStats }
  | {
      readonly kind: 'protocol-error';
      readonly session: number;
      readonly client: string;
      readonly error: SwdkitError;
    }
  | {
      readonly kind: 'probe-error';
      readonly session: number;
      readonly client: string;
      readonly error: SwdkitError;
    }
  /** A client the allow-list does not name: its connection was closed before a byte was read. */
  | { readonly kind: 'refused'; readonly client: string }
  /** The stats file could not be written (reported once; the server carries on). */
  | { readonly kind: 'stats-error'; readonly error: SwdkitError };

export interface StLinkServer {
  readonly host: string;
  readonly port: number;
  /** Open client connections. */
  readonly connections: number;
  /** Stops listening, drops every client (each gets its stats line), flushes the stats file. */
  close(): Promise<void>;
}

/** `swdkit server` and `swdkit sim`: an stlink-server (D) that shares each probe between clients. */
export async function startServer(options: ServerOptions): Promise<StLinkServer> {
  const probes = options.devices.map((transport) => new SharedProbe(transport));
  const stats =
    options.statsFile === undefined
      ? undefined
      : await StatsWriter.open(options.statsFile, (error) =>
          options.onEvent?.({ kind: 'stats-error', error }),
        );
  const connections = new Set<Connection>();
  let nextSession = 1;
  let nextConnectId = 1;
  const context: ConnectionContext = {
    probes,
    serverApi: options.serverApi ?? 3,
    version: options.version ?? { major: 0, minor: 1, build: 0 },
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    newConnectId: () => nextConnectId++,
    emit: (event) => options.onEvent?.(event),
    closed: (connection, sessionStats) => {
      connections.delete(connection);
      stats?.write(sessionStats);
      options.onEvent?.({ kind: 'close', stats: sessionStats });
    },
  };

  const server: Server = createServer({ noDelay: true }, (socket) => {
    if (options.allow !== undefined && !options.allow.allows(socket.remoteAddress)) {
      options.onEvent?.({ kind: 'refused', client: clientName(socket) });
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    connections.add(new Connection(socket, nextSession++, context));
  });
  const host = options.listen ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new UnavailableError(
          'server-listen',
          `Cannot listen on ${host}:${options.port ?? STLINK_SERVER_DEFAULT_PORT}: ${error.message}.`,
          {
            hint:
              error.code === 'EADDRINUSE'
                ? "Another server (perhaps ST's stlink-server or another swdkit) already uses that port; stop it or pick another with --port."
                : 'Check the address given with --listen.',
            cause: error,
          },
        ),
      );
    });
    server.listen(options.port ?? STLINK_SERVER_DEFAULT_PORT, host, () => {
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    get connections() {
      return connections.size;
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        const drained = Promise.all([...connections].map((c) => c.shutdown())).then(() => stopped);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          drained,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, options.closeTimeoutMs ?? 3000);
          }),
        ]);
        clearTimeout(timer);
        await stats?.flush();
      })();
      return closing;
    },
  };
}

interface ConnectionContext {
  readonly probes: readonly SharedProbe[];
  readonly serverApi: number;
  readonly version: { readonly major: number; readonly minor: number; readonly build: number };
  readonly requestTimeoutMs: number;
  newConnectId(): number;
  emit(event: ServerEvent): void;
  closed(connection: Connection, stats: SessionStats): void;
}

interface OpenHandle {
  readonly probe: SharedProbe;
  readonly client: ProbeClient;
}

/**
 * How much of a client's request stream the server holds before it stops reading that socket: more
 * than the largest request (32 + 10208 bytes), so one can always complete, and small enough that a
 * client pipelining requests without reading its replies costs at most this plus one socket chunk.
 */
export const MAX_BUFFERED_REQUEST_BYTES = 64 * 1024;

/**
 * One TCP client: its requests run strictly in order, one at a time, each reply written before the
 * next starts. Flow control keeps every client's memory bounded: the server stops reading the socket
 * while MAX_BUFFERED_REQUEST_BYTES of requests wait, or while the client is not taking its replies
 * (socket.write returned false, until 'drain'); TCP then pushes back on the client.
 */
class Connection {
  private readonly parser = new RequestParser();
  private readonly opened = new Map<number, OpenHandle>();
  private readonly started = performance.now();
  private readonly client: string;
  /** The request being handled, if any. */
  private inFlight: Promise<void> | undefined;
  private writeBlocked = false;
  private readPaused = false;
  /** The incomplete-request deadline, and which request (by parser count) it is for. */
  private stalled: NodeJS.Timeout | undefined;
  private stalledRequest = -1;
  private bytesIn = 0;
  private bytesOut = 0;
  private commands = 0;
  private modelledNs = 0;
  private finished: Promise<void> | undefined;
  private resolveFinished: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly socket: Socket,
    private readonly session: number,
    private readonly ctx: ConnectionContext,
  ) {
    this.client = clientName(socket);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.pump();
    });
    socket.on('error', () => {
      // 'close' follows; a reset by the client is an ordinary way to leave.
    });
    socket.on('close', () => {
      void this.end();
    });
    ctx.emit({ kind: 'connect', session, client: this.client });
  }

  /** Server shutdown: drop the client and wait until its session is closed and recorded. */
  async shutdown(): Promise<void> {
    this.socket.destroy();
    await this.end();
  }

  private receive(chunk: Uint8Array): void {
    if (this.ended) return;
    this.bytesIn += chunk.length;
    try {
      this.parser.append(chunk);
    } catch (error) {
      this.protocolError(asSwdkitError(error));
      return;
    }
    this.pump();
  }

  /**
   * Starts the next request if none is in flight and the client takes its replies; then flow
   * control. The request after one that completes starts on a later event-loop turn (setImmediate),
   * never in the same chain of promise callbacks: a client pipelining thousands of requests that need
   * no probe would otherwise have them all served before any other client, timer or signal got a
   * turn. So pipelining clients take turns with everyone else, one request each.
   */
  private pump(): void {
    if (!this.ended && this.inFlight === undefined && !this.writeBlocked) {
      const request = this.parser.next();
      if (request !== undefined) {
        this.inFlight = this.serve(request).finally(() => {
          setImmediate(() => {
            this.inFlight = undefined;
            this.pump();
          });
        });
      }
    }
    this.flowControl();
    this.watchIncomplete();
  }

  private async serve(request: ServerRequest): Promise<void> {
    let reply: Uint8Array;
    try {
      reply = await this.handle(request);
    } catch (error) {
      // handle() answers every probe failure itself; anything thrown here is a bug, and it costs
      // this connection only, never the process or another client.
      this.protocolError(asSwdkitError(error));
      return;
    }
    if (this.ended) return;
    this.bytesOut += reply.length;
    if (!this.socket.write(reply)) this.writeBlocked = true;
  }

  private flowControl(): void {
    if (this.ended) return;
    const pause = this.writeBlocked || this.parser.pendingBytes >= MAX_BUFFERED_REQUEST_BYTES;
    if (pause && !this.readPaused) this.socket.pause();
    else if (!pause && this.readPaused) this.socket.resume();
    this.readPaused = pause;
  }

  /**
   * A request that stays incomplete for requestTimeoutMs closes the connection: the deadline runs
   * from the request's first byte and is not moved by later pieces of the same request. While the
   * server itself is not reading (flow control), no deadline runs; it starts afresh on resuming.
   */
  private watchIncomplete(): void {
    if (this.ended) return;
    const request = this.parser.completedRequests;
    if (this.parser.incompleteBytes === 0 || this.readPaused) {
      clearTimeout(this.stalled);
      this.stalled = undefined;
      return;
    }
    if (this.stalled !== undefined && this.stalledRequest === request) return;
    clearTimeout(this.stalled);
    this.stalledRequest = request;
    this.stalled = setTimeout(() => {
      this.protocolError(
        new BadInputError(
          'stlink-server-incomplete-request',
          `Request incomplete after ${this.ctx.requestTimeoutMs} ms (${this.parser.incompleteBytes} bytes of it arrived).`,
          { hint: 'The client stopped in the middle of a request; the connection is closed.' },
        ),
      );
    }, this.ctx.requestTimeoutMs);
  }

  private protocolError(error: SwdkitError): void {
    this.ctx.emit({ kind: 'protocol-error', session: this.session, client: this.client, error });
    this.socket.destroy();
    void this.end();
  }

  /** Closes the session once: waits for the request in flight, releases every open, records stats. */
  private end(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      clearTimeout(this.stalled);
      void (async () => {
        await this.inFlight?.catch(() => undefined);
        for (const handle of this.opened.values()) await this.release(handle);
        this.opened.clear();
        this.ctx.closed(this, {
          session: this.session,
          client: this.client,
          commands: this.commands,
          bytesIn: this.bytesIn,
          bytesOut: this.bytesOut,
          virtualSeconds: this.modelledNs / 1e9,
          wallSeconds: (performance.now() - this.started) / 1000,
        });
        this.resolveFinished?.();
      })();
    }
    return this.finished ?? Promise.resolve();
  }

  private async release(handle: OpenHandle): Promise<void> {
    try {
      await handle.probe.detach(handle.client);
    } catch (error) {
      this.ctx.emit({
        kind: 'probe-error',
        session: this.session,
        client: this.client,
        error: asSwdkitError(error),
      });
    }
    this.commands += handle.client.commands;
    this.modelledNs += handle.client.modelledNs;
  }

  private async handle(request: ServerRequest): Promise<Uint8Array> {
    const { probes } = this.ctx;
    switch (request.command) {
      case 'GET_SERVER_VERSION':
        return encodeServerVersionReply({ api: this.ctx.serverApi, ...this.ctx.version });
      case 'REFRESH_DEVICE_LIST':
        return encodeStatusReply(TCP_STATUS.SS_OK);
      case 'GET_NB_DEV':
        return encodeDeviceCountReply(probes.length);
      case 'GET_DEV_INFO': {
        const probe = probes[request.index];
        if (!probe || request.recordSize !== DEVICE_INFO_RECORD_SIZE) {
          return encodeDeviceInfoReply({
            status: TCP_STATUS.BAD_PARAMETER,
            deviceId: 0,
            serial: '',
            vid: 0,
            pid: 0,
            used: 0,
          });
        }
        const { identity } = probe.transport;
        // "used" stays 0: OpenOCD refuses a used device outright (D.3 step 5), and sharing it is
        // exactly what this server is for.
        return encodeDeviceInfoReply({
          status: TCP_STATUS.SS_OK,
          deviceId: request.index + 1,
          serial: identity.serial,
          vid: identity.vid,
          pid: identity.pid,
          used: 0,
        });
      }
      case 'OPEN_DEV': {
        const probe = probes[request.deviceId - 1];
        if (!probe) return encodeStatusWordReply(TCP_STATUS.OPEN_ERR, 0);
        const connectId = this.ctx.newConnectId();
        this.opened.set(connectId, { probe, client: probe.attach() });
        return encodeStatusWordReply(TCP_STATUS.SS_OK, connectId);
      }
      case 'CLOSE_DEV': {
        const handle = this.opened.get(request.connectId);
        if (!handle) return encodeStatusReply(TCP_STATUS.BAD_PARAMETER);
        this.opened.delete(request.connectId);
        await this.release(handle);
        return encodeStatusReply(TCP_STATUS.SS_OK);
      }
      case 'GET_NB_OF_DEV_CLIENTS': {
        const probe = probes[request.deviceId - 1];
        return probe
          ? encodeStatusWordReply(TCP_STATUS.SS_OK, probe.clientCount)
          : encodeStatusWordReply(TCP_STATUS.BAD_PARAMETER, 0);
      }
      case 'SEND_USB_CMD': {
        const readLength = request.direction === USB_DIRECTION.write ? 0 : request.length;
        const handle = this.opened.get(request.connectId);
        if (!handle) return encodeUsbReply(TCP_STATUS.BAD_PARAMETER, new Uint8Array(readLength));
        const padded = new Uint8Array(readLength);
        // What reaches the probe is the protocol's data phase, not the client's (usb-framing.ts).
        const framing =
          request.direction === USB_DIRECTION.trace
            ? undefined
            : frameUsbCommand(
                request.usbCommand,
                request.direction === USB_DIRECTION.write
                  ? { kind: 'write', data: request.data }
                  : request.length === 0
                    ? { kind: 'none' }
                    : { kind: 'read', length: request.length },
              );
        if (framing !== undefined && framing.kind !== 'forward') {
          handle.client.commands++;
          if (framing.kind === 'refuse') return encodeUsbReply(TCP_STATUS.BAD_PARAMETER, padded);
          padded.set(framing.reply.subarray(0, readLength));
          return encodeUsbReply(TCP_STATUS.SS_OK, padded);
        }
        try {
          const data =
            framing === undefined
              ? await handle.probe.readTrace(handle.client, request.length)
              : await handle.probe.exchange(handle.client, request.usbCommand, framing.phase);
          padded.set(data.subarray(0, readLength));
          return encodeUsbReply(TCP_STATUS.SS_OK, padded);
        } catch (error) {
          const swdkit = asSwdkitError(error);
          this.ctx.emit({ kind: 'probe-error', session: this.session, client: this.client, error: swdkit });
          const status = swdkit instanceof TimeoutError ? TCP_STATUS.TIMEOUT : TCP_STATUS.TCP_ERROR;
          return encodeUsbReply(status, new Uint8Array(readLength));
        }
      }
    }
  }
}

/** "127.0.0.1:51234": how the log and the stats name a client. */
function clientName(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
}
