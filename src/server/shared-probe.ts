import { SerialQueue } from '../util/serial-queue.js';
import { featuresOf, limitsOf, needsVersionEx, versionFromGetVersion } from '../protocol/version.js';
import { STLINK_STATUS_TABLE } from '../protocol/status.js';
import { REPLY_LENGTH, decodeGetVersionReply, encodeRwMiscInReply } from '../protocol/replies.js';
import { STLINK_MODE, type NrstAction } from '../protocol/opcodes.js';
import type { DataPhase, StLinkTransport } from '../protocol/link.js';
import {
  classify,
  defaultSpeed,
  driveNrstCommand,
  getVersionCommand,
  rwMiscInCommand,
  rwStatusCommand,
  type SharingClass,
} from './command-class.js';

const STATUS_OK = STLINK_STATUS_TABLE.DEBUG_ERR_OK.code;
const STATUS_OTHER_MODE = STLINK_STATUS_TABLE.ALREADY_OPENED_IN_OTHER_MODE.code;
const STATUS_CMD_ERROR = STLINK_STATUS_TABLE.CMD_ERROR.code;

/**
 * One client's view of a shared probe (one OPEN_DEV handle). Everything the server answers on the
 * probe's behalf comes from here, so no other client's traffic can change it (docs/sharing.md §3).
 */
export class ProbeClient {
  /** Whether this client has entered debug mode and not left it. */
  inDebugMode = false;
  /** The level this client asks NRST to have: 'low' holds the target in reset for everyone. */
  nrst: 'low' | 'released' = 'released';
  speed:
    | {
        readonly wire: string;
        readonly slowness: number;
        readonly command: Uint8Array;
        readonly phase: DataPhase;
      }
    | undefined;
  /** The GETLASTRWSTATUS2 reply (12 bytes) of this client's last memory command. */
  rwStatus: Uint8Array = Uint8Array.of(STATUS_OK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  /** RW_MISC_IN results of this client's last RW_MISC_OUT batch. */
  rwMiscIn: Uint8Array | undefined;
  /** Modelled probe time spent on this client's behalf, in virtual nanoseconds. */
  modelledNs = 0;
  commands = 0;
  detached = false;

  constructor(readonly id: number) {}
}

/**
 * A probe several clients use at once: one queue, so each client command (with whatever the server
 * adds to keep it whole) runs as one uninterrupted slot, and per-client state for the things that
 * otherwise leak from one client into another: memory status, debug mode, NRST, the wire speed and
 * RW_MISC results.
 */
export class SharedProbe {
  private readonly queue = new SerialQueue();
  private readonly clients = new Set<ProbeClient>();
  private facts: FirmwareFacts | undefined;
  /** The mode of the ENTER that put the probe into debug mode ('swd', 'jtag'). */
  private enteredMode: string | undefined;
  /** The level the server last drove NRST to. */
  private nrstLevel: 'low' | 'high' | 'unknown' = 'unknown';
  private nextClientId = 1;

  constructor(readonly transport: StLinkTransport) {}

  get clientCount(): number {
    return this.clients.size;
  }

  attach(): ProbeClient {
    const client = new ProbeClient(this.nextClientId++);
    this.clients.add(client);
    return client;
  }

  /** Drops `client`, giving back what it held: its NRST hold and its speed request. */
  detach(client: ProbeClient): Promise<void> {
    if (client.detached) return Promise.resolve();
    client.detached = true;
    return this.slot(client, async () => {
      const wire = client.speed?.wire;
      const speedBefore = wire === undefined ? undefined : this.slowest(wire, undefined);
      this.clients.delete(client);
      if (client.inDebugMode && this.holders().length === 0) this.enteredMode = undefined;
      client.inDebugMode = false;
      if (client.nrst === 'low' && !this.othersHoldNrstLow(client)) {
        // A departed client cannot keep the board in reset.
        await this.transport.exchange(driveNrstCommand('high'), { kind: 'read', length: 2 });
        this.nrstLevel = 'high';
      }
      if (wire !== undefined) {
        // The wire goes back to the slowest speed still asked for, or, when nobody asks for one any
        // more, to the probe's power-up clock: a client that slowed the wire and left must not leave
        // the next one with its clock.
        const speedAfter = this.slowest(wire, undefined) ?? defaultSpeed(wire);
        if (speedAfter && speedBefore && speedAfter.slowness !== speedBefore.slowness) {
          await this.transport.exchange(speedAfter.command, speedAfter.phase);
        }
      }
    });
  }

  /** One client command, atomically. Resolves with the bytes the client reads back. */
  exchange(client: ProbeClient, command: Uint8Array, phase: DataPhase): Promise<Uint8Array> {
    client.commands++;
    return this.slot(client, () => this.run(client, classify(command), command, phase));
  }

  readTrace(client: ProbeClient, length: number): Promise<Uint8Array> {
    client.commands++;
    return this.slot(client, () => this.transport.readTrace(length));
  }

  private slot<T>(client: ProbeClient, task: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const before = this.transport.modelledNanoseconds?.() ?? 0;
      try {
        return await task();
      } finally {
        client.modelledNs += (this.transport.modelledNanoseconds?.() ?? 0) - before;
      }
    };
    return this.queue.run(run);
  }

  private holders(except?: ProbeClient): ProbeClient[] {
    return [...this.clients].filter((c) => c.inDebugMode && c !== except);
  }

  private othersHoldNrstLow(client: ProbeClient): boolean {
    return [...this.clients].some((c) => c !== client && c.nrst === 'low');
  }

  private slowest(wire: string, extra: ProbeClient['speed']): ProbeClient['speed'] {
    let best = extra;
    for (const c of this.clients) {
      if (c.speed?.wire === wire && (best === undefined || c.speed.slowness > best.slowness)) best = c.speed;
    }
    return best;
  }

  private async run(
    client: ProbeClient,
    cls: SharingClass,
    command: Uint8Array,
    phase: DataPhase,
  ): Promise<Uint8Array> {
    const t = this.transport;
    switch (cls.kind) {
      case 'memory': {
        // The memory command and its status query share one slot; the client's own query, whenever
        // it comes, is answered from its record (A.5: status is a separate command).
        const reply = await t.exchange(command, phase);
        const status = rwStatusCommand((await this.firmware()).hasRwStatus2);
        const bytes = await t.exchange(status.command, { kind: 'read', length: status.length });
        const record = new Uint8Array(12);
        record.set(bytes.subarray(0, 12));
        client.rwStatus = record;
        return reply;
      }
      case 'rw-status':
        return localReply(phase, client.rwStatus);
      case 'get-mode': {
        const reply = await t.exchange(command, phase);
        // Another client's debug session is not this client's stale mode to leave (B.2 step 3).
        if (reply[0] === STLINK_MODE.DEBUG && !client.inDebugMode && this.holders(client).length > 0) {
          const view = reply.slice();
          view[0] = STLINK_MODE.MASS;
          return view;
        }
        return reply;
      }
      case 'enter': {
        if (this.holders(client).length > 0) {
          if (cls.mode !== this.enteredMode) return localReply(phase, Uint8Array.of(STATUS_OTHER_MODE, 0));
          client.inDebugMode = true;
          return localReply(phase, Uint8Array.of(STATUS_OK, 0));
        }
        const reply = await t.exchange(command, phase);
        // API v1's ENTER has no reply; API v2's status must be OK.
        if (phase.kind !== 'read' || reply[0] === STATUS_OK) {
          client.inDebugMode = true;
          this.enteredMode = cls.mode;
        }
        return reply;
      }
      case 'exit': {
        client.inDebugMode = false;
        if (this.holders().length > 0) return localReply(phase, new Uint8Array(0));
        this.enteredMode = undefined;
        return t.exchange(command, phase);
      }
      case 'dfu-exit':
        if (this.holders(client).length > 0) return localReply(phase, new Uint8Array(0));
        return t.exchange(command, phase);
      case 'nrst':
        return this.nrst(client, cls.action, command, phase);
      case 'speed': {
        const request = { wire: cls.wire, slowness: cls.slowness, command: command.slice(), phase };
        client.speed = request;
        const slowest = this.slowest(cls.wire, request) ?? request;
        return t.exchange(slowest.command, phase);
      }
      case 'rw-misc-out': {
        // The count is the client's 32-bit word: it never sizes anything beyond the firmware's result
        // buffer. A batch the probe would refuse for its length is refused here the way the virtual
        // firmware refuses it (sim/probe/firmware.ts rwMisc: every buffer entry 0x08 CMD_ERROR) and
        // never reaches the probe, whose behaviour beyond its buffer nobody documents.
        const { maxRwMiscItems } = await this.firmware();
        if (cls.items > maxRwMiscItems) {
          client.rwMiscIn = refusedRwMiscBatch(maxRwMiscItems);
          return localReply(phase, new Uint8Array(0));
        }
        // OpenOCD only batches over TCP with server API 3, because the OUT/IN pair must not be split
        // (D.5): the IN half runs in this same slot and waits in the client's record.
        const reply = await t.exchange(command, phase);
        client.rwMiscIn = await t.exchange(rwMiscInCommand(), { kind: 'read', length: 8 * cls.items });
        return reply;
      }
      case 'rw-misc-in': {
        // Without this client's own RW_MISC_OUT there are no results, and no length the probe's
        // answer could be framed by: zeros, as the firmware's empty result buffer fitted to the read.
        const record = client.rwMiscIn ?? new Uint8Array(0);
        client.rwMiscIn = undefined;
        return localReply(phase, record);
      }
      case 'other':
        return t.exchange(command, phase);
    }
  }

  private async nrst(
    client: ProbeClient,
    action: NrstAction,
    command: Uint8Array,
    phase: DataPhase,
  ): Promise<Uint8Array> {
    const ok = Uint8Array.of(STATUS_OK, 0);
    if (action === 'low') {
      client.nrst = 'low';
      const reply = await this.transport.exchange(command, phase);
      this.nrstLevel = 'low';
      return reply;
    }
    client.nrst = 'released';
    // NRST is an open-drain line (RM0090 §7.1, reset circuit): it stays low while anyone holds it low, and a
    // release of a line that is already high has no edge and must not reach the probe, or a second
    // client's routine "NRST high" at init (B.2 step 11) would disturb the first client's target.
    if (this.othersHoldNrstLow(client)) return localReply(phase, ok);
    if (action === 'high' && this.nrstLevel === 'high' && this.clients.size > 1) return localReply(phase, ok);
    const reply = await this.transport.exchange(command, phase);
    this.nrstLevel = 'high';
    return reply;
  }

  /** What the server needs to know of the probe's firmware, learnt once with GET_VERSION. */
  private async firmware(): Promise<FirmwareFacts> {
    if (this.facts === undefined) {
      const reply = decodeGetVersionReply(
        await this.transport.exchange(getVersionCommand(), {
          kind: 'read',
          length: REPLY_LENGTH.GET_VERSION,
        }),
      );
      const version = versionFromGetVersion(reply);
      this.facts = {
        // A.7: every V3 has GETLASTRWSTATUS2 (its real version numbers are in GET_VERSION_EX).
        hasRwStatus2: needsVersionEx(reply) || featuresOf(version).hasGetLastRwStatus2,
        // The RW_MISC limit depends on the generation only (64 on V2, 1227 on V3), which GET_VERSION has.
        maxRwMiscItems: limitsOf(version).maxRwMiscItems,
      };
    }
    return this.facts;
  }
}

interface FirmwareFacts {
  readonly hasRwStatus2: boolean;
  readonly maxRwMiscItems: number;
}

/** RW_MISC_IN's buffer after a refused batch: `entries` results, each value 0 and status CMD_ERROR. */
function refusedRwMiscBatch(entries: number): Uint8Array {
  return encodeRwMiscInReply(Array.from({ length: entries }, () => ({ value: 0, status: STATUS_CMD_ERROR })));
}

/** A reply the server gives on the probe's behalf, sized exactly as the client's data phase asks. */
function localReply(phase: DataPhase, bytes: Uint8Array): Uint8Array {
  if (phase.kind !== 'read') return new Uint8Array(0);
  const out = new Uint8Array(phase.length);
  out.set(bytes.subarray(0, phase.length));
  return out;
}
