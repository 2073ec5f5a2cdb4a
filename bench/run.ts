import { benchCpuMips } from './cpu-mips.js';
import { formatResult, type BenchResult } from './report.js';

/**
 * `npm run bench`: runs every benchmark and prints its figures (with --json, one JSON line each).
 * The machines are shared and noisy, so each figure is a median with its samples beside it.
 */
const benchmarks: Record<string, () => BenchResult> = {
  'cpu-mips': () => benchCpuMips(),
  // The board calls run() in slices between timed events: the per-call cost shows here.
  'cpu-mips-slice-1k': () => benchCpuMips(7, 10_000_000, 1_000),
  'cpu-mips-slice-10k': () => benchCpuMips(7, 10_000_000, 10_000),
  'cpu-mips-slice-100k': () => benchCpuMips(7, 10_000_000, 100_000),
};

const json = process.argv.includes('--json');
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [id, bench] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(id)) continue;
  const result = bench();
  process.stdout.write(json ? `${JSON.stringify({ id, ...result })}\n` : `${formatResult(result)}\n`);
}
