/**
 * A minimal GDB Remote Serial Protocol client over TCP, for driving a gdbstub (QEMU's, OpenOCD's, ours)
 * from tests far faster than one gdb process per operation.
 *
 * Covers: packet framing `$payload#cs` with checksum checks, `+`/`-` acknowledgement and
 * `QStartNoAckMode`, run-length decoding of replies, binary unescaping (`}` x ^ 0x20) for qXfer,
 * `qSupported`, `?`, `g`, `p`, `P`, `m`, `M`, `Z0`/`z0`, `s`, `c`, `vCont`, `qXfer:<object>:read`,
 * stop replies (`S`/`T`/`W`/`X`), Ctrl-C interrupts, and pipelining of requests that do not resume the
 * target (several packets in one write, replies matched in order).
 *
 * Strings hold packet bytes one per char (latin1), so binary payloads survive.
 */
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export class GdbRemoteError extends Error {
  override readonly name = 'GdbRemoteError';
}

export interface StopReply {
  /** 'signal' for S/T replies, 'exited' for W, 'terminated' for X. */
  readonly kind: 'signal' | 'exited' | 'terminated';
  /** Signal number (S/T/X) or exit status (W). 5 is SIGTRAP. */
  readonly code: number;
  /** `n:r` pairs of a T reply whose key is a hex register number: raw register bytes, target order. */
  readonly registers: ReadonlyMap<number, Uint8Array>;
  /** The other `key:value` pairs of a T reply (thread, swbreak, watch, …). */
  readonly info: ReadonlyMap<string, string>;
  readonly raw: string;
}

export interface ConnectOptions {
  /** Keep retrying the TCP connection for this long (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Default timeout of a request that does not resume the target (default 10 s). */
  readonly requestTimeoutMs?: number;
}

interface Pending {
  readonly resolve: (payload: string) => void;
  readonly reject: (error: Error) => void;
  /** Collect `O` console-output packets (before a stop reply or a qRcmd's final reply). */
  readonly collectConsole: boolean;
  timer: NodeJS.Timeout | undefined;
}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** Sum of the bytes of `payload` modulo 256, as the two hex digits after `#`. */
export function checksum(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + payload.charCodeAt(i)) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** Frames a payload, escaping `$`, `#`, `}` and `*` so any bytes may be sent. */
export function framePacket(payload: string): string {
  const escaped = payload.replace(/[$#}*]/g, (c) => `}${String.fromCharCode(c.charCodeAt(0) ^ 0x20)}`);
  return `$${escaped}#${checksum(escaped)}`;
}

/** Expands run-length encoding: `X*n` means X followed by (code(n) - 29) more copies of X. */
export function decodeRunLength(data: string): string {
  if (!data.includes('*')) return data;
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === '*' && i > 0 && i + 1 < data.length) {
      const repeat = data.charCodeAt(i + 1) - 29;
      out += out[out.length - 1]!.repeat(repeat);
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Undoes binary escaping: `}` followed by c stands for c ^ 0x20. */
export function unescapeBinary(data: string): string {
  if (!data.includes('}')) return data;
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === '}' && i + 1 < data.length) {
      out += String.fromCharCode(data.charCodeAt(i + 1) ^ 0x20);
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    // QEMU and others send `xx` for registers they cannot read; callers see 0 bytes for those.
    if (/^[0-9a-fA-Fx]*$/.test(hex) && hex.length % 2 === 0) return hexToBytes(hex.replace(/x/g, '0'));
    throw new GdbRemoteError(`not a hex string: ${JSON.stringify(hex.slice(0, 80))}`);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Parses a stop reply (S, T, W or X packet). */
export function parseStopReply(raw: string): StopReply {
  const type = raw[0];
  if ((type !== 'S' && type !== 'T' && type !== 'W' && type !== 'X') || !HEX_PAIR.test(raw.slice(1, 3))) {
    throw new GdbRemoteError(`not a stop reply: ${JSON.stringify(raw.slice(0, 80))}`);
  }
  const code = parseInt(raw.slice(1, 3), 16);
  const registers = new Map<number, Uint8Array>();
  const info = new Map<string, string>();
  if (type === 'T') {
    for (const pair of raw.slice(3).split(';')) {
      if (pair === '') continue;
      const colon = pair.indexOf(':');
      const key = colon < 0 ? pair : pair.slice(0, colon);
      const value = colon < 0 ? '' : pair.slice(colon + 1);
      if (/^[0-9a-fA-F]+$/.test(key)) registers.set(parseInt(key, 16), hexToBytes(value));
      else info.set(key, value);
    }
  }
  const kind = type === 'W' ? 'exited' : type === 'X' ? 'terminated' : 'signal';
  return { kind, code, registers, info, raw };
}

export class GdbRemoteClient {
  private readonly pending: Pending[] = [];
  private received = '';
  private lastSent = '';
  private failure: Error | undefined;
  private ackMode = true;
  private features = new Map<string, string>();
  /** `O` packets (hex console output) received so far, decoded. */
  consoleOutput = '';
  /** Packets received and sent, for statistics. */
  readonly stats = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0 };

  private constructor(
    private readonly socket: Socket,
    private readonly requestTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.stats.bytesReceived += chunk.length;
      this.received += chunk;
      this.parseIncoming();
    });
    socket.on('error', (error) => {
      this.fail(new GdbRemoteError(`connection error: ${error.message}`));
    });
    socket.on('close', () => {
      this.fail(new GdbRemoteError('the gdbstub closed the connection'));
    });
  }

  /** Connects (retrying while the port is not yet open) and performs the handshake. */
  static async connect(host: string, port: number, options: ConnectOptions = {}): Promise<GdbRemoteClient> {
    const deadline = Date.now() + (options.connectTimeoutMs ?? 5_000);
    for (;;) {
      try {
        const socket = await openSocket(host, port);
        const client = new GdbRemoteClient(socket, options.requestTimeoutMs ?? 10_000);
        try {
          await client.handshake();
        } catch (error) {
          client.close();
          throw error;
        }
        return client;
      } catch (error) {
        const refused = error instanceof Error && /ECONNREFUSED/.test(error.message);
        if (!refused || Date.now() >= deadline) throw error;
        await sleep(50);
      }
    }
  }

  /** qSupported, then QStartNoAckMode when offered. */
  private async handshake(): Promise<void> {
    this.socket.write('+'); // acknowledge anything the stub sent before we arrived
    const reply = await this.request('qSupported:multiprocess-;swbreak+;hwbreak+;vContSupported+');
    for (const item of reply.split(';')) {
      if (item === '') continue;
      const eq = item.indexOf('=');
      if (eq >= 0) this.features.set(item.slice(0, eq), item.slice(eq + 1));
      else this.features.set(item.replace(/[+\-?]$/, ''), item.endsWith('+') ? '+' : item.slice(-1));
    }
    if (this.supports('QStartNoAckMode')) {
      const ok = await this.request('QStartNoAckMode');
      if (ok !== 'OK') throw new GdbRemoteError(`QStartNoAckMode refused: ${ok}`);
      this.ackMode = false;
    }
  }

  /** Whether qSupported listed `feature+` (or `feature=value`). */
  supports(feature: string): boolean {
    const value = this.features.get(feature);
    return value !== undefined && value !== '-';
  }

  feature(name: string): string | undefined {
    return this.features.get(name);
  }

  get noAckMode(): boolean {
    return !this.ackMode;
  }

  /** The stub's maximum packet size (PacketSize from qSupported), or 4096. */
  get packetSize(): number {
    const size = this.features.get('PacketSize');
    return size === undefined ? 4096 : parseInt(size, 16);
  }

  /** Sends one packet and resolves with the reply payload (run-length decoded, not unescaped). */
  request(payload: string, timeoutMs = this.requestTimeoutMs): Promise<string> {
    return this.enqueue(payload, timeoutMs, false);
  }

  /**
   * Sends several packets in one write and resolves with their replies in order. Only for packets
   * that leave the target halted (QEMU stops a running guest on any byte it receives). Works in ack
   * mode too (the stub acks each packet; a `-` would resend the whole batch, which only a noisy serial
   * line produces).
   */
  async requestPipelined(payloads: readonly string[], timeoutMs = this.requestTimeoutMs): Promise<string[]> {
    const replies = payloads.map((payload) => this.enqueue(payload, timeoutMs, false, false));
    this.write(payloads.map(framePacket).join(''), payloads.length);
    return Promise.all(replies);
  }

  private enqueue(payload: string, timeoutMs: number, collectConsole: boolean, send = true): Promise<string> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const reply = new Promise<string>((resolve, reject) => {
      const entry: Pending = { resolve, reject, collectConsole, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        entry.timer = setTimeout(() => {
          // The reply stream is now out of step with our requests: give up on the connection.
          this.fail(new GdbRemoteError(`no reply to ${describe(payload)} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.push(entry);
    });
    if (send) this.write(framePacket(payload), 1);
    return reply;
  }

  private write(data: string, packets: number): void {
    this.lastSent = data;
    this.stats.packetsSent += packets;
    this.stats.bytesSent += data.length;
    this.socket.write(data, 'latin1');
  }

  private parseIncoming(): void {
    let acks = '';
    for (;;) {
      if (this.received.length === 0) break;
      const first = this.received[0];
      if (first !== '$' && first !== '%') {
        // '+' acks, and stray bytes. '-' asks for the last packet again.
        const next = this.received.search(/[$%]/);
        const skipped = next < 0 ? this.received : this.received.slice(0, next);
        if (skipped.includes('-') && this.ackMode && this.lastSent !== '') {
          this.socket.write(this.lastSent, 'latin1');
        }
        this.received = next < 0 ? '' : this.received.slice(next);
        continue;
      }
      const hash = this.received.indexOf('#');
      if (hash < 0 || hash + 3 > this.received.length) break; // incomplete
      const body = this.received.slice(1, hash);
      const sum = this.received.slice(hash + 1, hash + 3);
      this.received = this.received.slice(hash + 3);
      const valid = sum.toLowerCase() === checksum(body);
      if (this.ackMode) acks += valid ? '+' : '-';
      if (!valid) {
        if (!this.ackMode) this.fail(new GdbRemoteError(`bad checksum on packet ${describe(body)}`));
        continue;
      }
      this.stats.packetsReceived++;
      if (first === '%') continue; // asynchronous notification: not used here
      this.deliver(decodeRunLength(body));
    }
    // One write for all the acks of this chunk: pipelined replies arrive together.
    if (acks !== '' && !this.socket.destroyed) this.socket.write(acks);
  }

  private deliver(payload: string): void {
    const head = this.pending[0];
    if (head === undefined) return; // unsolicited packet
    if (head.collectConsole && payload.startsWith('O') && payload !== 'OK') {
      try {
        this.consoleOutput += new TextDecoder().decode(hexToBytes(payload.slice(1)));
      } catch {
        // not console output after all: ignore
      }
      return;
    }
    this.pending.shift();
    if (head.timer !== undefined) clearTimeout(head.timer);
    head.resolve(payload);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.splice(0)) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.socket.destroy();
  }

  /** Closes the connection; pending requests are rejected. */
  close(): void {
    this.fail(new GdbRemoteError('connection closed by the client'));
  }

  // ---- Commands -------------------------------------------------------------------------------

  /** Throws on an `Exx` error reply (or an empty "unsupported" reply), else returns it. */
  private static expectData(request: string, reply: string): string {
    if (reply === '') throw new GdbRemoteError(`${describe(request)} is not supported by the stub`);
    if (/^E[0-9a-fA-F]{2}$/.test(reply) || reply.startsWith('E.')) {
      throw new GdbRemoteError(`${describe(request)} failed: ${reply}`);
    }
    return reply;
  }

  private static expectOk(request: string, reply: string): void {
    if (GdbRemoteClient.expectData(request, reply) !== 'OK') {
      throw new GdbRemoteError(`${describe(request)} answered ${describe(reply)}, not OK`);
    }
  }

  /** `?`: why the target is halted. */
  async haltReason(): Promise<StopReply> {
    return parseStopReply(await this.request('?'));
  }

  /** `g`: all registers the stub puts in its `g` packet, as raw target-order bytes. */
  async readAllRegisters(): Promise<Uint8Array> {
    return hexToBytes(GdbRemoteClient.expectData('g', await this.request('g')));
  }

  /** `p n`: one register's raw target-order bytes. */
  async readRegister(regnum: number): Promise<Uint8Array> {
    const request = `p${regnum.toString(16)}`;
    return hexToBytes(GdbRemoteClient.expectData(request, await this.request(request)));
  }

  /** Several `p n` requests pipelined into one round trip. */
  async readRegistersPipelined(regnums: readonly number[]): Promise<Uint8Array[]> {
    const requests = regnums.map((n) => `p${n.toString(16)}`);
    const replies = await this.requestPipelined(requests);
    return replies.map((reply, i) => hexToBytes(GdbRemoteClient.expectData(requests[i]!, reply)));
  }

  /** `P n=r`: writes one register (raw target-order bytes). */
  async writeRegister(regnum: number, value: Uint8Array): Promise<void> {
    const request = `P${regnum.toString(16)}=${bytesToHex(value)}`;
    GdbRemoteClient.expectOk(request, await this.request(request));
  }

  /** `m addr,len`, split into packet-sized pieces. */
  async readMemory(address: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    const chunk = Math.max(16, Math.floor((this.packetSize - 8) / 2));
    for (let done = 0; done < length;) {
      const size = Math.min(chunk, length - done);
      const request = `m${((address + done) >>> 0).toString(16)},${size.toString(16)}`;
      const bytes = hexToBytes(GdbRemoteClient.expectData(request, await this.request(request)));
      if (bytes.length === 0) throw new GdbRemoteError(`${request} returned no data`);
      out.set(bytes.subarray(0, size), done);
      done += Math.min(bytes.length, size);
    }
    return out;
  }

  /** A little-endian 32-bit word at `address`. */
  async readU32(address: number): Promise<number> {
    const b = await this.readMemory(address, 4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  /** `M addr,len:data`, split into packet-sized pieces. */
  async writeMemory(address: number, data: Uint8Array): Promise<void> {
    const chunk = Math.max(16, Math.floor((this.packetSize - 32) / 2));
    for (let done = 0; done < data.length; done += chunk) {
      const piece = data.subarray(done, done + chunk);
      const request = `M${((address + done) >>> 0).toString(16)},${piece.length.toString(16)}:${bytesToHex(piece)}`;
      GdbRemoteClient.expectOk(request, await this.request(request));
    }
  }

  /** `Z0,addr,kind`: a software breakpoint (kind 2 = 16-bit Thumb, 4 = 32-bit). */
  async insertBreakpoint(address: number, kind = 2): Promise<void> {
    const request = `Z0,${(address >>> 0).toString(16)},${kind}`;
    GdbRemoteClient.expectOk(request, await this.request(request));
  }

  async removeBreakpoint(address: number, kind = 2): Promise<void> {
    const request = `z0,${(address >>> 0).toString(16)},${kind}`;
    GdbRemoteClient.expectOk(request, await this.request(request));
  }

  /** Actions vCont supports (`vCont?`), e.g. ['c', 'C', 's', 'S']; empty when vCont is unsupported. */
  async vContActions(): Promise<string[]> {
    const reply = await this.request('vCont?');
    return reply.startsWith('vCont') ? reply.slice(5).split(';').filter(Boolean) : [];
  }

  /** Resumes with `packet` (s, c, vCont;…) and waits for the stop reply. */
  async resume(packet: string, timeoutMs = this.requestTimeoutMs): Promise<StopReply> {
    return parseStopReply(await this.enqueue(packet, timeoutMs, true));
  }

  /** `s`: one instruction. */
  step(timeoutMs?: number): Promise<StopReply> {
    return this.resume('s', timeoutMs);
  }

  /** `vCont;s`: one instruction (all threads). */
  vContStep(timeoutMs?: number): Promise<StopReply> {
    return this.resume('vCont;s', timeoutMs);
  }

  /** `c`: runs until a breakpoint, a fault trap or an interrupt. No timeout unless given. */
  continue(timeoutMs = Number.POSITIVE_INFINITY): Promise<StopReply> {
    return this.resume('c', timeoutMs);
  }

  /** `qRcmd`: a stub-specific ("monitor") command; resolves with its console output. */
  async monitor(command: string, timeoutMs = this.requestTimeoutMs): Promise<string> {
    const request = `qRcmd,${bytesToHex(new TextEncoder().encode(command))}`;
    const before = this.consoleOutput.length;
    const reply = await this.enqueue(request, timeoutMs, true);
    const output = this.consoleOutput.slice(before);
    if (reply === 'OK') return output;
    if (/^[0-9a-fA-F]+$/.test(reply)) return output + new TextDecoder().decode(hexToBytes(reply));
    return GdbRemoteClient.expectData(request, reply);
  }

  /** Sends Ctrl-C (0x03); a running target answers its pending resume with a stop reply. */
  interrupt(): void {
    this.socket.write('\x03');
  }

  /** `qXfer:object:read:annex:offset,length` until the stub says it is done; returns the whole object. */
  async readXfer(object: string, annex: string): Promise<string> {
    let data = '';
    const chunk = Math.max(64, this.packetSize - 16);
    for (;;) {
      const request = `qXfer:${object}:read:${annex}:${data.length.toString(16)},${chunk.toString(16)}`;
      const reply = GdbRemoteClient.expectData(request, await this.request(request));
      const kind = reply[0];
      if (kind !== 'm' && kind !== 'l') throw new GdbRemoteError(`${request} answered ${describe(reply)}`);
      data += unescapeBinary(reply.slice(1));
      if (kind === 'l') return data;
    }
  }
}

function describe(packet: string): string {
  return JSON.stringify(packet.length > 60 ? `${packet.slice(0, 60)}…` : packet);
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const onError = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.connect(port, host, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
