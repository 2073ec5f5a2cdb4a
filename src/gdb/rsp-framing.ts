/**
 * The GDB Remote Serial Protocol's framing (GDB manual, "Overview" of the remote protocol), as a pure
 * byte-in, event-out decoder and an encoder: `$payload#cs` with a modulo-256 checksum, `}` escaping
 * (the next byte XOR 0x20) so binary data may hold `$ # } *`, run-length encoding (`X*n`: X repeated
 * n - 29 more times), `+`/`-` acknowledgements and the bare 0x03 byte that interrupts a running target.
 * Nothing here knows a packet's meaning.
 */
import { HEX_PAIRS } from './packet-text.js';

export type RspEvent =
  /** A packet whose checksum matched, escapes and run lengths decoded. */
  | { readonly kind: 'packet'; readonly payload: Uint8Array }
  /** A packet that arrived damaged (checksum, or a payload past the size limit): to be NAKed. */
  | { readonly kind: 'corrupt'; readonly reason: string }
  /** A checksum-correct packet whose escapes or run lengths do not decode. */
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nack' }
  | { readonly kind: 'interrupt' };

const DOLLAR = 0x24;
const HASH = 0x23;
const ESCAPE = 0x7d;
const STAR = 0x2a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const INTERRUPT = 0x03;
/** A run's count character is the number of extra repeats plus 29, which keeps it printable. */
const RLE_BIAS = 29;

/**
 * Default cap on one packet's raw payload (escaped bytes): twice the 64 KiB PacketSize the
 * connection announces, so no packet gdb may send is refused and a runaway one is.
 */
export const MAX_RAW_PAYLOAD = 0x20000;

type State = 'idle' | 'payload' | 'check1' | 'check2';

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** Sum of the bytes modulo 256. */
export function checksumOf(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

/** The first of two `indexOf` results (-1: not found) that was found, else `none`. */
function firstFound(a: number, b: number, none: number): number {
  if (a < 0) return b < 0 ? none : b;
  return b < 0 ? a : Math.min(a, b);
}

/**
 * Undoes `}` escapes and run-length encoding; a string, the reason, when the payload does not
 * decode (a trailing `}`, a run with nothing before it or a count out of range). The plain bytes
 * between the special ones are copied as whole runs, found by the engine's own search: binary data
 * from gdb (vFlashWrite, X) has an escape every ~60 bytes and never a run length. Two passes, the
 * decoded length and then the bytes, so the result is one allocation.
 */
export function decodePayload(raw: Uint8Array): Uint8Array | string {
  if (raw.indexOf(ESCAPE) < 0 && raw.indexOf(STAR) < 0) return raw;
  let out: Uint8Array | undefined;
  for (let pass = 0; pass < 2; pass++) {
    let o = 0;
    let last = -1;
    let at = 0;
    // Each search starts again only once passed: a payload without runs is searched for `*` once.
    let escape = raw.indexOf(ESCAPE);
    let star = raw.indexOf(STAR);
    while (at < raw.length) {
      if (escape >= 0 && escape < at) escape = raw.indexOf(ESCAPE, at);
      if (star >= 0 && star < at) star = raw.indexOf(STAR, at);
      const stop = firstFound(escape, star, raw.length);
      if (stop > at) {
        out?.set(raw.subarray(at, stop), o);
        o += stop - at;
        last = raw[stop - 1] ?? 0;
      }
      if (stop >= raw.length) break;
      if (stop + 1 >= raw.length) {
        return raw[stop] === ESCAPE ? 'a trailing escape character' : 'a run length without its count';
      }
      if (raw[stop] === ESCAPE) {
        last = (raw[stop + 1] ?? 0) ^ 0x20;
        if (out !== undefined) out[o] = last;
        o++;
      } else {
        if (last < 0) return 'a run length with nothing to repeat';
        const repeat = (raw[stop + 1] ?? 0) - RLE_BIAS;
        if (repeat < 0 || repeat > 126 - RLE_BIAS) return 'a run length out of range';
        out?.fill(last, o, o + repeat);
        o += repeat;
      }
      at = stop + 2;
    }
    if (out !== undefined) return out;
    out = new Uint8Array(o);
  }
  return out ?? raw;
}

/** Escapes `$ # } *` so that any bytes can travel in a packet (binary replies: qXfer). */
export function escapeBinary(data: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of data) if (b === DOLLAR || b === HASH || b === ESCAPE || b === STAR) extra++;
  if (extra === 0) return data;
  const out = new Uint8Array(data.length + extra);
  let o = 0;
  for (const b of data) {
    if (b === DOLLAR || b === HASH || b === ESCAPE || b === STAR) {
      out[o++] = ESCAPE;
      out[o++] = b ^ 0x20;
    } else {
      out[o++] = b;
    }
  }
  return out;
}

/** `$payload#cs`, the payload escaped (harmless for text, which never holds those four bytes). */
export function framePacket(payload: Uint8Array): Uint8Array {
  const body = escapeBinary(payload);
  const out = new Uint8Array(body.length + 4);
  out[0] = DOLLAR;
  out.set(body, 1);
  out[body.length + 1] = HASH;
  const sum = checksumOf(body).toString(16).padStart(2, '0');
  out[body.length + 2] = sum.charCodeAt(0);
  out[body.length + 3] = sum.charCodeAt(1);
  return out;
}

/** Where the payload that continues at `from` ends in `bytes`: its `#`, a `$`, or the end. */
function payloadEnd(bytes: Uint8Array, from: number): number {
  return firstFound(bytes.indexOf(HASH, from), bytes.indexOf(DOLLAR, from), bytes.length);
}

/** Lower-case hex of each byte value, two ASCII digits, and the sum of those two digits. */
const HEX_HIGH = Uint8Array.from(HEX_PAIRS, (pair) => pair.charCodeAt(0));
const HEX_LOW = Uint8Array.from(HEX_PAIRS, (pair) => pair.charCodeAt(1));
const HEX_SUM = Uint16Array.from(HEX_PAIRS, (pair) => pair.charCodeAt(0) + pair.charCodeAt(1));

/**
 * `$hex#cs` for `data` as two hex digits per byte (an `m` reply), in one pass: hex digits never
 * need escaping, and the checksum is summed per byte from a table rather than over twice as many
 * digits afterwards. The same bytes as framePacket(hex digits of data).
 */
export function frameHexPacket(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 * data.length + 4);
  out[0] = DOLLAR;
  let sum = 0;
  let o = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    out[o++] = HEX_HIGH[b] ?? 0;
    out[o++] = HEX_LOW[b] ?? 0;
    sum += HEX_SUM[b] ?? 0;
  }
  const check = HEX_PAIRS[sum & 0xff] ?? '00';
  out[o++] = HASH;
  out[o++] = check.charCodeAt(0);
  out[o] = check.charCodeAt(1);
  return out;
}

/**
 * Bytes in, events out. Outside a packet, `+`, `-` and 0x03 are events and anything else is line
 * noise to skip; a `$` inside a packet starts the packet again (the earlier one was cut short).
 */
export class RspDecoder {
  private state: State = 'idle';
  /** The payload so far (escaped, as it came), grown as needed up to the limit. */
  private raw = new Uint8Array(256);
  private rawLength = 0;
  private sum = 0;
  private check = 0;
  private oversize = false;

  constructor(private readonly maxRawPayload = MAX_RAW_PAYLOAD) {}

  feed(bytes: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] ?? 0;
      switch (this.state) {
        case 'idle':
          if (b === DOLLAR) this.begin();
          else if (b === PLUS) events.push({ kind: 'ack' });
          else if (b === MINUS) events.push({ kind: 'nack' });
          else if (b === INTERRUPT) events.push({ kind: 'interrupt' });
          i++;
          break;
        case 'payload': {
          // The payload up to its `#` (or a `$` that starts the packet again) in one piece, found
          // by the engine's own search: a 64 KiB write is then a few native scans and one copy.
          const end = payloadEnd(bytes, i);
          const part = bytes.subarray(i, end);
          this.sum = (this.sum + checksumOf(part)) & 0xff;
          this.append(part);
          i = end;
          if (end < bytes.length) {
            if (bytes[end] === HASH) this.state = 'check1';
            else this.begin();
            i++;
          }
          break;
        }
        case 'check1': {
          const v = hexValue(b);
          if (v < 0) {
            events.push({ kind: 'corrupt', reason: 'a checksum that is not hex' });
            this.state = 'idle';
            if (b === DOLLAR) this.begin();
          } else {
            this.check = v << 4;
            this.state = 'check2';
          }
          i++;
          break;
        }
        case 'check2': {
          const v = hexValue(b);
          this.state = 'idle';
          i++;
          if (v < 0) {
            events.push({ kind: 'corrupt', reason: 'a checksum that is not hex' });
            if (b === DOLLAR) this.begin();
            break;
          }
          events.push(this.finish(this.check | v));
          break;
        }
      }
    }
    return events;
  }

  private begin(): void {
    this.state = 'payload';
    this.rawLength = 0;
    this.sum = 0;
    this.oversize = false;
  }

  /** Keeps `part` of the payload; past the limit the packet is only counted, to be refused. */
  private append(part: Uint8Array): void {
    const room = this.maxRawPayload - this.rawLength;
    if (part.length > room) this.oversize = true;
    const kept = part.subarray(0, Math.max(0, room));
    if (this.rawLength + kept.length > this.raw.length) {
      const grown = new Uint8Array(Math.min(this.maxRawPayload, 2 * (this.rawLength + kept.length)));
      grown.set(this.raw.subarray(0, this.rawLength));
      this.raw = grown;
    }
    this.raw.set(kept, this.rawLength);
    this.rawLength += kept.length;
  }

  private finish(check: number): RspEvent {
    if (this.oversize) {
      return { kind: 'corrupt', reason: `a packet longer than ${this.maxRawPayload} bytes` };
    }
    if (check !== this.sum) {
      return {
        kind: 'corrupt',
        reason: `checksum ${check.toString(16).padStart(2, '0')} where the bytes sum to ${this.sum.toString(16).padStart(2, '0')}`,
      };
    }
    // A copy: the buffer is reused for the next packet, the payload goes on to the handler.
    const decoded = decodePayload(this.raw.slice(0, this.rawLength));
    if (typeof decoded === 'string') return { kind: 'malformed', reason: decoded };
    return { kind: 'packet', payload: decoded };
  }
}
