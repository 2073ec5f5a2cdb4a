import { benchCpuMips } from './cpu-mips.js';
import { formatResult, type BenchResult } from './report.js';

/**
 * `npm run bench`: runs every benchmark and prints its figures (with --json, one JSON line each).
 * The machines are shared and noisy, so each figure is a median with its samples beside it.
 */
const benchmarks: Record<string, () => BenchResult> = {
  'cpu-mips': () => benchCpuMips(),
};

const json = process.argv.includes('--json');
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [id, bench] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(id)) continue;
  const result = bench();
  process.stdout.write(json ? `${JSON.stringify({ id, ...result })}\n` : `${formatResult(result)}\n`);
}
