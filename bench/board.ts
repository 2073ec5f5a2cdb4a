import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { elfImage } from '../src/flash/image/elf.js';
import { DiscoveryBoard } from '../src/sim/board/discovery.js';
import { BoardRunner } from '../src/sim/board/runner.js';
import { firmwareElf } from '../test/support/paths.js';
import { formatResult, median, type BenchResult } from './report.js';

/**
 * The virtual Discovery running blinky (SysTick at 1 kHz from the 16 MHz HSI, a busy main loop):
 *
 * - unpaced: how many virtual seconds pass per wall-clock second when the board runs as fast as
 *   the core allows (`DiscoveryBoard.runFor` in the runner's 1 ms slices), and the MIPS that is;
 * - paced (`--realtime`): the share of one CPU core (process.cpuUsage, user + system) the process
 *   uses while a BoardRunner keeps virtual time on the wall clock for a few seconds.
 */
function blinkyBoard(): DiscoveryBoard {
  const path = firmwareElf('blinky');
  const board = new DiscoveryBoard({ powered: false });
  board.preload(elfImage(readFileSync(path), path).segments);
  board.power(true);
  return board;
}

const NS_PER_S = 1e9;
const SLICE_NS = 1e6;

export function benchBoardUnpaced(samples = 5, virtualSecondsPerSample = 1): BenchResult[] {
  const board = blinkyBoard();
  const cpu = board.soc.cpu;
  const runVirtual = (seconds: number): void => {
    const end = board.now + seconds * NS_PER_S;
    while (board.now < end) board.runFor(SLICE_NS);
  };
  runVirtual(1); // warm-up: lets V8 optimise
  const speed: number[] = [];
  const mips: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < samples; i++) {
    const instructions = cpu.instructionsRetired;
    const usage = process.cpuUsage();
    const start = process.hrtime.bigint();
    runVirtual(virtualSecondsPerSample);
    const wall = Number(process.hrtime.bigint() - start) / NS_PER_S;
    const used = process.cpuUsage(usage);
    cpuSeconds.push((used.user + used.system) / 1e6);
    speed.push(virtualSecondsPerSample / wall);
    mips.push((cpu.instructionsRetired - instructions) / wall / 1e6);
  }
  // On a shared machine wall time includes time the process was not scheduled; CPU time does not.
  const perCpuSecond = median(cpuSeconds.map((c) => virtualSecondsPerSample / c));
  return [
    {
      name: 'board: blinky unpaced, virtual seconds per wall second',
      value: median(speed),
      unit: 'virtual s / s',
      detail: `median of ${samples} × ${virtualSecondsPerSample} virtual s at 16 MHz HSI; samples ${speed.map((v) => v.toFixed(2)).join(', ')}; per CPU second (process.cpuUsage): ${perCpuSecond.toFixed(2)}`,
    },
    {
      name: 'board: blinky unpaced, core speed on the board',
      value: median(mips),
      unit: 'MIPS',
      detail: `same runs; samples ${mips.map((m) => m.toFixed(1)).join(', ')} (instructions retired per wall second, incl. SoC/event overhead)`,
    },
  ];
}

export async function benchBoardPaced(wallSeconds = 5): Promise<BenchResult> {
  const board = blinkyBoard();
  // Warm-up: V8 takes a few virtual seconds of blinky to optimise the compiled blocks fully, which
  // paced would spend in wall time; measured without it, the figure is the warm-up's, not the
  // board's (17–18 % against 12–14 % in steady state here).
  board.runFor(8 * NS_PER_S);
  const runner = new BoardRunner(board, { paced: true });
  runner.start();
  await sleep(300);
  const usage = process.cpuUsage();
  const startWall = process.hrtime.bigint();
  const startVirtual = board.now;
  await sleep(wallSeconds * 1000);
  const used = process.cpuUsage(usage);
  const wall = Number(process.hrtime.bigint() - startWall) / NS_PER_S;
  const virtual = (board.now - startVirtual) / NS_PER_S;
  runner.stop();
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    name: 'board: blinky paced (--realtime), CPU use of one core',
    value: (100 * cpuSeconds) / wall,
    unit: '%',
    detail: `${cpuSeconds.toFixed(2)} CPU s over ${wall.toFixed(2)} wall s; virtual time advanced ${virtual.toFixed(2)} s (${((100 * virtual) / wall).toFixed(0)} % of wall)`,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const result of benchBoardUnpaced()) process.stdout.write(`${formatResult(result)}\n`);
  process.stdout.write(`${formatResult(await benchBoardPaced())}\n`);
}
