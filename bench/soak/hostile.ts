import { encodeRequest, TCP_STATUS, type ServerRequest } from '../../src/transport/stlink-server/wire.js';
import { u32le } from '../../src/util/bytes.js';
import type { Random } from './random.js';
import { hostileRequest } from './requests.js';
import type { SlowWire } from './slow-wire.js';
import { WireClient } from './wire-client.js';

/** What the hostile clients did and saw. */
export interface HostileCounts {
  /** Requests written to a socket (a chunk of garbage bytes counts as one). */
  sent: number;
  /** Of those, the random and mutated ones (not the handshakes and the fixed floods). */
  random: number;
  /** Replies received for them. */
  answered: number;
  sessions: Record<SessionKind, number>;
  /** SEND_USB_CMD replies with TCP_ERROR or TIMEOUT: the probe path threw or gave up. */
  probeErrors: number;
  /** Sessions the server did not answer within the session timeout. */
  stalled: number;
  /** Connections that could not be opened at all. */
  refused: number;
}

export type SessionKind = 'fuzz' | 'flood-unread' | 'flood-read' | 'garbage' | 'vanish' | 'slow-clock';

const KINDS: readonly [SessionKind, number][] = [
  ['fuzz', 48],
  ['flood-read', 20],
  ['flood-unread', 10],
  ['garbage', 10],
  ['vanish', 10],
  ['slow-clock', 2],
];

export function newHostileCounts(): HostileCounts {
  return {
    sent: 0,
    random: 0,
    answered: 0,
    sessions: { fuzz: 0, 'flood-unread': 0, 'flood-read': 0, garbage: 0, vanish: 0, 'slow-clock': 0 },
    probeErrors: 0,
    stalled: 0,
    refused: 0,
  };
}

/** A session waits at most this long for a reply before it counts as stalled. */
const SESSION_TIMEOUT_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<'timeout'>(
      (resolve) =>
        (timer = setTimeout(() => {
          resolve('timeout');
        }, ms)),
    ),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

/** One hostile client: sessions of a random kind, one after another, until `done()`. */
export async function hostileWorker(
  port: number,
  r: Random,
  counts: HostileCounts,
  slow: SlowWire,
  done: () => boolean,
): Promise<void> {
  const total = KINDS.reduce((sum, [, weight]) => sum + weight, 0);
  while (!done()) {
    let roll = r.int(total);
    let kind: SessionKind = 'fuzz';
    for (const [k, weight] of KINDS) {
      if (roll < weight) {
        kind = k;
        break;
      }
      roll -= weight;
    }
    counts.sessions[kind]++;
    let client: WireClient;
    try {
      client = await WireClient.open(port);
    } catch {
      counts.refused++;
      await sleep(10);
      continue;
    }
    try {
      await SESSIONS[kind](client, r, counts, slow);
    } finally {
      client.destroy();
    }
  }
}

type Session = (c: WireClient, r: Random, counts: HostileCounts, slow: SlowWire) => Promise<void>;

/** GET_SERVER_VERSION + OPEN_DEV: the connect_id, or undefined if the server did not answer. */
async function handshake(c: WireClient, counts: HostileCounts): Promise<number | undefined> {
  counts.sent += 2;
  const version = c.request({ command: 'GET_SERVER_VERSION', clientApi: 3 });
  const open = c.request({ command: 'OPEN_DEV', deviceId: 1 });
  const reply = await within(Promise.all([version, open]), SESSION_TIMEOUT_MS);
  if (reply === 'timeout') {
    counts.stalled++;
    return undefined;
  }
  const [v, o] = reply;
  if (v === undefined || o === undefined) return undefined;
  counts.answered += 2;
  return u32le(o, 4);
}

function countReply(request: ServerRequest, reply: Uint8Array | undefined, counts: HostileCounts): void {
  if (reply === undefined) return;
  counts.answered++;
  if (request.command === 'SEND_USB_CMD') {
    const status = u32le(reply, 0);
    if (status === TCP_STATUS.TCP_ERROR || status === TCP_STATUS.TIMEOUT) counts.probeErrors++;
  }
}

const SESSIONS: Record<SessionKind, Session> = {
  /** Random and mutated requests in pipelined batches, replies checked; leaves soon after slowing the wire. */
  async fuzz(c, r, counts, slow) {
    const connectId = await handshake(c, counts);
    if (connectId === undefined) return;
    let slowing = false;
    let left = 50 + r.int(350);
    try {
      while (left > 0 && !c.closed) {
        const batch = Math.min(left, 1 + r.int(16));
        left -= batch;
        const replies: Promise<void>[] = [];
        for (let i = 0; i < batch; i++) {
          const { request, slowsWire } = hostileRequest(r, connectId);
          if (slowsWire && !slowing) {
            slowing = true;
            slow.begin();
            left = Math.min(left, 5); // extreme clocks: a few commands at that speed, then leave
          }
          counts.sent++;
          counts.random++;
          replies.push(
            c.request(request).then((reply) => {
              countReply(request, reply, counts);
            }),
          );
        }
        if ((await within(Promise.all(replies), SESSION_TIMEOUT_MS)) === 'timeout') {
          counts.stalled++;
          return;
        }
      }
      // Leave politely or vanish.
      if (r.chance(0.5) && !c.closed) {
        counts.sent++;
        const request: ServerRequest = { command: 'CLOSE_DEV', connectId };
        countReply(request, (await within(c.request(request), SESSION_TIMEOUT_MS)) as Uint8Array, counts);
      }
    } finally {
      c.destroy();
      if (slowing) slow.end();
    }
  },

  /** Thousands of requests pipelined, replies never read, then gone. */
  async ['flood-unread'](c, r, counts) {
    const connectId = await handshake(c, counts);
    if (connectId === undefined) return;
    c.socket.pause();
    const n = 500 + r.int(5000);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      // Half random, half reads whose 8 KiB replies would pile up in the server if it kept reading.
      const random = r.chance(0.5) ? hostileRequest(r, connectId) : undefined;
      if (random?.slowsWire === true) continue;
      const request: ServerRequest = random?.request ?? {
        command: 'SEND_USB_CMD',
        connectId,
        usbCommand: Uint8Array.of(0xf1, ...new Uint8Array(15)),
        direction: 1,
        length: 8192,
        data: new Uint8Array(0),
      };
      parts.push(encodeRequest(request));
      counts.sent++;
      if (random !== undefined) counts.random++;
    }
    c.raw(concat(parts));
    await sleep(50 + r.int(200));
  },

  /** Hundreds to thousands of requests pipelined, every reply read. */
  async ['flood-read'](c, r, counts) {
    const connectId = await handshake(c, counts);
    if (connectId === undefined) return;
    const n = 500 + r.int(5000);
    const replies: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const random = hostileRequest(r, connectId);
      if (random.slowsWire) continue; // extreme clocks are the fuzz and slow-clock sessions' part
      const request = random.request;
      counts.sent++;
      counts.random++;
      replies.push(
        c.request(request).then((reply) => {
          countReply(request, reply, counts);
        }),
      );
    }
    if ((await within(Promise.all(replies), SESSION_TIMEOUT_MS)) === 'timeout') counts.stalled++;
  },

  /** Bytes that frame nothing the server knows (or frame something by luck). */
  async garbage(c, r, counts) {
    const chunks = 1 + r.int(8);
    for (let i = 0; i < chunks && !c.closed; i++) {
      c.raw(r.bytes(1 + r.int(300)));
      counts.sent++;
      counts.random++;
      await sleep(r.int(3));
    }
    await sleep(r.int(20));
  },

  /** A request cut off mid-frame, then the client is gone (at once or a little later). */
  async vanish(c, r, counts) {
    const connectId = await handshake(c, counts);
    if (connectId === undefined) return;
    const { request } = hostileRequest(r, connectId);
    const bytes = encodeRequest(request);
    c.raw(bytes.subarray(0, Math.max(1, r.int(bytes.length))));
    counts.sent++;
    counts.random++;
    await sleep(r.int(50));
  },

  /** The slowest clock, a few big reads at it, and gone: the wire must come back to its speed. */
  async ['slow-clock'](c, r, counts, slow) {
    const connectId = await handshake(c, counts);
    if (connectId === undefined) return;
    // Divisor 798 (5 kHz) slows the wire for everyone while this client stays; 0xFFFF is refused.
    const slowing = r.chance(0.5);
    if (slowing) slow.begin();
    try {
      const usb = (block: number[], length: number): ServerRequest => {
        const usbCommand = new Uint8Array(16);
        usbCommand.set(block);
        return {
          command: 'SEND_USB_CMD',
          connectId,
          usbCommand,
          direction: 1,
          length,
          data: new Uint8Array(0),
        };
      };
      const requests = [
        usb([0xf2, 0x30, 0xa3], 2),
        usb(slowing ? [0xf2, 0x43, 0x1e, 0x03] : [0xf2, 0x43, 0xff, 0xff], 2),
        ...Array.from({ length: 1 + r.int(2) }, () =>
          usb([0xf2, 0x07, 0x00, 0x80, 0x01, 0x20, r.int(256), r.int(0x19)], 6144),
        ),
      ];
      const replies = requests.map((request) => {
        counts.sent++;
        return c.request(request).then((reply) => {
          countReply(request, reply, counts);
        });
      });
      if ((await within(Promise.all(replies), SESSION_TIMEOUT_MS)) === 'timeout') counts.stalled++;
    } finally {
      c.destroy();
      if (slowing) slow.end();
    }
  },
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
