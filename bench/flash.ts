import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describeRun, runOpenOcd } from '../test/support/openocd.js';
import { repoRoot } from '../test/support/paths.js';
import { startVirtualBoardServer } from '../test/support/virtual-board-server.js';
import { median, type BenchResult } from './report.js';

/**
 * Flashing a ~900 KB image that covers all 12 sectors, on `swdkit sim --realtime` (every probe reply
 * held back by its modelled USB + SWD cost, flash operations at DS8626's typical times), onto a board
 * whose flash already holds a different image in every sector, as a user's board does:
 *
 *   - unmodified OpenOCD 0.12: `program IMAGE.bin 0x08000000 verify exit`
 *   - swdkit: `swdkit flash IMAGE.bin --probe tcp://127.0.0.1:PORT` (a child process, start-up included)
 *   - swdkit again with the image unchanged (every sector's CRC matches: nothing to erase or write)
 *   - `swdkit info --probe sim` (an in-process virtual board: start-up, connect, identify)
 *
 * and the physical limit of the chip for the same image: one mass erase at x32 (8 s) plus tprog
 * (16 µs) per 32-bit word (DS8626 typical figures), i.e. 11.7 s for 918,000 bytes.
 */
const IMAGE_BYTES = 918_000;
const MASS_ERASE_X32_S = 8;
const TPROG_S = 16e-6;

function pseudoRandom(length: number, seed: number): Uint8Array {
  let x = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function run(command: string, args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 16 << 20, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

const swdkit = join(repoRoot, 'bin/swdkit');

async function timeOnBoard(existing: string, action: (port: number) => Promise<void>): Promise<number> {
  const sim = await startVirtualBoardServer({ realtime: true, firmware: existing });
  try {
    const started = performance.now();
    await action(sim.port);
    return (performance.now() - started) / 1000;
  } finally {
    await sim.close();
  }
}

export async function benchFlash(openocd: string | undefined, samples = 3): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'swdkit-bench-flash-'));
  try {
    const existing = join(dir, 'existing.bin');
    const image = join(dir, 'image.bin');
    writeFileSync(existing, pseudoRandom(1024 * 1024, 0x1234_5678));
    writeFileSync(image, pseudoRandom(IMAGE_BYTES, 0x8765_4321));
    const limit = MASS_ERASE_X32_S + (IMAGE_BYTES / 4) * TPROG_S;
    const results: BenchResult[] = [];
    const fmt = (v: number[]): string => v.map((s) => s.toFixed(2)).join(', ');

    const swdkitFlash = async (port: number, expectUnchanged: boolean): Promise<void> => {
      const result = await run(process.execPath, [
        swdkit,
        'flash',
        image,
        '--probe',
        `tcp://127.0.0.1:${port}`,
        '--json',
      ]);
      if (result.code !== 0) throw new Error(`swdkit flash failed (exit ${result.code}):\n${result.out}`);
      if (expectUnchanged && !/"written":\[\]/.test(result.out)) {
        throw new Error(`the unchanged re-flash wrote sectors:\n${result.out}`);
      }
    };

    const swdkitTimes: number[] = [];
    const reflashTimes: number[] = [];
    for (let i = 0; i < samples; i++) {
      const sim = await startVirtualBoardServer({ realtime: true, firmware: existing });
      try {
        let started = performance.now();
        await swdkitFlash(sim.port, false);
        swdkitTimes.push((performance.now() - started) / 1000);
        started = performance.now();
        await swdkitFlash(sim.port, true);
        reflashTimes.push((performance.now() - started) / 1000);
      } finally {
        await sim.close();
      }
    }
    const swdkitMedian = median(swdkitTimes);
    results.push({
      name: 'flash 918,000 bytes over all 12 sectors (--realtime): swdkit',
      value: swdkitMedian,
      unit: 's',
      detail: `${(swdkitMedian / limit).toFixed(3)}× the physical limit of ${limit.toFixed(2)} s (mass erase x32 8 s + 16 µs per word); samples ${fmt(swdkitTimes)}`,
    });
    results.push({
      name: 'flash the same image again (unchanged, --realtime): swdkit',
      value: median(reflashTimes),
      unit: 's',
      detail: `every sector's CRC matches on the target, nothing is erased or written; samples ${fmt(reflashTimes)}`,
    });

    if (openocd !== undefined) {
      const openocdTimes: number[] = [];
      for (let i = 0; i < samples; i++) {
        openocdTimes.push(
          await timeOnBoard(existing, async (port) => {
            const result = await runOpenOcd(openocd, {
              serverPort: port,
              commands: [`program ${image} 0x08000000 verify exit`],
              timeoutMs: 300_000,
            });
            if (result.code !== 0 || !result.output.includes('** Verified OK **')) {
              throw new Error(`OpenOCD program failed: ${describeRun(result)}`);
            }
          }),
        );
      }
      const openocdMedian = median(openocdTimes);
      results.push({
        name: 'flash 918,000 bytes over all 12 sectors (--realtime): OpenOCD 0.12 program … verify',
        value: openocdMedian,
        unit: 's',
        detail: `${(openocdMedian / limit).toFixed(3)}× the limit; swdkit is ${(openocdMedian / swdkitMedian).toFixed(2)}× faster; samples ${fmt(openocdTimes)}`,
      });
    } else {
      results.push({
        name: 'flash 918,000 bytes: OpenOCD 0.12',
        value: Number.NaN,
        unit: 's',
        detail: 'not run: openocd is not installed (sudo apt-get install -y openocd)',
      });
    }

    const infoTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const result = await run(process.execPath, [swdkit, 'info', '--probe', 'sim', '--json']);
      if (result.code !== 0) throw new Error(`swdkit info failed (exit ${result.code}):\n${result.out}`);
      infoTimes.push((performance.now() - started) * 1);
    }
    results.push({
      name: 'swdkit info --probe sim (whole process)',
      value: median(infoTimes),
      unit: 'ms',
      detail: `node start-up, an in-process virtual board, connect and identify; samples ${infoTimes.map((t) => t.toFixed(0)).join(', ')}`,
    });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
