import { StLink, type StLinkOptions } from '../probe/stlink.js';
import { connectStLinkServer, type StLinkServerTransport } from '../transport/stlink-server/client.node.js';
import { STLINK_SERVER_DEFAULT_PORT } from '../transport/stlink-server/wire.js';
import type { StLinkTransport } from '../protocol/link.js';
import { openStLink } from '../transport/webusb/node-usb.node.js';
import { findStLinks, type FoundStLink } from '../transport/webusb/webusb-transport.js';
import { UnavailableError, asSwdkitError } from '../util/errors.js';
import type { ServerAddress, UsbAccess } from './context.js';
import { EmbeddedBoard } from './embedded-board.js';
import type { ProbeSpec, SimFaults } from './probe-spec.js';
import type { FaultPlan } from '../sim/board/faults.js';

/** Where the default search looks for a server when there is no single USB probe. */
export const DEFAULT_SERVER: ServerAddress = { host: '127.0.0.1', port: STLINK_SERVER_DEFAULT_PORT };

export interface ProbeAccess {
  readonly usb: UsbAccess;
  /** The server tried when --probe is absent and USB has no single ST-Link. */
  readonly defaultServer?: ServerAddress;
  /** Per-request timeout for a server (ms); a default search gives up sooner on a silent port. */
  readonly serverTimeoutMs?: number;
  /** Where a busy probe's holder is looked up (Linux /proc); tests pass a fake tree. */
  readonly procRoot?: string;
}

/** An opened probe: the driver, what it is, and how to let go of it. */
export interface OpenedProbe {
  readonly stlink: StLink;
  readonly via: 'usb' | 'tcp' | 'sim';
  /** `ST-LINK/V2-1 V2J40M27 (serial 066D…) on usb:1-2`, for messages. */
  readonly description: string;
  /** `--probe sim`: the board itself (its LEDs, its pace, its faults). */
  readonly board?: EmbeddedBoard;
  /** The clock a session on this probe waits with: the virtual board's own, for `--probe sim`. */
  readonly clock?: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void> };
  /** Drops the link at once (Ctrl-C): every exchange in flight or later fails. */
  abort(): Promise<void>;
  /** Leaves the probe (EXIT debug mode), closes the link; saves the sim's state file. Idempotent. */
  close(): Promise<void>;
}

function simFaultPlan(faults: SimFaults | undefined): FaultPlan {
  if (faults === undefined) return {};
  const ns = (s: number | undefined): number | undefined => (s === undefined ? undefined : s * 1e9);
  const plan: { -readonly [K in keyof FaultPlan]: number } = {};
  if (faults.cutLinkAfterCommands !== undefined) plan.cutLinkAfterCommands = faults.cutLinkAfterCommands;
  if (faults.cutPowerAfterCommands !== undefined) plan.cutPowerAfterCommands = faults.cutPowerAfterCommands;
  const linkAt = ns(faults.cutLinkAtSeconds);
  if (linkAt !== undefined) plan.cutLinkAtNs = linkAt;
  const powerAt = ns(faults.cutPowerAtSeconds);
  if (powerAt !== undefined) plan.cutPowerAtNs = powerAt;
  return plan;
}

function describe(stlink: StLink, model: string): string {
  return `${model} ${stlink.versionString} (serial ${stlink.identity.serial}) on ${stlink.identity.location}`;
}

/**
 * The probe's link with a switch for Ctrl-C: once interrupted, every exchange fails saying so, so an
 * operation cut short reports "interrupted" (and what it left behind), not a vanished link.
 */
class InterruptibleTransport implements StLinkTransport {
  private interrupted = false;

  constructor(private readonly link: StLinkTransport) {}

  get identity(): StLinkTransport['identity'] {
    return this.link.identity;
  }

  interrupt(): void {
    this.interrupted = true;
  }

  exchange(command: Uint8Array, phase: Parameters<StLinkTransport['exchange']>[1]): Promise<Uint8Array> {
    if (this.interrupted) return Promise.reject(interruptedError());
    return this.link.exchange(command, phase);
  }

  readTrace(length: number): Promise<Uint8Array> {
    if (this.interrupted) return Promise.reject(interruptedError());
    return this.link.readTrace(length);
  }

  close(): Promise<void> {
    return this.link.close();
  }

  modelledNanoseconds(): number {
    return this.link.modelledNanoseconds?.() ?? 0;
  }
}

function interruptedError(): UnavailableError {
  return new UnavailableError('interrupted', 'interrupted (Ctrl-C): swdkit let go of the probe', {
    hint: 'Nothing more was sent to the target after the interruption.',
  });
}

async function opened(
  transport: StLinkTransport,
  via: OpenedProbe['via'],
  model: string,
  options: StLinkOptions = {},
  board?: EmbeddedBoard,
): Promise<OpenedProbe> {
  const gate = new InterruptibleTransport(transport);
  let stlink: StLink;
  try {
    stlink = await StLink.open(gate, options);
  } catch (error) {
    await transport.close().catch(() => undefined);
    board?.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    stlink,
    via,
    description: describe(stlink, model),
    ...(board === undefined ? {} : { board, clock: board.clock }),
    abort: async () => {
      gate.interrupt();
      await transport.close().catch(() => undefined);
      board?.close();
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await stlink.close();
        } catch {
          // The link is already gone (unplugged, aborted): nothing more to release on the probe.
          await transport.close().catch(() => undefined);
        } finally {
          board?.close();
        }
      })()),
  };
}

async function openUsb(usbAccess: UsbAccess, serial?: string, procRoot?: string): Promise<OpenedProbe> {
  const usb = await usbAccess();
  const transport = await openStLink(usb, {
    ...(serial === undefined ? {} : { serial }),
    ...(procRoot === undefined ? {} : { procRoot }),
  });
  return opened(transport, 'usb', transport.model.model);
}

/** Over TCP the packet size and batching follow the server's API (stlink-openocd-0.12.md D.3). */
function serverOptions(transport: StLinkServerTransport): StLinkOptions {
  const api = transport.serverVersion.api;
  return { ...(api < 2 ? { maxMemoryPacket: 1024 } : {}), batchWithRwMisc: api >= 3 };
}

async function openServer(address: ServerAddress, timeoutMs?: number): Promise<OpenedProbe> {
  const transport = await connectStLinkServer({
    host: address.host,
    port: address.port,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return opened(transport, 'tcp', 'ST-Link via stlink-server', serverOptions(transport));
}

function openSim(spec: Extract<ProbeSpec, { kind: 'sim' }>): Promise<OpenedProbe> {
  const board = new EmbeddedBoard({
    model: spec.model,
    powered: spec.powered,
    ...(spec.state === undefined ? {} : { state: spec.state }),
    ...(spec.firmware === undefined ? {} : { firmware: spec.firmware }),
    ...(spec.realtime === undefined ? {} : { realtime: spec.realtime }),
    ...(spec.uptimeSeconds === undefined ? {} : { uptimeSeconds: spec.uptimeSeconds }),
    faults: simFaultPlan(spec.faults),
  });
  const model = spec.model === 'v3' ? 'virtual STLINK-V3' : 'virtual ST-LINK/V2-1';
  // In-process exchanges are atomic, so RW_MISC batching is as safe as on USB.
  return opened(board.transport, 'sim', model, { batchWithRwMisc: true }, board);
}

/**
 * Without --probe: the only USB ST-Link if there is exactly one, else a server on 127.0.0.1:7184,
 * else an error that lists what was tried and how to get a board without hardware.
 */
async function openDefault(access: ProbeAccess): Promise<OpenedProbe> {
  const tried: string[] = [];
  let found: FoundStLink[] = [];
  try {
    found = await findStLinks(await access.usb());
  } catch (error) {
    tried.push(`USB: ${asSwdkitError(error).message}`);
  }
  const [only] = found;
  if (found.length === 1 && only !== undefined)
    return openUsb(access.usb, only.identity.serial, access.procRoot);
  if (found.length === 0 && tried.length === 0) tried.push('USB: no ST-Link is connected');
  if (found.length > 1) {
    tried.push(
      `USB: ${found.length} ST-Links (${found.map((f) => `${f.model} ${f.identity.serial}`).join(', ')}); choose one with --probe usb:SERIAL`,
    );
  }
  const server = access.defaultServer ?? DEFAULT_SERVER;
  try {
    return await openServer(server, access.serverTimeoutMs ?? 2000);
  } catch (error) {
    tried.push(`stlink-server on ${server.host}:${server.port}: ${asSwdkitError(error).message}`);
  }
  throw new UnavailableError('no-probe', `No probe to talk to. Tried:\n  - ${tried.join('\n  - ')}`, {
    hint:
      'Plug in an ST-Link, or use the virtual STM32F4DISCOVERY: add --probe sim (in this process; ' +
      '--probe sim:state=board.state keeps its flash between commands), or run `swdkit sim` in another ' +
      'terminal (it serves on 127.0.0.1:7184, where swdkit looks next).',
  });
}

/** Opens the probe `--probe` names, or searches for one (see openDefault). */
export async function openProbe(spec: ProbeSpec | undefined, access: ProbeAccess): Promise<OpenedProbe> {
  if (spec === undefined) return openDefault(access);
  switch (spec.kind) {
    case 'usb':
      return openUsb(access.usb, spec.serial, access.procRoot);
    case 'tcp':
      return openServer({ host: spec.host, port: spec.port }, access.serverTimeoutMs);
    case 'sim':
      return openSim(spec);
  }
}
