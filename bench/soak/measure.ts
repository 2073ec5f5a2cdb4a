import { parentPort, workerData } from 'node:worker_threads';
import { Random } from './random.js';
import { healthWorker, newWellBehavedCounts, roundTripWorker } from './well-behaved.js';

/**
 * The well-behaved clients and the health check, in a worker thread of their own: the hostile
 * clients' work (building floods of thousands of requests) then never delays their timers, so the
 * waits they measure are the server's.
 */
interface MeasureData {
  readonly port: number;
  readonly clients: number;
  readonly seed: number;
}

const { port, clients, seed } = workerData as MeasureData;
const counts = newWellBehavedCounts();
let stopping = false;
parentPort?.on('message', () => {
  stopping = true;
});
const done = (): boolean => stopping;
const seeds = new Random(seed);
await Promise.all([
  ...Array.from({ length: clients }, (_, i) =>
    roundTripWorker(port, i, new Random(seeds.u32()), counts, done),
  ),
  healthWorker(port, counts, done).catch(() => {
    counts.healthReconnects++;
  }),
]);
parentPort?.postMessage(counts);
