import { Worker } from 'node:worker_threads';
import { reportGdbFuzz, runGdbFuzz } from './gdb-fuzz.js';
import { hostileWorker, newHostileCounts, type HostileCounts } from './hostile.js';
import { Random } from './random.js';
import { SlowWire } from './slow-wire.js';
import { startTarget, type Target, type TargetName } from './target.js';
import { now, type WellBehavedCounts } from './well-behaved.js';

/**
 * `npm run soak`: hostile stlink-server clients against `swdkit sim` and `swdkit server` (on its
 * test-only virtual USB probe), each a child process on a loopback port, while well-behaved clients
 * do verified RAM round trips and a health check asks GET_SERVER_VERSION every 20 ms. Bounded in
 * requests and in time; prints what the README's "Reliability" section quotes.
 *
 *   npm run soak -- [--target sim|server|both] [--requests N] [--seconds S] [--seed N]
 *                   [--hostile N] [--well-behaved N]
 *
 * `--target gdb` instead fuzzes the gdb server's connection (gdb-fuzz.ts) with --requests packets.
 */
interface Options {
  readonly targets: TargetName[];
  readonly requests: number;
  readonly seconds: number;
  readonly seed: number;
  readonly hostile: number;
  readonly wellBehaved: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const target = value('target', 'both');
  return {
    targets: target === 'both' ? ['sim', 'server'] : [target as TargetName],
    requests: Number(value('requests', '1000000')),
    seconds: Number(value('seconds', '900')),
    seed: Number(value('seed', '11')),
    hostile: Number(value('hostile', '6')),
    wellBehaved: Number(value('well-behaved', '3')),
  };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const max = (values: readonly number[]): number => values.reduce((m, v) => Math.max(m, v), 0);
const ms = (v: number): string => `${v.toFixed(1)} ms`;

interface Result {
  readonly target: Target;
  readonly hostile: HostileCounts;
  readonly well: WellBehavedCounts;
  /** Round-trip waits (ms) while no hostile client had the wire slowed, and while one had. */
  readonly fast: readonly number[];
  readonly slowed: readonly number[];
  readonly seconds: number;
  readonly slowWireSeconds: number;
  readonly peakRssMiB: number;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null; ms: number };
  readonly crashed: boolean;
}

async function soak(name: TargetName, options: Options): Promise<Result> {
  const target = await startTarget(name);
  const hostile = newHostileCounts();
  const slow = new SlowWire();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const done = (): boolean =>
    hostile.random >= options.requests || performance.now() > deadline || target.exitedEarly() !== undefined;
  const seeds = new Random(options.seed);
  const measuring = new Worker(new URL('./measure.js', import.meta.url), {
    workerData: { port: target.port, clients: options.wellBehaved, seed: seeds.u32() },
  });
  const measured = new Promise<WellBehavedCounts>((resolve, reject) => {
    measuring.once('message', resolve);
    measuring.once('error', reject);
  });
  const workers = Array.from({ length: options.hostile }, () =>
    hostileWorker(target.port, new Random(seeds.u32()), hostile, slow, done),
  );
  // With --hostile 0 (a baseline of the machine's own noise) the run lasts its --seconds.
  workers.push(
    (async () => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 100));
    })(),
  );
  const progress = setInterval(() => {
    process.stderr.write(
      `  ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s, ${hostile.random} random requests ` +
        `(${hostile.sent} in all), ` +
        `${hostile.answered} answered, RSS peak ${target.peakRssMiB().toFixed(0)} MiB\n`,
    );
  }, 15_000);
  await Promise.all(workers);
  measuring.postMessage('stop');
  const well = await measured;
  await measuring.terminate();
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  const peakRssMiB = target.peakRssMiB();
  const crashed = target.exitedEarly() !== undefined;
  const exit = await target.stop();
  const fast: number[] = [];
  const slowed: number[] = [];
  for (const [start, end] of well.roundTripTimes)
    (slow.overlaps(start, end) ? slowed : fast).push(end - start);
  return {
    target,
    hostile,
    well,
    fast,
    slowed,
    seconds,
    slowWireSeconds: slow.totalMs(now()) / 1000,
    peakRssMiB,
    exit,
    crashed,
  };
}

function report(result: Result): string {
  const { hostile, well, fast, slowed } = result;
  const sessions = Object.entries(hostile.sessions)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const lines = [
    `swdkit ${result.target.name} (pid ${result.target.pid}), ${result.seconds.toFixed(0)} s`,
    `  hostile requests            ${hostile.random} random and mutated, ${hostile.sent} in all, ${hostile.answered} answered`,
    `  hostile sessions            ${sessions}`,
    `  crashes                     ${result.crashed ? 1 : 0} (exit at SIGINT: ${result.exit.code ?? result.exit.signal} after ${ms(result.exit.ms)})`,
    `  probe errors (TCP_ERROR)    ${hostile.probeErrors}; stalled sessions ${hostile.stalled}; refused connects ${hostile.refused}`,
    `  round trips                 ${well.roundTrips}, mismatches ${well.mismatches}, errors ${well.errors}`,
    `  round-trip wait, wire fast  max ${ms(max(fast))}, p99 ${ms(percentile(fast, 99))}, p50 ${ms(percentile(fast, 50))} (${fast.length})`,
    `  round-trip wait, wire slowed max ${ms(max(slowed))}, p50 ${ms(percentile(slowed, 50))} (${slowed.length}; slowed ${result.slowWireSeconds.toFixed(0)} s of the run)`,
    `  health check (no probe)     max ${ms(max(well.healthChecks))}, p99 ${ms(percentile(well.healthChecks, 99))} (${well.healthChecks.length}, reconnects ${well.healthReconnects})`,
    `  peak RSS of the server      ${result.peakRssMiB.toFixed(0)} MiB (VmHWM)`,
  ];
  if (well.firstErrors.length > 0) lines.push(`  first errors: ${well.firstErrors.join(' | ')}`);
  const stderr = result.target.unexpectedStderr();
  if (stderr.length > 0) lines.push(`  stderr of the server: ${stderr.slice(0, 5).join(' | ')}`);
  return lines.join('\n');
}

const options = parseOptions(process.argv.slice(2));
if (process.argv.includes('gdb')) {
  const fuzz = { packets: options.requests, seed: options.seed, burst: 1000, hangMs: 10_000 };
  process.stdout.write(
    `soak: ${fuzz.packets} gdb remote-protocol packets into one GdbConnection (a second one attached beside it), seed ${fuzz.seed}\n`,
  );
  const result = await runGdbFuzz(fuzz);
  process.stdout.write(`${reportGdbFuzz(fuzz, result)}\n`);
  process.exit(result.crashes + result.hangs + result.unanswered + result.bystanderLost > 0 ? 1 : 0);
}
process.stdout.write(
  `soak: ${options.requests} random hostile requests or ${options.seconds} s per target, ${options.hostile} hostile and ` +
    `${options.wellBehaved} well-behaved clients, seed ${options.seed}\n`,
);
let failed = false;
for (const name of options.targets) {
  const result = await soak(name, options);
  process.stdout.write(`${report(result)}\n`);
  failed ||= result.crashed || result.well.mismatches > 0 || result.exit.code !== 0;
}
process.exitCode = failed ? 1 : 0;
