import { StLink } from '../../src/probe/stlink.js';
import { connectStLinkServer } from '../../src/transport/stlink-server/client.node.js';
import type { Random } from './random.js';
import { WireClient } from './wire-client.js';

/** Wall-clock ms that mean the same in every thread of the process. */
export const now = (): number => performance.timeOrigin + performance.now();

/** Where well-behaved client i does its round trips: 4 KiB each from 0x20010000, no one else writes there. */
export const WELL_BEHAVED_BASE = 0x2001_0000;

export interface WellBehavedCounts {
  roundTrips: number;
  /** Read back differs from what was written. */
  mismatches: number;
  /** Commands that failed (and the client reconnected). */
  errors: number;
  firstErrors: string[];
  /** Each round trip's start and end (performance.timeOrigin-based ms, comparable across threads). */
  roundTripTimes: [number, number][];
  /** GET_SERVER_VERSION (needs no probe) on its own connection, ms. */
  healthChecks: number[];
  healthReconnects: number;
}

export function newWellBehavedCounts(): WellBehavedCounts {
  return {
    roundTrips: 0,
    mismatches: 0,
    errors: 0,
    firstErrors: [],
    roundTripTimes: [],
    healthChecks: [],
    healthReconnects: 0,
  };
}

/** What OpenOCD-like clients do all day: write a block of RAM, read it back, compare. */
export async function roundTripWorker(
  port: number,
  index: number,
  r: Random,
  counts: WellBehavedCounts,
  done: () => boolean,
): Promise<void> {
  const base = WELL_BEHAVED_BASE + index * 0x1000;
  while (!done()) {
    let stlink: StLink | undefined;
    try {
      stlink = await StLink.open(await connectStLinkServer({ port, timeoutMs: 120_000 }));
      await stlink.enterSwd();
      while (!done()) {
        const length = r.pick([4, 64, 256, 1024, 4096]);
        const offset = 4 * r.int((0x1000 - length) / 4 + 1);
        const data = r.bytes(length);
        const started = now();
        await stlink.writeMemory(base + offset, data);
        const back = await stlink.readMemory(base + offset, length);
        counts.roundTripTimes.push([started, now()]);
        counts.roundTrips++;
        if (back.length !== length || back.some((b, i) => b !== data[i])) counts.mismatches++;
      }
    } catch (error) {
      counts.errors++;
      if (counts.firstErrors.length < 5)
        counts.firstErrors.push(error instanceof Error ? error.message : String(error));
    } finally {
      await stlink?.close().catch(() => undefined);
    }
  }
}

/** A health check every 20 ms: GET_SERVER_VERSION, which needs no probe. */
export async function healthWorker(
  port: number,
  counts: WellBehavedCounts,
  done: () => boolean,
): Promise<void> {
  let client = await WireClient.open(port);
  while (!done()) {
    const started = performance.now();
    const reply = await client.request({ command: 'GET_SERVER_VERSION', clientApi: 3 });
    if (reply === undefined) {
      counts.healthReconnects++;
      client = await WireClient.open(port);
      continue;
    }
    counts.healthChecks.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  client.destroy();
}
