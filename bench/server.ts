import { performance } from 'node:perf_hooks';
import { startServer } from '../src/server/server.node.js';
import { InProcessTransport } from '../src/transport/in-process.js';
import { connectStLinkServer } from '../src/transport/stlink-server/client.node.js';
import { ScriptedDevice } from '../test/support/scripted-device.js';
import type { StLinkTransport } from '../src/protocol/link.js';
import type { BenchResult } from './report.js';
import { median } from './report.js';

/**
 * What `swdkit server` adds on top of the probe: commands per second through the server over local
 * TCP, and the added latency per command (p50/p99 of the round trip through server and client
 * transport, minus the median of the same command straight to the device in-process), with one
 * client and with four at once on one probe. The device is the scripted stand-in, which answers
 * at once, so the figures are the server's and the TCP stack's, not a probe's. The mix is OpenOCD's
 * steady state: DHCSR polls (READDEBUGREG) and 64-byte memory reads with their GETLASTRWSTATUS2.
 */
const DHCSR_READ = Uint8Array.from([0xf2, 0x36, 0xf0, 0xed, 0x00, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const MEM_READ = Uint8Array.from([0xf2, 0x07, 0x00, 0x00, 0x00, 0x20, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const RW_STATUS2 = Uint8Array.from([0xf2, 0x3e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

async function mix(t: StLinkTransport, rounds: number, latencies: number[]): Promise<number> {
  let commands = 0;
  const timed = async (command: Uint8Array, length: number): Promise<void> => {
    const start = performance.now();
    await t.exchange(command, { kind: 'read', length });
    latencies.push(performance.now() - start);
    commands++;
  };
  for (let i = 0; i < rounds; i++) {
    await timed(DHCSR_READ, 8);
    await timed(MEM_READ, 64);
    await timed(RW_STATUS2, 12);
  }
  return commands;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchServer(rounds = 3000): Promise<BenchResult[]> {
  const device = new ScriptedDevice();
  const direct = new InProcessTransport(device);
  const directLatencies: number[] = [];
  await mix(direct, 200, []); // warm-up
  await mix(direct, rounds, directLatencies);
  const base = median(directLatencies);

  const server = await startServer({ devices: [new InProcessTransport(device)], port: 0 });
  const results: BenchResult[] = [];
  try {
    for (const clients of [1, 4]) {
      const transports = await Promise.all(
        Array.from({ length: clients }, () => connectStLinkServer({ port: server.port })),
      );
      await Promise.all(transports.map((t) => mix(t, 100, []))); // warm-up
      const latencies: number[] = [];
      const start = performance.now();
      const counts = await Promise.all(transports.map((t) => mix(t, Math.ceil(rounds / clients), latencies)));
      const seconds = (performance.now() - start) / 1000;
      await Promise.all(transports.map((t) => t.close()));
      const total = counts.reduce((a, b) => a + b, 0);
      const p50 = (percentile(latencies, 50) - base) * 1000;
      const p99 = (percentile(latencies, 99) - base) * 1000;
      results.push({
        name: `server: commands per second, ${clients} client${clients > 1 ? 's' : ''} on one probe`,
        value: total / seconds,
        unit: 'commands/s',
        detail: `${total} commands (DHCSR read, 64-byte read, GETLASTRWSTATUS2) over local TCP in ${seconds.toFixed(2)} s; added latency p50 ${p50.toFixed(0)} µs, p99 ${p99.toFixed(0)} µs (direct in-process median ${(base * 1000).toFixed(1)} µs)`,
      });
      results.push({
        name: `server: added latency p50, ${clients} client${clients > 1 ? 's' : ''}`,
        value: p50,
        unit: 'µs',
        detail: `p99 ${p99.toFixed(0)} µs over ${latencies.length} commands`,
      });
    }
  } finally {
    await server.close();
  }
  return results;
}
