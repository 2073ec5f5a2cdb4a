/**
 * The GDB Remote Serial Protocol's framing (GDB manual, "Overview" of the remote protocol), as a pure
 * byte-in, event-out decoder and an encoder: `$payload#cs` with a modulo-256 checksum, `}` escaping
 * (the next byte XOR 0x20) so binary data may hold `$ # } *`, run-length encoding (`X*n`: X repeated
 * n - 29 more times), `+`/`-` acknowledgements and the bare 0x03 byte that interrupts a running target.
 * Nothing here knows a packet's meaning.
 */

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

/** Default cap on one packet's raw payload (escaped bytes), far above the PacketSize we announce. */
export const MAX_RAW_PAYLOAD = 0x10000;

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

/**
 * Undoes `}` escapes and run-length encoding in one pass; a string, the reason, when the
 * payload does not decode (a trailing `}`, a run with nothing before it or a count out of range).
 */
export function decodePayload(raw: Uint8Array): Uint8Array | string {
  if (!raw.includes(ESCAPE) && !raw.includes(STAR)) return raw;
  const out: number[] = [];
  let last = -1;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] ?? 0;
    if (b === ESCAPE) {
      if (i + 1 >= raw.length) return 'a trailing escape character';
      last = (raw[++i] ?? 0) ^ 0x20;
      out.push(last);
    } else if (b === STAR) {
      if (last < 0) return 'a run length with nothing to repeat';
      if (i + 1 >= raw.length) return 'a run length without its count';
      const repeat = (raw[++i] ?? 0) - RLE_BIAS;
      if (repeat < 0 || repeat > 126 - RLE_BIAS) return 'a run length out of range';
      for (let r = 0; r < repeat; r++) out.push(last);
    } else {
      last = b;
      out.push(b);
    }
  }
  return Uint8Array.from(out);
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

/**
 * Bytes in, events out. Outside a packet, `+`, `-` and 0x03 are events and anything else is line
 * noise to skip; a `$` inside a packet starts the packet again (the earlier one was cut short).
 */
export class RspDecoder {
  private state: State = 'idle';
  private raw: number[] = [];
  private sum = 0;
  private check = 0;
  private oversize = false;

  constructor(private readonly maxRawPayload = MAX_RAW_PAYLOAD) {}

  feed(bytes: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case 'idle':
          if (b === DOLLAR) this.begin();
          else if (b === PLUS) events.push({ kind: 'ack' });
          else if (b === MINUS) events.push({ kind: 'nack' });
          else if (b === INTERRUPT) events.push({ kind: 'interrupt' });
          break;
        case 'payload':
          if (b === HASH) this.state = 'check1';
          else if (b === DOLLAR) this.begin();
          else {
            this.sum = (this.sum + b) & 0xff;
            if (this.raw.length < this.maxRawPayload) this.raw.push(b);
            else this.oversize = true;
          }
          break;
        case 'check1': {
          const v = hexValue(b);
          if (v < 0) {
            events.push({ kind: 'corrupt', reason: 'a checksum that is not hex' });
            this.state = b === DOLLAR ? 'payload' : 'idle';
            if (b === DOLLAR) this.begin();
          } else {
            this.check = v << 4;
            this.state = 'check2';
          }
          break;
        }
        case 'check2': {
          const v = hexValue(b);
          this.state = 'idle';
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
    this.raw = [];
    this.sum = 0;
    this.oversize = false;
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
    const decoded = decodePayload(Uint8Array.from(this.raw));
    this.raw = [];
    if (typeof decoded === 'string') return { kind: 'malformed', reason: decoded };
    return { kind: 'packet', payload: decoded };
  }
}
