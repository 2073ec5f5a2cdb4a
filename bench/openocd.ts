import { performance } from 'node:perf_hooks';
import { RUNNER_PARAMETERS, type RunnerParameters } from '../src/sim/board/runner.js';
import { describeRun, runOpenOcd } from '../test/support/openocd.js';
import { firmwareElf } from '../test/support/paths.js';
import { findProgram } from '../test/support/peers.js';
import { startVirtualBoardServer } from '../test/support/virtual-board-server.js';
import { median, type BenchResult } from './report.js';

/**
 * Unmodified OpenOCD 0.12 programming blinky into a factory-fresh virtual Discovery:
 *
 *     openocd -f interface/stlink.cfg -c "hla_stlink_backend tcp PORT" -f target/stm32f4x.cfg \
 *             -c "program blinky.elf verify reset exit"
 *
 * Per run: the wall time of the whole OpenOCD process (start-up, the erase, the RAM loader, the CRC
 * verify, the reset), and the virtual seconds the server's stats give its session (the modelled USB
 * and SWD time of every probe command, issue 5 `--stats`). Three set-ups:
 *
 * - unpaced with the runner's defaults (what `swdkit sim` does);
 * - unpaced with a 1 ms wall budget per runner turn (what the peer tests use): the turn length is
 *   how long each probe command can wait for the event loop;
 * - `--realtime`: each reply is held back by its modelled cost, so wall time ≈ what a real
 *   ST-LINK/V2 on a real board would take, and its virtual seconds are honest estimates.
 *
 * Fails (throws) when openocd is not installed or a run does not end in "Verified OK".
 */
export interface OpenOcdBenchOptions {
  /** Runs per set-up (the median is reported). Default 5 (3 for --realtime). */
  readonly samples?: number;
  readonly openocd?: string;
}

interface Setup {
  readonly label: string;
  readonly realtime: boolean;
  readonly parameters: Partial<RunnerParameters>;
  readonly samples: number;
}

interface Sample {
  readonly wallSeconds: number;
  readonly virtualSeconds: number;
  readonly commands: number;
}

async function programOnce(openocd: string, setup: Setup): Promise<Sample> {
  const blinky = firmwareElf('blinky');
  const sim = await startVirtualBoardServer({ realtime: setup.realtime, runnerParameters: setup.parameters });
  try {
    const started = performance.now();
    const result = await runOpenOcd(openocd, {
      serverPort: sim.port,
      commands: [`program ${blinky} verify reset exit`],
      timeoutMs: 120_000,
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (result.code !== 0 || !result.output.includes('** Verified OK **')) {
      throw new Error(`program failed: ${describeRun(result)}`);
    }
    await sim.close();
    const session = sim.sessions.at(-1);
    if (session === undefined) throw new Error('the server reported no closed session');
    return { wallSeconds, virtualSeconds: session.virtualSeconds, commands: session.commands };
  } finally {
    await sim.close();
  }
}

export async function benchOpenOcdProgram(options: OpenOcdBenchOptions = {}): Promise<BenchResult[]> {
  const openocd = options.openocd ?? findProgram('openocd');
  if (openocd === undefined) {
    throw new Error('openocd is not installed; install it with: sudo apt-get install -y openocd');
  }
  const samples = options.samples ?? 5;
  const setups: Setup[] = [
    { label: 'unpaced, runner defaults', realtime: false, parameters: { ...RUNNER_PARAMETERS }, samples },
    { label: 'unpaced, 1 ms runner turns', realtime: false, parameters: { unpacedWallBudgetMs: 1 }, samples },
    { label: '--realtime', realtime: true, parameters: {}, samples: options.samples ?? 3 },
  ];
  const results: BenchResult[] = [];
  for (const setup of setups) {
    const runs: Sample[] = [];
    for (let i = 0; i < setup.samples; i++) runs.push(await programOnce(openocd, setup));
    const wall = runs.map((r) => r.wallSeconds);
    const virtual = runs.map((r) => r.virtualSeconds);
    const fmt = (values: number[]): string => values.map((v) => v.toFixed(3)).join(', ');
    results.push(
      {
        name: `openocd: program blinky.elf verify (${setup.label}), wall time`,
        value: median(wall) * 1000,
        unit: 'ms',
        detail: `median of ${runs.length} OpenOCD processes (start-up to exit, ${runs[0]?.commands ?? 0} probe commands each); samples ${fmt(wall)}`,
      },
      {
        name: `openocd: program blinky.elf verify (${setup.label}), virtual time (server stats)`,
        value: median(virtual) * 1000,
        unit: 'virtual ms',
        detail: `the session's virtualSeconds (modelled USB + SWD time); samples ${fmt(virtual)}`,
      },
    );
  }
  return results;
}
