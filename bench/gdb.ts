import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { SWDKIT } from '../test/support/cli.js';
import { runGdbBatch } from '../test/support/gdb-batch.js';
import { GdbRemoteClient } from '../test/support/gdb-remote-client.js';
import { freePort, startOpenOcd } from '../test/support/openocd.js';
import { firmwareElf, repoRoot } from '../test/support/paths.js';
import { findProgram } from '../test/support/peers.js';
import { startVirtualBoardServer, type VirtualBoardServer } from '../test/support/virtual-board-server.js';
import { median, type BenchResult } from './report.js';

/**
 * swdkit's gdb server against OpenOCD 0.12's, both reaching the same unpaced virtual Discovery
 * through one in-process stlink-server, one after the other in the same run: the stepi round trip
 * (`s` to its stop reply), memory-read throughput (64 KiB of SRAM in `m` packets of the size each
 * server announces) and gdb-multiarch's `load` of cpu-suite-O2.elf into erased flash (a new board per
 * sample, so neither side can skip unchanged sectors), as gdb reports its transfer rate. Figures are
 * medians; the ratios say how many times faster swdkit is (above 1) or slower (below).
 *
 * `load` is measured twice: on the unpaced board, and on a --realtime one. Unpaced, an idle board's
 * time runs far ahead of the wall clock, so a sector erase that takes 250 ms on silicon (DS8626,
 * x32) is over in a few ms of wall time: the figure says how fast each server's own work and round
 * trips are. The --realtime board erases and programs at the chip's own pace, as bench/flash.ts
 * measures flashing: the figure a real board would show.
 *
 * Before the timed samples, each server gets the same untimed warm-up (steps and one read), so the
 * first sample does not measure a JIT compiling swdkit or the board.
 */
interface GdbServerProcess {
  readonly port: number;
  stop(): Promise<void>;
}

async function swdkitServer(sim: VirtualBoardServer): Promise<GdbServerProcess> {
  const child = spawn(
    process.execPath,
    [SWDKIT, '--json', 'gdbserver', '--probe', `tcp://127.0.0.1:${sim.port}`, '--port', '0'],
    { cwd: repoRoot },
  );
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.includes('"event":"ready"'));
      if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('close', (code) => {
      reject(new Error(`swdkit gdbserver exited (${code}):\n${out}`));
    });
  });
  return {
    port,
    stop: async () => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      await closed;
    },
  };
}

async function openOcdServer(openocd: string, sim: VirtualBoardServer): Promise<GdbServerProcess> {
  const port = await freePort();
  const process = startOpenOcd(openocd, {
    serverPort: sim.port,
    commands: ['init'],
    gdbPort: port,
    timeoutMs: 600_000,
  });
  await process.waitFor(new RegExp(`Listening on port ${port} for gdb connections`), 30_000);
  return {
    port,
    stop: async () => {
      await process.stop();
    },
  };
}

interface Figures {
  readonly stepMs: number;
  readonly readKiBps: number;
  readonly loadKiBps: number;
  readonly realtimeLoadKiBps: number;
}

/** gdb's transfer rate of `load` into erased flash, in KiB/s, on a new board per sample. */
async function loadRates(
  start: (sim: VirtualBoardServer) => Promise<GdbServerProcess>,
  gdb: string,
  samples: number,
  realtime: boolean,
): Promise<number[]> {
  const loads: number[] = [];
  for (let s = 0; s < samples; s++) {
    const fresh = await startVirtualBoardServer({ realtime });
    const loader = await start(fresh);
    try {
      const run = await runGdbBatch({
        gdb,
        elf: firmwareElf('cpu-suite-O2'),
        timeoutMs: 300_000,
        commands: [`target extended-remote 127.0.0.1:${loader.port}`, 'load', 'detach'],
      });
      const rate = /Transfer rate: (\d+) KB\/sec/.exec(run.stdout);
      if (rate === null) throw new Error(`no transfer rate in gdb's output:\n${run.stdout}\n${run.stderr}`);
      loads.push(Number(rate[1]) * (1000 / 1024));
    } finally {
      await loader.stop();
      await fresh.close();
    }
  }
  return loads;
}

async function measure(
  start: (sim: VirtualBoardServer) => Promise<GdbServerProcess>,
  gdb: string,
  samples: number,
): Promise<Figures & { detail: string }> {
  const sim = await startVirtualBoardServer({ firmware: firmwareElf('blinky') });
  const server = await start(sim);
  const steps: number[] = [];
  const reads: number[] = [];
  try {
    const client = await GdbRemoteClient.connect('127.0.0.1', server.port);
    try {
      await client.haltReason();
      for (let i = 0; i < 50; i++) await client.step();
      await client.readMemory(0x2000_0000, 64 * 1024);
      for (let s = 0; s < samples; s++) {
        const n = 100;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await client.step();
        steps.push((performance.now() - t0) / n);
        const t1 = performance.now();
        await client.readMemory(0x2000_0000, 64 * 1024);
        reads.push(64 / ((performance.now() - t1) / 1000));
      }
      await client.request('D').catch(() => undefined);
    } finally {
      client.close();
    }
  } finally {
    await server.stop();
    await sim.close();
  }
  const loads = await loadRates(start, gdb, samples, false);
  const realtimeLoads = await loadRates(start, gdb, samples, true);
  const fmt = (values: number[]): string => values.map((v) => v.toFixed(2)).join(', ');
  return {
    stepMs: median(steps),
    readKiBps: median(reads),
    loadKiBps: median(loads),
    realtimeLoadKiBps: median(realtimeLoads),
    detail: `stepi ms ${fmt(steps)}; read KiB/s ${fmt(reads)}; load KiB/s ${fmt(loads)}; realtime load KiB/s ${fmt(realtimeLoads)}`,
  };
}

export async function benchGdb(samples = 3): Promise<BenchResult[]> {
  const gdb = findProgram('gdb-multiarch');
  const openocd = findProgram('openocd');
  if (gdb === undefined || openocd === undefined) {
    throw new Error('needs gdb-multiarch and openocd: sudo apt-get install -y gdb-multiarch openocd');
  }
  const swdkit = await measure(swdkitServer, gdb, samples);
  const theirs = await measure((sim) => openOcdServer(openocd, sim), gdb, samples);
  const ratio = (ours: number, other: number): string => `${(ours / other).toFixed(2)}× OpenOCD`;
  return [
    {
      name: 'gdb: stepi round trip, swdkit gdbserver',
      value: swdkit.stepMs,
      unit: 'ms',
      detail: `OpenOCD ${theirs.stepMs.toFixed(2)} ms: ${ratio(theirs.stepMs, swdkit.stepMs)} as fast; ${swdkit.detail}`,
    },
    {
      name: 'gdb: memory read (64 KiB of SRAM in m packets), swdkit gdbserver',
      value: swdkit.readKiBps,
      unit: 'KiB/s',
      detail: `OpenOCD ${theirs.readKiBps.toFixed(1)} KiB/s: ${ratio(swdkit.readKiBps, theirs.readKiBps)}; ${swdkit.detail}`,
    },
    {
      name: 'gdb: load cpu-suite-O2.elf into erased flash (gdb transfer rate), swdkit gdbserver',
      value: swdkit.loadKiBps,
      unit: 'KiB/s',
      detail: `OpenOCD ${theirs.loadKiBps.toFixed(1)} KiB/s: ${ratio(swdkit.loadKiBps, theirs.loadKiBps)}; OpenOCD ${theirs.detail}`,
    },
    {
      name: 'gdb: load cpu-suite-O2.elf into erased flash on a --realtime board (gdb transfer rate), swdkit gdbserver',
      value: swdkit.realtimeLoadKiBps,
      unit: 'KiB/s',
      detail: `OpenOCD ${theirs.realtimeLoadKiBps.toFixed(1)} KiB/s: ${ratio(swdkit.realtimeLoadKiBps, theirs.realtimeLoadKiBps)}`,
    },
  ];
}
