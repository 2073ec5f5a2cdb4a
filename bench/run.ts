import { benchBoardPaced, benchBoardUnpaced } from './board.js';
import { benchCpuMips } from './cpu-mips.js';
import { benchDoctor } from './doctor.js';
import { benchFlash } from './flash.js';
import { benchGdb } from './gdb.js';
import { benchOpenOcdProgram } from './openocd.js';
import { formatResult, type BenchResult } from './report.js';
import { benchServer } from './server.js';
import { findProgram } from '../test/support/peers.js';

type Bench = () => BenchResult | BenchResult[] | Promise<BenchResult | BenchResult[]>;

/**
 * `npm run bench`: runs every benchmark and prints its figures (with --json, one JSON line each);
 * `npm run bench -- cpu-mips board-paced` runs only those. The machines are shared and noisy, so
 * each figure is a median with its samples beside it.
 */
const benchmarks: Record<string, Bench> = {
  'cpu-mips': () => benchCpuMips(),
  // The board calls run() in slices between timed events: the per-call cost shows here.
  'cpu-mips-slice-1k': () => benchCpuMips(7, 10_000_000, 1_000),
  'cpu-mips-slice-10k': () => benchCpuMips(7, 10_000_000, 10_000),
  'cpu-mips-slice-100k': () => benchCpuMips(7, 10_000_000, 100_000),
  'board-unpaced': () => benchBoardUnpaced(),
  'board-paced': () => benchBoardPaced(),
  server: () => benchServer(),
  doctor: () => benchDoctor(),
  'openocd-program': () => benchOpenOcdProgram(),
  // swdkit against OpenOCD on a --realtime board; the OpenOCD half is reported as not run without it.
  flash: () => benchFlash(findProgram('openocd')),
  // swdkit gdbserver against OpenOCD's gdb server on the same virtual board.
  gdb: () => benchGdb(),
};

/** Benchmarks that need a peer program, and which. */
const PEERS: Record<string, string> = { 'openocd-program': 'openocd', gdb: 'gdb-multiarch' };

const json = process.argv.includes('--json');
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [id, bench] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(id)) continue;
  const peer = PEERS[id];
  if (peer !== undefined && findProgram(peer) === undefined) {
    process.stdout.write(`${id}: skipped, ${peer} is not installed (sudo apt-get install -y ${peer})\n`);
    continue;
  }
  for (const result of [await bench()].flat()) {
    process.stdout.write(json ? `${JSON.stringify({ id, ...result })}\n` : `${formatResult(result)}\n`);
  }
}
