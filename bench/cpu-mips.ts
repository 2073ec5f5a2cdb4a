import { bareMachineWithElf } from '../test/support/bare-machine.js';
import { firmwareElf } from '../test/support/paths.js';
import type { BenchResult } from './report.js';
import { median } from './report.js';

/**
 * Core speed: firmware/bin/bench-mips.elf (CRC-32, integer matrix multiply, insertion sort, FP dot
 * product, word copies) through `Cpu.run`, the loop the board will use. One warm-up run lets V8
 * optimise the executors; then each sample runs a fixed budget of cycles and counts instructions
 * retired per wall-clock second. `slice` splits each sample into `run(slice)` calls, as the board
 * does between events; without it each sample is one call.
 */
export function benchCpuMips(
  samples = 7,
  cyclesPerSample = 20_000_000,
  slice = cyclesPerSample,
): BenchResult {
  const { machine, elf } = bareMachineWithElf(firmwareElf('bench-mips'));
  const iterations = elf.requireSymbol('bench_iterations').address;
  const cpu = machine.cpu;
  const runSample = (): void => {
    const end = cpu.cycles + cyclesPerSample;
    while (cpu.cycles < end) cpu.run(Math.min(slice, end - cpu.cycles));
  };
  runSample(); // warm-up
  const mips: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = cpu.instructionsRetired;
    const start = process.hrtime.bigint();
    runSample();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    mips.push((cpu.instructionsRetired - before) / seconds / 1e6);
  }
  const value = median(mips);
  const sliced = slice < cyclesPerSample ? ` in run(${slice / 1000}k) slices` : '';
  return {
    name: `cpu: bench-mips on the virtual Cortex-M4F${sliced}`,
    value,
    unit: 'MIPS',
    detail: `median of ${samples} × ${cyclesPerSample / 1e6} M cycles; samples ${mips.map((m) => m.toFixed(1)).join(', ')}; ${machine.read32(iterations) >>> 0} workload rounds; vs 168 MHz real time: ${(value / 168).toFixed(2)}×`,
  };
}
