import { Option, type Command } from 'commander';
import { hex32 } from '../../util/bytes.js';
import type { CommandContext } from '../context.js';
import type { CoreRegisters, ResetMethod } from '../../session.js';
import { withTarget } from '../target-options.js';

export interface ResetResult {
  readonly method: Exclude<ResetMethod, 'auto'>;
  readonly halted: boolean;
}

export interface CoreResult {
  readonly state: 'halted' | 'running';
  readonly pc?: number;
}

export function registerControl(program: Command, context: CommandContext): void {
  program
    .command('reset')
    .description('reset the target (and run it, or halt at the reset vector with --halt)')
    .option('--halt', 'halt at the reset vector', false)
    .addOption(
      new Option('--method <method>', 'how: auto picks SYSRESETREQ, or NRST when the core does not answer')
        .choices(['auto', 'nrst', 'sysresetreq', 'vectreset'])
        .default('auto'),
    )
    .action(async (options: { halt: boolean; method: ResetMethod }, command: Command) => {
      await withTarget(command, context, async (target) => {
        const done = await target.session.reset({ method: options.method, halt: options.halt });
        target.resumeOnExit = !options.halt;
        target.output.result<ResetResult>(
          { method: done.method, halted: options.halt },
          (r) => `reset (${r.method}): ${r.halted ? 'halted at the reset vector' : 'running'}`,
        );
      });
    });

  program
    .command('halt')
    .description('halt the core (it stays halted)')
    .action(async (_options: unknown, command: Command) => {
      await withTarget(command, context, async (target) => {
        await target.session.halt();
        target.resumeOnExit = false;
        const { pc } = await target.session.registers();
        target.output.result<CoreResult>({ state: 'halted', pc }, (r) => `halted at pc ${hex32(r.pc ?? 0)}`);
      });
    });

  program
    .command('resume')
    .description('let the core run')
    .action(async (_options: unknown, command: Command) => {
      await withTarget(command, context, async (target) => {
        await target.session.resume();
        target.resumeOnExit = true;
        target.output.result<CoreResult>({ state: 'running' }, () => 'running');
      });
    });

  program
    .command('step')
    .description('execute one instruction (the core stays halted)')
    .action(async (_options: unknown, command: Command) => {
      await withTarget(command, context, async (target) => {
        const pc = await target.session.step();
        target.resumeOnExit = false;
        target.output.result<CoreResult>({ state: 'halted', pc }, (r) => `stepped: pc ${hex32(r.pc ?? 0)}`);
      });
    });

  program
    .command('regs')
    .description('print the core and FPU registers')
    .action(async (_options: unknown, command: Command) => {
      await withTarget(command, context, async (target) => {
        const registers = await target.session.registers();
        target.output.result(registers, renderRegisters);
      });
    });
}

const CORE_ROWS = [
  ['r0', 'r1', 'r2', 'r3'],
  ['r4', 'r5', 'r6', 'r7'],
  ['r8', 'r9', 'r10', 'r11'],
  ['r12', 'sp', 'lr', 'pc'],
  ['xpsr', 'msp', 'psp'],
  ['primask', 'basepri', 'faultmask', 'control'],
];

/** Four registers a line, names right-aligned; the FPU's last, when the core has one. */
export function renderRegisters(registers: CoreRegisters): string {
  const byName: Readonly<Record<string, number | undefined>> = registers;
  const cell = (name: string): string => {
    const value = byName[name];
    return `${name.padStart(9)} ${value === undefined ? '–'.padEnd(10) : hex32(value)}`;
  };
  const lines = CORE_ROWS.map((row) => row.map(cell).join(' '));
  if (registers.fpscr !== undefined) {
    for (let i = 0; i < 32; i += 4) lines.push([0, 1, 2, 3].map((j) => cell(`s${i + j}`)).join(' '));
    lines.push(cell('fpscr'));
  }
  return lines.join('\n');
}
