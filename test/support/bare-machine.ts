import { readFileSync } from 'node:fs';
import { BareMachine } from '../../src/sim/cpu/bare-machine.js';
import { PT_LOAD, parseElf, type ElfFile } from './elf.js';

/**
 * A BareMachine with an ELF's loadable segments placed at their load (physical) addresses and the
 * core reset from its vector table, as QEMU's `-kernel` does on netduinoplus2.
 */
export function bareMachineWithElf(path: string): { machine: BareMachine; elf: ElfFile } {
  const bytes = readFileSync(path);
  const elf = parseElf(bytes, path);
  const machine = new BareMachine();
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || segment.fileSize === 0) continue;
    machine.load(segment.paddr, bytes.subarray(segment.offset, segment.offset + segment.fileSize));
  }
  machine.cpu.reset('power-on');
  return { machine, elf };
}

/** Steps the core until it reaches `address` or `maxSteps` run out; returns the steps taken. */
export function runUntil(machine: BareMachine, address: number, maxSteps: number): number {
  let steps = 0;
  while (machine.cpu.pc !== address && steps < maxSteps) {
    machine.cpu.step();
    steps++;
  }
  return steps;
}
