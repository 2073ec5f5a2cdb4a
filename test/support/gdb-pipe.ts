/**
 * A gdb stand-in for unit specs of GdbConnection: frames packets as gdb does (test/support's own
 * framing, not the server's), feeds them to the connection in memory and parses what comes back —
 * acknowledgements, console output (`O` packets) and replies in order.
 */
import { GdbConnection, type GdbConnectionOptions } from '../../src/gdb/connection.js';
import type { GdbTarget } from '../../src/gdb/target.js';
import { checksum, decodeRunLength, framePacket, unescapeBinary } from './gdb-remote-client.js';

const toBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const toText = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

export class GdbPipe {
  readonly connection: GdbConnection;
  /** Everything the connection wrote, not yet parsed. */
  private pending = '';
  /** Acknowledgement characters seen, in order. */
  acks = '';
  /** Decoded console output of `O` packets. */
  console = '';
  /** Replies not yet taken. */
  readonly replies: string[] = [];
  closedByServer = false;
  badChecksums = 0;

  constructor(target: GdbTarget, options: Partial<GdbConnectionOptions> = {}) {
    this.connection = new GdbConnection(target, {
      pollIntervalMs: 5,
      ...options,
      write: (bytes) => {
        this.pending += toText(bytes);
        this.parse();
      },
      close: () => {
        this.closedByServer = true;
      },
    });
  }

  /** Raw bytes to the connection, as gdb's socket would deliver them. */
  raw(text: string | Uint8Array): void {
    this.connection.receive(typeof text === 'string' ? toBytes(text) : text);
  }

  send(payload: string): void {
    this.raw(framePacket(payload));
  }

  /** Sends and waits for the next reply (console output collected on the way). */
  async request(payload: string, timeoutTurns = 20_000): Promise<string> {
    this.send(payload);
    return this.reply(timeoutTurns);
  }

  async reply(timeoutTurns = 20_000): Promise<string> {
    for (let turn = 0; turn < timeoutTurns; turn++) {
      const next = this.replies.shift();
      if (next !== undefined) return next;
      await this.connection.idle();
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no reply from the gdb connection (console: ${JSON.stringify(this.console)})`);
  }

  /** Lets the connection work without expecting a reply, then says whether one came. */
  async settle(turns = 50): Promise<void> {
    for (let i = 0; i < turns; i++) {
      await this.connection.idle();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private parse(): void {
    for (;;) {
      while (this.pending.length > 0 && this.pending[0] !== '$') {
        this.acks += this.pending.slice(0, 1);
        this.pending = this.pending.slice(1);
      }
      const hash = this.pending.indexOf('#');
      if (hash < 0 || this.pending.length < hash + 3) return;
      const body = this.pending.slice(1, hash);
      const sum = this.pending.slice(hash + 1, hash + 3);
      this.pending = this.pending.slice(hash + 3);
      if (checksum(body) !== sum) {
        this.badChecksums++;
        continue;
      }
      const payload = unescapeBinary(decodeRunLength(body));
      if (payload.startsWith('O') && payload.length > 1 && /^[0-9a-f]+$/.test(payload.slice(1))) {
        this.console += Buffer.from(payload.slice(1), 'hex').toString('utf8');
      } else {
        this.replies.push(payload);
      }
    }
  }
}

export const hexOf = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

/** Little-endian hex of a 32-bit word, as gdb writes registers. */
export function wordLe(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b.toString('hex');
}

export function parseWordLe(hex: string): number {
  return Buffer.from(hex, 'hex').readUInt32LE(0);
}
