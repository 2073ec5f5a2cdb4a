/**
 * One gdb connection, without a socket: bytes from gdb go into `receive`, bytes for gdb come out of
 * the `write` callback. It speaks the remote protocol over a GdbTarget (packets in the order they
 * came, one at a time) and runs the target for `c`/`vCont;c` while it keeps answering: the target
 * is polled until it stops, a ^C halts it, and memory reads are served while it runs (live watch).
 */
import type { CoreRegisterName } from '../arm/core-registers.js';
import type { Segment } from '../flash/image/types.js';
import { fromLatin1, latin1, parseHexDigits } from '../util/bytes.js';
import { asSwdkitError } from '../util/errors.js';
import { GdbClients, type GdbClient } from './clients.js';
import { memoryMap } from './memory-map.js';
import { runMonitorCommand } from './monitor.js';
import {
  gdbRegisters,
  registerHex,
  registerWrites,
  targetDescription,
  type GdbRegister,
} from './registers.js';
import { frameHexPacket, framePacket, RspDecoder } from './rsp-framing.js';
import { toHex } from './packet-text.js';
import { stopReply } from './stop-reply.js';
import type { GdbTarget, TargetLayout, WatchKind } from './target.js';

export interface GdbConnectionOptions {
  /** Bytes for gdb. */
  readonly write: (bytes: Uint8Array) => void;
  /** Asks the transport to close the connection (after `D`, or `k` outside extended mode). */
  readonly close?: () => void;
  /** Waiting between polls of a running target; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often a running target is polled, ms (default 10). */
  readonly pollIntervalMs?: number;
  /** What went wrong in a handler, for the server's log. */
  readonly log?: (line: string) => void;
  /** What the server's log should say about the connection (a detach that left the core halted). */
  readonly note?: (line: string) => void;
  /** The other connections on this target (a server's); absent, the connection is the only one. */
  readonly clients?: GdbClients;
  /** Where gdb connected from, for the other connections' messages. */
  readonly name?: string;
}

/**
 * The largest packet gdb may send us, and the size of the `m` replies it then asks for (hex digits
 * count twice): 64 KiB. Every packet is a round trip through gdb, so a big one reads 32 KiB of
 * memory per round trip and carries 64 KiB of `load` per vFlashWrite; OpenOCD's 16 KiB cost a
 * memory dump four round trips as many.
 */
export const PACKET_SIZE = 0x10000;
/**
 * While the core runs, every this many polls (a quarter second at the default 10 ms) the FPB is read
 * back: a debugger that connects to the same probe meanwhile (OpenOCD's examine) zeroes its
 * comparators, and a breakpoint gdb believes in would never hit.
 */
const REASSERT_EVERY_POLLS = 25;

/**
 * How long a running core may stay in its HardFault handler before the poll calls it a crash and
 * halts it: a handler that recovers (logs, fixes up, returns) is out within microseconds.
 */
const HARDFAULT_GRACE_MS = 100;
/** Polls that may fail in a row before the run is reported as ended. */
const MAX_POLL_FAILURES = 10;

const SUPPORTED = [
  `PacketSize=${PACKET_SIZE.toString(16)}`,
  'qXfer:features:read+',
  'qXfer:memory-map:read+',
  'QStartNoAckMode+',
  'vContSupported+',
  'swbreak+',
  'hwbreak+',
].join(';');

const encoder = new TextEncoder();

const HEX = /^[0-9a-fA-F]+$/;
/** A hex number of at most 8 digits (a 32-bit address or length), else NaN. */
function hexNumber(text: string | undefined): number {
  if (text === undefined || text.length === 0 || text.length > 8 || !HEX.test(text)) return Number.NaN;
  return parseInt(text, 16);
}

/** `addr,length` with both hex and the range inside the 32-bit address space. */
function parseRange(text: string): { address: number; length: number } | undefined {
  const [a, l, extra] = text.split(',');
  const address = hexNumber(a);
  const length = hexNumber(l);
  if (extra !== undefined || Number.isNaN(address) || Number.isNaN(length)) return undefined;
  if (address + length > 0x1_0000_0000) return undefined;
  return { address, length };
}

const X_PACKET = 0x58;
const COLON = 0x3a;
const FLASH_WRITE = fromLatin1('vFlashWrite:');

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

const ERROR = 'E01';
const BAD_REQUEST = 'E02';

/** A reply already framed (`$…#cs`), sent as it is. */
interface Framed {
  readonly frame: Uint8Array;
}

type Reply = string | Uint8Array | Framed | undefined;

export class GdbConnection implements GdbClient {
  private readonly decoder = new RspDecoder();
  private ackMode = true;
  private lastSent: Uint8Array | undefined;
  private chain: Promise<void> = Promise.resolve();
  private extended = false;
  private running = false;
  private interruptRequested = false;
  private closed = false;
  private layoutCache: TargetLayout | undefined;
  private readonly softwareBreakpoints = new Set<number>();
  private readonly hardwareBreakpoints = new Set<number>();
  private readonly watches = new Map<string, { kind: WatchKind; address: number; length: number }>();
  private flashWrites: Segment[] = [];
  private flashWriteBytes = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pollMs: number;
  private runLoop: Promise<void> = Promise.resolve();
  private readonly clients: GdbClients;
  /** Another connection halted the core during this one's run: who, for the stop's console line. */
  private stoppedBy: string | undefined;
  readonly name: string;

  constructor(
    private readonly target: GdbTarget,
    private readonly options: GdbConnectionOptions,
  ) {
    this.sleep =
      options.sleep ??
      ((ms) =>
        new Promise((resolve) => {
          setTimeout(resolve, ms);
        }));
    this.pollMs = options.pollIntervalMs ?? 10;
    this.name = options.name ?? 'gdb';
    this.clients = options.clients ?? new GdbClients(target);
    this.clients.join(this);
  }

  haltedBy(other: string): void {
    if (this.running) this.stoppedBy = other;
  }

  /** Bytes from gdb. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    for (const event of this.decoder.feed(bytes)) {
      switch (event.kind) {
        case 'packet':
          if (this.ackMode) this.options.write(fromLatin1('+'));
          this.enqueue(event.payload);
          break;
        case 'corrupt':
          if (this.ackMode) this.options.write(fromLatin1('-'));
          break;
        case 'malformed':
          if (this.ackMode) this.options.write(fromLatin1('+'));
          this.chain = this.chain.then(() => {
            this.send(BAD_REQUEST);
          });
          break;
        case 'nack':
          if (this.ackMode && this.lastSent !== undefined) this.options.write(this.lastSent);
          break;
        case 'ack':
          break;
        case 'interrupt':
          this.interrupt();
          break;
      }
    }
  }

  /** Resolves once every packet received so far has been answered (tests, the fuzz soak). */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  /** Whether the target is running for this connection (a stop reply is still owed). */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * The transport went away (gdb quit or was killed without `D`): this connection's breakpoints and
   * watchpoints come out; the core is left running or halted as it is.
   */
  async disconnected(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    await this.chain;
    await this.runLoop;
    await this.cleanUp();
    this.clients.leave(this);
  }

  // ---

  private enqueue(payload: Uint8Array): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      let reply: Reply;
      try {
        reply = await this.handle(payload);
      } catch (error) {
        this.logError(latin1(payload.subarray(0, 40)), error);
        reply = ERROR;
      }
      if (reply !== undefined) this.send(reply);
    });
  }

  private send(reply: string | Uint8Array | Framed): void {
    if (this.closed) return;
    const frame =
      reply instanceof Uint8Array || typeof reply === 'string'
        ? framePacket(typeof reply === 'string' ? fromLatin1(reply) : reply)
        : reply.frame;
    this.lastSent = frame;
    this.options.write(frame);
  }

  private console(text: string): void {
    // One O packet per line keeps each well under PacketSize.
    for (const line of text.split(/(?<=\n)/)) {
      if (line !== '') this.send(`O${toHex(encoder.encode(line))}`);
    }
  }

  private logError(what: string, error: unknown): void {
    this.options.log?.(`gdb: ${JSON.stringify(what)}: ${asSwdkitError(error).message}`);
  }

  private async layout(): Promise<TargetLayout> {
    this.layoutCache ??= await this.target.layout();
    return this.layoutCache;
  }

  private async registers(): Promise<readonly GdbRegister[]> {
    return gdbRegisters((await this.layout()).hasFpu);
  }

  private async handle(bytes: Uint8Array): Promise<Reply> {
    // Binary writes carry up to PacketSize bytes of data: only their header is read as text.
    if (bytes[0] === X_PACKET) return this.writeMemoryBinary(bytes);
    if (startsWith(bytes, FLASH_WRITE)) return this.collectFlashWrite(bytes);
    const packet = latin1(bytes);
    if (packet.length === 0) return '';
    switch (packet[0]) {
      case '?':
        return this.stopStatus();
      case 'g':
        return packet === 'g' ? this.readAllRegisters() : '';
      case 'G':
        return this.writeAllRegisters(packet.slice(1));
      case 'p':
        return this.readOneRegister(packet.slice(1));
      case 'P':
        return this.writeOneRegister(packet.slice(1));
      case 'm':
        return this.readMemory(packet.slice(1));
      case 'M':
        return this.writeMemoryHex(packet.slice(1));
      case 'c':
      case 's':
        return this.resume(packet[0] === 's' ? 'step' : 'continue', packet.slice(1));
      case 'C':
      case 'S': {
        // The signal is dropped: a bare-metal target has no process to deliver it to.
        const [, at] = packet.slice(1).split(';');
        return this.resume(packet[0] === 'S' ? 'step' : 'continue', at ?? '');
      }
      case 'Z':
      case 'z':
        return this.breakOrWatch(packet[0] === 'Z', packet.slice(1));
      case 'H':
      case 'T':
        return 'OK';
      case 'D':
        return this.detach();
      case 'k':
        return this.kill();
      case '!':
        this.extended = true;
        return 'OK';
      case 'R':
        await this.restart();
        return undefined;
      case 'q':
      case 'Q':
        return this.query(packet);
      case 'v':
        return this.vPacket(packet);
      default:
        return '';
    }
  }

  private async query(packet: string): Promise<Reply> {
    if (packet.startsWith('qSupported')) return SUPPORTED;
    if (packet === 'QStartNoAckMode') {
      this.send('OK');
      this.ackMode = false;
      return undefined;
    }
    if (packet.startsWith('qXfer:features:read:target.xml:')) {
      return this.transfer(targetDescription((await this.layout()).hasFpu), packet.slice(31));
    }
    if (packet.startsWith('qXfer:memory-map:read::')) {
      return this.transfer(memoryMap(await this.layout()), packet.slice(23));
    }
    if (packet.startsWith('qXfer:')) return 'E00';
    if (packet.startsWith('qRcmd,')) return this.monitor(packet.slice(6));
    switch (packet) {
      case 'qAttached':
        return '1';
      case 'qC':
        return 'QC1';
      case 'qfThreadInfo':
        return 'm1';
      case 'qsThreadInfo':
        return 'l';
      case 'qSymbol::':
        return 'OK';
      default:
        return '';
    }
  }

  /** A qXfer read of `document` at `offset,length`: `m` and a part, or `l` and the last part. */
  private transfer(document: string, range: string): Reply {
    const parsed = parseRange(range);
    if (parsed === undefined) return BAD_REQUEST;
    const bytes = encoder.encode(document);
    const part = bytes.subarray(parsed.address, parsed.address + Math.min(parsed.length, PACKET_SIZE - 8));
    const last = parsed.address + part.length >= bytes.length;
    const reply = new Uint8Array(part.length + 1);
    reply[0] = (last ? 'l' : 'm').charCodeAt(0);
    reply.set(part, 1);
    return reply;
  }

  private async vPacket(packet: string): Promise<Reply> {
    if (packet === 'vCont?') return 'vCont;c;C;s;S;t';
    if (packet.startsWith('vCont;')) {
      const action = packet.slice(6).split(';')[0]?.split(':')[0] ?? '';
      if (action === 'c' || action.startsWith('C')) return this.resume('continue', '');
      if (action === 's' || action.startsWith('S')) return this.resume('step', '');
      if (action === 't') {
        if (this.running) {
          this.interrupt();
          return undefined;
        }
        return this.stopStatus();
      }
      return BAD_REQUEST;
    }
    if (packet.startsWith('vFlashErase:')) {
      // The erase happens at vFlashDone, sector by sector, only where the new contents differ.
      return parseRange(packet.slice(12)) === undefined ? BAD_REQUEST : 'OK';
    }
    if (packet === 'vFlashDone') return this.flashDone();
    if (packet.startsWith('vKill')) {
      this.clients.halting(this);
      await this.target.reset(true);
      return 'OK';
    }
    if (packet.startsWith('vRun')) {
      await this.restart();
      return this.stopStatus();
    }
    if (packet.startsWith('vAttach')) {
      this.clients.halting(this);
      await this.target.halt();
      return this.stopStatus();
    }
    return '';
  }

  // --- registers

  private async readAllRegisters(): Promise<Reply> {
    const values = await this.target.readRegisters();
    return (await this.registers()).map((r) => registerHex(r, values)).join('');
  }

  private async writeAllRegisters(hex: string): Promise<Reply> {
    const registers = await this.registers();
    const writes: { name: CoreRegisterName; value: number }[] = [];
    let at = 0;
    for (const register of registers) {
      const width = register.bits / 4;
      if (at + width > hex.length) break;
      const part = registerWrites(register, hex.slice(at, at + width));
      if (part === undefined) return BAD_REQUEST;
      writes.push(...part);
      at += width;
    }
    if (at !== hex.length) return BAD_REQUEST;
    for (const w of writes) await this.target.writeRegister(w.name, w.value);
    return 'OK';
  }

  private async findRegister(text: string): Promise<GdbRegister | undefined> {
    const regnum = hexNumber(text);
    return (await this.registers()).find((r) => r.regnum === regnum);
  }

  private async readOneRegister(text: string): Promise<Reply> {
    const register = await this.findRegister(text);
    if (register === undefined) return BAD_REQUEST;
    return registerHex(register, await this.target.readRegisters());
  }

  private async writeOneRegister(text: string): Promise<Reply> {
    const [n, value, extra] = text.split('=');
    const register = await this.findRegister(n ?? '');
    if (register === undefined || value === undefined || extra !== undefined) return BAD_REQUEST;
    const writes = registerWrites(register, value);
    if (writes === undefined) return BAD_REQUEST;
    for (const w of writes) await this.target.writeRegister(w.name, w.value);
    return 'OK';
  }

  // --- memory

  private async readMemory(text: string): Promise<Reply> {
    const range = parseRange(text);
    if (range === undefined) return BAD_REQUEST;
    if (range.length === 0) return '';
    const length = Math.min(range.length, (PACKET_SIZE - 4) / 2);
    return { frame: frameHexPacket(await this.target.readMemory(range.address, length)) };
  }

  private async writeMemoryHex(text: string): Promise<Reply> {
    const colon = text.indexOf(':');
    const range = colon < 0 ? undefined : parseRange(text.slice(0, colon));
    const data = colon < 0 ? undefined : parseHexDigits(text.slice(colon + 1));
    if (range === undefined || data === undefined || data.length !== range.length) return BAD_REQUEST;
    if (data.length > 0) await this.target.writeMemory(range.address, data);
    return 'OK';
  }

  private async writeMemoryBinary(bytes: Uint8Array): Promise<Reply> {
    const colon = bytes.indexOf(COLON);
    const range = colon < 0 ? undefined : parseRange(latin1(bytes.subarray(1, colon)));
    if (range === undefined) return BAD_REQUEST;
    const data = bytes.slice(colon + 1);
    if (data.length !== range.length) return BAD_REQUEST;
    if (data.length > 0) await this.target.writeMemory(range.address, data);
    return 'OK';
  }

  /** vFlashWrite:addr:data, kept until vFlashDone. */
  private collectFlashWrite(bytes: Uint8Array): Reply {
    const colon = bytes.indexOf(COLON, FLASH_WRITE.length);
    const address = hexNumber(colon < 0 ? undefined : latin1(bytes.subarray(FLASH_WRITE.length, colon)));
    if (Number.isNaN(address)) return BAD_REQUEST;
    const data = bytes.slice(colon + 1);
    if (address + data.length > 0x1_0000_0000) return BAD_REQUEST;
    // Never more than the 4 GiB address space could hold; in practice gdb sends one image.
    if (this.flashWriteBytes + data.length > 64 * 1024 * 1024) return ERROR;
    this.flashWrites.push({ address, data });
    this.flashWriteBytes += data.length;
    return 'OK';
  }

  /** Everything gdb wrote since the last vFlashDone, as one image, through the flash driver. */
  private async flashDone(): Promise<Reply> {
    const writes = this.flashWrites;
    this.flashWrites = [];
    this.flashWriteBytes = 0;
    if (writes.length === 0) return 'OK';
    await this.target.flash(mergeSegments(writes));
    return 'OK';
  }

  // --- run control

  private async stopStatus(): Promise<Reply> {
    if (this.running) return undefined;
    if (!(await this.target.isStopped())) {
      this.clients.halting(this);
      await this.target.halt();
    }
    return this.stopPacket(false);
  }

  private async stopPacket(interrupted: boolean): Promise<string> {
    const event = await this.target.haltEvent();
    const reply = stopReply(event, {
      interrupted,
      softwareBreakpoints: this.softwareBreakpoints,
      hardwareBreakpoints: this.hardwareBreakpoints,
    });
    for (const line of reply.console) this.console(line);
    return reply.packet;
  }

  private async resume(kind: 'step' | 'continue', at: string): Promise<Reply> {
    if (this.running) return undefined;
    if (at !== '') {
      const pc = hexNumber(at);
      if (Number.isNaN(pc)) return BAD_REQUEST;
      await this.target.writeRegister('pc', pc);
    }
    if (kind === 'step') {
      await this.target.step();
      return this.stopPacket(false);
    }
    for (const line of await this.target.reassert(false)) this.console(`${line}\n`);
    await this.target.resume();
    this.running = true;
    this.interruptRequested = false;
    this.stoppedBy = undefined;
    this.runLoop = this.waitForStop();
    return undefined;
  }

  /** Read after an await: D, k or the transport going away may have ended the run meanwhile. */
  private stillRunning(): boolean {
    return this.running && !this.closed;
  }

  private interrupt(): void {
    if (!this.running || this.interruptRequested) return;
    this.interruptRequested = true;
    this.clients.halting(this);
    this.target.halt().catch((error: unknown) => {
      this.logError('interrupt', error);
    });
  }

  /** Polls the running target until it stops, then sends the stop reply gdb is waiting for. */
  private async waitForStop(): Promise<void> {
    let failures = 0;
    let inHardFault = 0;
    let polls = 0;
    while (this.running && !this.closed) {
      await this.sleep(this.pollMs);
      if (!this.stillRunning()) return;
      try {
        const seen = await this.target.poll();
        failures = 0;
        if (seen === 'stopped') break;
        if (++polls % REASSERT_EVERY_POLLS === 0) {
          for (const line of await this.target.reassert(true)) this.console(`${line}\n`);
        }
        inHardFault = seen === 'in-hardfault' ? inHardFault + 1 : 0;
        if (inHardFault * this.pollMs >= HARDFAULT_GRACE_MS) {
          await this.target.haltOnFault();
          break;
        }
      } catch (error) {
        if (++failures < MAX_POLL_FAILURES) continue;
        this.running = false;
        this.console(`swdkit: lost the target while it ran: ${asSwdkitError(error).message}\n`);
        this.send('S05');
        return;
      }
    }
    // Queued with the packets, so the stop reply never overtakes a reply already being made.
    this.chain = this.chain.then(async () => {
      if (this.closed || !this.running) return;
      let packet: string;
      try {
        if (this.stoppedBy !== undefined)
          this.console(`swdkit: the gdb at ${this.stoppedBy} halted the core.\n`);
        packet = await this.stopPacket(this.interruptRequested || this.stoppedBy !== undefined);
      } catch (error) {
        this.console(`swdkit: the target stopped, but ${asSwdkitError(error).message}\n`);
        packet = 'S05';
      }
      this.running = false;
      this.interruptRequested = false;
      this.send(packet);
    });
  }

  private async breakOrWatch(insert: boolean, text: string): Promise<Reply> {
    const [type, a, k, extra] = text.split(',');
    const address = hexNumber(a);
    const kind = hexNumber(k?.split(';')[0]);
    if (extra !== undefined || Number.isNaN(address) || Number.isNaN(kind)) return BAD_REQUEST;
    const at = (address & ~1) >>> 0;
    switch (type) {
      case '0':
      case '1': {
        const hardware = type === '1';
        const set = hardware ? this.hardwareBreakpoints : this.softwareBreakpoints;
        if (insert) {
          await this.clients.insertBreakpoint(this, hardware ? 'hardware' : 'software', at);
          set.add(at);
        } else {
          set.delete(at);
          await this.clients.removeBreakpoint(this, hardware ? 'hardware' : 'software', at);
        }
        return 'OK';
      }
      case '2':
      case '3':
      case '4': {
        const watch: WatchKind = type === '2' ? 'write' : type === '3' ? 'read' : 'access';
        if (kind === 0 || address + kind > 0x1_0000_0000) return BAD_REQUEST;
        const key = `${watch}:${address}:${kind}`;
        if (insert) {
          await this.clients.insertWatchpoint(this, watch, address, kind);
          this.watches.set(key, { kind: watch, address, length: kind });
        } else {
          this.watches.delete(key);
          await this.clients.removeWatchpoint(this, watch, address, kind);
        }
        return 'OK';
      }
      default:
        return '';
    }
  }

  private async monitor(hex: string): Promise<Reply> {
    const bytes = parseHexDigits(hex);
    if (bytes === undefined) return BAD_REQUEST;
    const lines = await runMonitorCommand(this.target, new TextDecoder().decode(bytes), () => {
      this.clients.halting(this);
    });
    for (const line of lines) this.console(`${line}\n`);
    return 'OK';
  }

  /** Removes what this connection put on the target. */
  private async cleanUp(): Promise<void> {
    const attempt = async (what: string, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        this.logError(what, error);
      }
    };
    for (const at of [...this.softwareBreakpoints]) {
      this.softwareBreakpoints.delete(at);
      await attempt('z0', () => this.clients.removeBreakpoint(this, 'software', at));
    }
    for (const at of [...this.hardwareBreakpoints]) {
      this.hardwareBreakpoints.delete(at);
      await attempt('z1', () => this.clients.removeBreakpoint(this, 'hardware', at));
    }
    for (const [key, w] of [...this.watches]) {
      this.watches.delete(key);
      await attempt('z2', () => this.clients.removeWatchpoint(this, w.kind, w.address, w.length));
    }
  }

  /**
   * D: breakpoints and watchpoints out, then the connection closes. The core runs on unless another
   * gdb is still attached: that one believes the core halted (all-stop) and resumes it itself.
   */
  private async detach(): Promise<Reply> {
    this.running = false;
    await this.cleanUp();
    const others = this.clients.others(this);
    this.clients.leave(this);
    if (others.length > 0) {
      this.options.note?.(
        `detached; the core stays as it is for the gdb still attached (${others.join(', ')})`,
      );
    } else if (await this.target.isStopped()) {
      await this.target.resume();
    }
    this.send('OK');
    this.closed = true;
    this.options.close?.();
    return undefined;
  }

  /**
   * k: the program is killed — the target reset and held at its reset vector, this connection's
   * breakpoints gone. Outside extended mode the connection closes, as gdb expects.
   */
  private async kill(): Promise<Reply> {
    this.running = false;
    this.clients.halting(this);
    await this.target.reset(true);
    if (!this.extended) {
      await this.cleanUp();
      this.clients.leave(this);
      this.closed = true;
      this.options.close?.();
    }
    return undefined;
  }

  /** R / vRun in extended mode: start the program again, halted at its reset vector. */
  private async restart(): Promise<void> {
    this.running = false;
    this.clients.halting(this);
    await this.target.reset(true);
  }
}

/** Adjacent writes become one segment, sorted by address (gdb writes a section in pieces). */
export function mergeSegments(writes: readonly Segment[]): Segment[] {
  const sorted = [...writes].filter((w) => w.data.length > 0).sort((a, b) => a.address - b.address);
  const out: { address: number; parts: Uint8Array[]; end: number }[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.end === w.address) {
      last.parts.push(w.data);
      last.end += w.data.length;
    } else if (last !== undefined && w.address < last.end) {
      // An overlapping write: the later bytes win, as on a target written in that order.
      const merged = concat(last.parts);
      const end = Math.max(last.end, w.address + w.data.length);
      const bytes = new Uint8Array(end - last.address);
      bytes.set(merged, 0);
      bytes.set(w.data, w.address - last.address);
      last.parts = [bytes];
      last.end = end;
    } else {
      out.push({ address: w.address, parts: [w.data], end: w.address + w.data.length });
    }
  }
  return out.map((s) => ({ address: s.address, data: concat(s.parts) }));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) return only;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
