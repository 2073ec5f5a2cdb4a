/**
 * Lockstep comparison of our Cortex-M4F core with QEMU: both run the same ELF one instruction at a
 * time and every core and FP register (R0–R15, xPSR, S0–S31, FPSCR, and the privilege level) is
 * compared before every instruction.
 *
 * QEMU's side is its per-instruction CPU log (./qemu-cpu-log.ts). Its entries are the states before
 * each instruction QEMU executes; an exception entry (SVC, a fault, an exception the instruction
 * pended or unmasked) happens between two entries, never as an entry of its own.
 *
 * Our side: `cpu.step()` either executes one instruction or only performs an exception entry. The
 * driver captures the state before every step and, after it, decides whether that state was an
 * instruction boundary QEMU also logs:
 * - the step retired an instruction: yes;
 * - the step abandoned an instruction with a fault (nothing retired, IPSR unchanged): yes, QEMU logs
 *   the faulting instruction and then enters the handler; except a *fetch* fault (CFSR.IACCVIOL or
 *   IBUSERR newly set), where QEMU has no instruction to log;
 * - the step entered an exception (IPSR changed, nothing retired): no, the entry belongs to the
 *   previous instruction; except when EPSR.T was 0 (INVSTATE), which QEMU logs as an instruction that
 *   raises the UsageFault and we take as entry directly.
 * So states correspond one to one and differences surface at the first instruction after the one that
 * caused them (the report shows both). One exception: QEMU logs a block before the block checks for a
 * pending interrupt request, so it sometimes logs a state and then executes no instruction from it:
 * the state before an exception entry (which our core skips, but keeps in CoreBoundaries.skipped), or
 * the previous entry again (the exception was masked). Such an entry must equal that state exactly
 * and is then skipped; single steps through the gdbstub show the same pre-entry states.
 */
import { execFileSync } from 'node:child_process';
import type { BareMachine } from '../../src/sim/cpu/bare-machine.js';
import type { Cpu } from '../../src/sim/cpu/cpu.js';
import { REGSEL } from '../../src/arch/armv7m/regsel.js';
import { CFSR } from '../../src/arch/armv7m/scb.js';
import { mainFlashBase, STM32F40X } from '../../src/target/index.js';
import { bareMachineWithElf } from './bare-machine.js';
import { findProgram } from './peers.js';
import { QemuGdbTarget, type RegisterSnapshot } from './qemu-gdb-target.js';
import {
  QemuCpuLog,
  STATE_FPSCR,
  STATE_NAMES,
  STATE_PRIVILEGED,
  STATE_S0,
  STATE_SIZE,
  STATE_XPSR,
  type CpuState,
} from './qemu-cpu-log.js';

/** DCRSR register selectors used to read our core as a debugger would. */
const DCRSR_XPSR = REGSEL.xPSR;
const DCRSR_FPSCR = REGSEL.FPSCR;
/** APSR bits of xPSR: N Z C V Q [31:27] and GE[3:0] [19:16]. */
const APSR_MASK = 0xf80f_0000;

/** Fills `into` with our core's state, laid out as STATE_NAMES. */
export function captureCore(cpu: Cpu, into: Uint32Array): void {
  const r = cpu.r;
  for (let i = 0; i < 15; i++) into[i] = r[i]!;
  into[15] = cpu.pc;
  into[STATE_XPSR] = cpu.debug.readCoreRegister(DCRSR_XPSR);
  const s = cpu.fpRegs;
  for (let i = 0; i < 32; i++) into[STATE_S0 + i] = s[i]!;
  into[STATE_FPSCR] = cpu.debug.readCoreRegister(DCRSR_FPSCR);
  into[STATE_PRIVILEGED] = cpu.isPrivileged() ? 1 : 0;
}

/** Why our core produced no further boundary. */
export type CoreStop = 'lockup' | 'halted' | 'sleeping';

/** Our core as a sequence of instruction boundaries matching QEMU's log (see the file comment). */
export class CoreBoundaries {
  private readonly pre = new Uint32Array(STATE_SIZE);
  /** Exceptions entered by steps that executed no instruction. */
  entries = 0;
  /** Instructions abandoned by a fault (their boundary is compared; they retire nothing). */
  abandoned = 0;
  /** Fetch faults: steps that neither executed nor are boundaries. */
  fetchFaults = 0;
  /**
   * States before the steps the last `next()` skipped (exception entries, fetch faults), oldest
   * first. QEMU sometimes logs such a state too (see runLockstep).
   */
  skipped: CpuState[] = [];

  constructor(readonly cpu: Cpu) {}

  /** Why the core cannot produce another boundary, or undefined if it can. */
  get stopped(): CoreStop | undefined {
    const cpu = this.cpu;
    if (cpu.lockedUp) return 'lockup';
    if (cpu.halted) return 'halted';
    if (cpu.sleeping) return 'sleeping';
    return undefined;
  }

  /**
   * Steps until one instruction was executed or abandoned; returns the state before it (a view that
   * the next call overwrites), or undefined when the core stopped (lock-up, halt, sleep).
   */
  next(): CpuState | undefined {
    const cpu = this.cpu;
    this.skipped = [];
    for (let guard = 0; guard < 8; guard++) {
      if (this.stopped !== undefined) return undefined;
      captureCore(cpu, this.pre);
      const retired = cpu.instructionsRetired;
      const ipsr = cpu.ipsr;
      const thumb = cpu.thumb;
      const cfsr = cpu.scb.cfsr;
      cpu.step();
      if (cpu.instructionsRetired !== retired) return this.pre;
      if (cpu.ipsr !== ipsr) {
        this.entries++;
        if (thumb === 0) return this.pre;
        this.skipped.push(this.pre.slice());
        continue;
      }
      if ((cpu.scb.cfsr & ~cfsr & (CFSR.IACCVIOL | CFSR.IBUSERR)) !== 0) {
        this.fetchFaults++;
        this.skipped.push(this.pre.slice());
        continue;
      }
      this.abandoned++;
      return this.pre;
    }
    throw new Error(`our core made no progress in 8 steps at pc 0x${hex(cpu.pc)}`);
  }
}

/**
 * A known difference to step over (temporarily, or a documented QEMU deviation from the ARM ARM):
 * when `matches` accepts a divergence, its differing registers are masked until both sides agree on
 * them again, and the comparison continues.
 */
export interface LockstepExclusion {
  readonly name: string;
  /** Why it is excluded, with the ARMv7-M ARM section. */
  readonly reason: string;
  readonly matches: (divergence: Divergence) => boolean;
}

export interface Divergence {
  /** Boundary number: 0 is the reset state, n the state before the (n+1)-th instruction. */
  readonly index: number;
  readonly ours: CpuState;
  readonly qemu: CpuState;
  /** Slots (STATE_NAMES indices) that differ. */
  readonly differing: readonly number[];
  /** The boundary before (its instruction is usually the cause), unless index is 0. */
  readonly previousOurs: CpuState | undefined;
  readonly previousQemu: CpuState | undefined;
}

export interface LockstepOptions {
  /** qemu-system-arm. */
  readonly qemu: string;
  readonly elf: string;
  /** Stop, after comparing it, at the first boundary where both are at this address. */
  readonly stopAtPc?: number;
  /** Boundaries to compare at most. */
  readonly maxBoundaries: number;
  readonly exclusions?: readonly LockstepExclusion[];
  /**
   * Where QEMU's states come from: 'log' (default), its per-instruction CPU log; or 'gdb', single
   * steps through its gdbstub (QemuGdbTarget: ~1,300 steps/s, no privilege level, so that slot is
   * not compared), to check that both ways of observing QEMU give the same boundaries.
   */
  readonly source?: 'log' | 'gdb';
  /** 'gdb' only: run both to this address first (QEMU with a breakpoint), then compare from there. */
  readonly startAtPc?: number;
  /** Called after each compared boundary (a self-test uses it to plant a difference in our core). */
  readonly afterBoundary?: (index: number, cpu: Cpu) => void;
}

export type LockstepEnd = 'stop-pc' | 'limit' | 'diverged' | 'qemu-ended' | 'core-stopped';

export interface LockstepResult {
  readonly end: LockstepEnd;
  /** Boundaries compared (QEMU log entries matched by our states). */
  readonly compared: number;
  /** Instructions our core retired meanwhile (plus `abandoned` ones that faulted). */
  readonly retired: number;
  readonly abandoned: number;
  readonly entries: number;
  readonly fetchFaults: number;
  readonly coreStop: CoreStop | undefined;
  readonly divergence: Divergence | undefined;
  /**
   * QEMU states with no instruction after them (skipped): log entries of blocks abandoned unexecuted
   * for a pending exception, and gdbstub steps that only entered an exception (see runLockstep).
   */
  readonly qemuExtraStates: number;
  /** How often each exclusion was applied. */
  readonly excluded: ReadonlyMap<string, number>;
  readonly durationMs: number;
  /** QEMU's command line, exit status and stderr tail. */
  readonly qemuDiagnostics: string;
  /** Our machine where the run ended (one instruction past the last compared boundary). */
  readonly machine: BareMachine;
}

/** Runs `options.elf` on QEMU and on our BareMachine in lockstep. */
export async function runLockstep(options: LockstepOptions): Promise<LockstepResult> {
  const started = performance.now();
  const { machine } = bareMachineWithElf(options.elf);
  const cpu = machine.cpu;
  const core = new CoreBoundaries(cpu);
  const source =
    options.source === 'gdb'
      ? await gdbSource(options, core)
      : logSource(QemuCpuLog.start({ program: options.qemu, elf: options.elf }));
  const excluded = new Map<string, number>();
  const masked = new Uint8Array(STATE_SIZE);
  if (options.source === 'gdb') masked[STATE_PRIVILEGED] = IGNORED;
  const previousOurs = new Uint32Array(STATE_SIZE);
  let previousQemu: CpuState | undefined;
  let compared = 0;
  let qemuExtraStates = 0;
  let held: CpuState | undefined;
  let optional: CpuState[] = [];
  let end: LockstepEnd = 'qemu-ended';
  let divergence: Divergence | undefined;
  const retiredAtStart = cpu.instructionsRetired;

  try {
    outer: for await (const batch of source.states) {
      for (const qemu of batch) {
        if (compared === 0 && options.startAtPc === undefined) {
          // TakeReset (ARMv7-M B1.5.5) leaves APSR UNKNOWN; QEMU's reset state has Z set. Start ours
          // with QEMU's choice so the first flag-setting instruction is not reported.
          const apsr = qemu[STATE_XPSR]! & APSR_MASK;
          cpu.debug.writeCoreRegister(
            DCRSR_XPSR,
            (cpu.debug.readCoreRegister(DCRSR_XPSR) & ~APSR_MASK) | apsr,
          );
        }
        let ours: CpuState | undefined;
        if (held !== undefined) {
          ours = held;
          held = undefined;
        } else {
          ours = core.next();
          optional = core.skipped;
        }
        if (ours === undefined) {
          end = 'core-stopped';
          break outer;
        }
        const differing = differingSlots(ours, qemu, masked);
        if (differing.length > 0) {
          // QEMU logs a block before the block checks for an exit request (an interrupt line that
          // changed). If one is pending, the block is abandoned unexecuted and:
          // - the exception is taken: QEMU logged the state before our entry-only step (a state
          //   our core skips, see CoreBoundaries), e.g. after a store to ICSR.PENDSVSET; a gdbstub
          //   step that only performs an entry shows the same state;
          // - it cannot be taken (masked): the same block is logged again.
          // Neither is followed by an instruction: compare our boundary with QEMU's next state.
          const phantom = optional.findIndex((state) => sameState(state, qemu, masked));
          const relog = previousQemu !== undefined && sameState(qemu, previousQemu, masked);
          if (phantom >= 0 || relog) {
            if (phantom >= 0) optional = optional.slice(phantom + 1);
            qemuExtraStates++;
            held = ours.slice();
            continue;
          }
        }
        if (differing.length > 0) {
          const found: Divergence = {
            index: compared,
            ours: ours.slice(),
            qemu,
            differing,
            previousOurs: compared === 0 ? undefined : previousOurs.slice(),
            previousQemu,
          };
          const exclusion = options.exclusions?.find((e) => e.matches(found));
          if (exclusion === undefined) {
            divergence = found;
            end = 'diverged';
            break outer;
          }
          excluded.set(exclusion.name, (excluded.get(exclusion.name) ?? 0) + 1);
          for (const slot of differing) masked[slot] = 1;
        }
        previousOurs.set(ours);
        previousQemu = qemu;
        options.afterBoundary?.(compared, cpu);
        compared++;
        if (options.stopAtPc !== undefined && qemu[15] === options.stopAtPc >>> 0) {
          end = 'stop-pc';
          break outer;
        }
        if (compared >= options.maxBoundaries) {
          end = 'limit';
          break outer;
        }
      }
    }
  } finally {
    await source.stop();
  }
  return {
    end,
    compared,
    retired: cpu.instructionsRetired - retiredAtStart,
    abandoned: core.abandoned,
    entries: core.entries,
    fetchFaults: core.fetchFaults,
    coreStop: core.stopped,
    divergence,
    excluded,
    qemuExtraStates,
    durationMs: performance.now() - started,
    qemuDiagnostics: source.diagnostics(),
    machine,
  };
}

/** Whether `a` and `b` agree on every slot that is compared now (not masked). */
function sameState(a: CpuState, b: CpuState, masked: Uint8Array): boolean {
  for (let i = 0; i < STATE_SIZE; i++) if (a[i] !== b[i] && masked[i] === 0) return false;
  return true;
}

/** A `masked` value for a slot that is never compared. */
const IGNORED = 2;

/**
 * Slots where `a` and `b` differ, skipping masked ones (a slot masked by an exclusion is unmasked once
 * they agree; an IGNORED one stays masked).
 */
function differingSlots(a: CpuState, b: CpuState, masked: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < STATE_SIZE; i++) {
    if (a[i] === b[i]) {
      if (masked[i] === 1) masked[i] = 0;
    } else if (masked[i] === 0) {
      out.push(i);
    }
  }
  return out;
}

interface StateSource {
  readonly states: AsyncIterable<CpuState[]>;
  stop(): Promise<void>;
  diagnostics(): string;
}

function logSource(log: QemuCpuLog): StateSource {
  return { states: log.states(), stop: () => log.stop(), diagnostics: () => log.diagnostics };
}

/** QEMU's gdbstub, stepped one instruction at a time; our core first runs to `startAtPc` if given. */
async function gdbSource(options: LockstepOptions, core: CoreBoundaries): Promise<StateSource> {
  const target = await QemuGdbTarget.start({ elf: options.elf, program: options.qemu });
  try {
    if (options.startAtPc !== undefined) {
      const start = options.startAtPc >>> 0;
      await target.runTo(start);
      for (let i = 0; i < 10_000_000 && core.cpu.pc >>> 0 !== start; i++) {
        if (core.next() === undefined) break;
      }
      if (core.cpu.pc >>> 0 !== start) throw new Error(`our core did not reach 0x${hex(start)}`);
    }
  } catch (error) {
    await target.close();
    throw error;
  }
  async function* states(): AsyncGenerator<CpuState[]> {
    for (;;) {
      yield [toState(await target.readRegisters())];
      await target.step();
    }
  }
  return {
    states: states(),
    stop: () => target.close(),
    diagnostics: () => `${target.qemu.describe()}\n${target.qemu.log.trim()}`,
  };
}

function toState(snapshot: RegisterSnapshot): CpuState {
  const state = new Uint32Array(STATE_SIZE);
  state.set(snapshot.r, 0);
  state[STATE_XPSR] = snapshot.xpsr;
  if (snapshot.s !== undefined) state.set(snapshot.s, STATE_S0);
  state[STATE_FPSCR] = snapshot.fpscr ?? 0;
  return state;
}

export const hex = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');

/** `arm-none-eabi-objdump`'s disassembly of the instruction at `pc` in `elf`, or '' if unavailable. */
export function disassemble(elf: string, pc: number): string {
  const objdump = findProgram('arm-none-eabi-objdump');
  if (objdump === undefined) return '';
  // Code runs from the flash alias at 0 too; the ELF has it at main flash's address.
  const address = pc >>> 0 < 0x10_0000 ? (pc + mainFlashBase(STM32F40X)) >>> 0 : pc >>> 0;
  try {
    const text = execFileSync(
      objdump,
      ['-d', `--start-address=0x${hex(address)}`, `--stop-address=0x${hex(address + 4)}`, elf],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const line = text.split('\n').find((l) => new RegExp(`^\\s*${address.toString(16)}:`).test(l));
    return line === undefined ? '' : line.replace(/^\s*[0-9a-f]+:\s*/, '').replace(/\s+/g, ' ');
  } catch {
    return '';
  }
}

/** Both register sets side by side, marking the differing ones. */
function formatStates(ours: CpuState, qemu: CpuState, differing: readonly number[]): string {
  const rows: string[] = ['  register      ours      qemu'];
  for (let i = 0; i < STATE_SIZE; i++) {
    const mark = differing.includes(i) ? '  <-- differs' : '';
    if (mark === '' && i >= STATE_S0 && i < STATE_FPSCR && ours[i] === 0 && qemu[i] === 0) continue;
    rows.push(`  ${STATE_NAMES[i]!.padEnd(10)} ${hex(ours[i]!)}  ${hex(qemu[i]!)}${mark}`);
  }
  return `${rows.join('\n')}\n  (S registers that are 0 on both sides are not listed)`;
}

/** A report of the first divergence: where, after which instruction, and both register sets. */
export function formatDivergence(elf: string, label: string, d: Divergence): string {
  const pc = d.qemu[15]!;
  const lines = [
    `${label}: first divergence at boundary ${d.index} (before instruction ${d.index + 1}), ` +
      `pc ours 0x${hex(d.ours[15]!)} / QEMU 0x${hex(pc)}: ${disassemble(elf, pc)}`,
    `differing: ${d.differing
      .map((i) => `${STATE_NAMES[i]} ours 0x${hex(d.ours[i]!)} QEMU 0x${hex(d.qemu[i]!)}`)
      .join(', ')}`,
  ];
  if (d.previousOurs !== undefined && d.previousQemu !== undefined) {
    const prevPc = d.previousQemu[15]!;
    lines.push(
      `the previous instruction (boundary ${d.index - 1}) compared equal: 0x${hex(prevPc)}: ${disassemble(elf, prevPc)}`,
      'state before it:',
      formatStates(d.previousOurs, d.previousQemu, []),
    );
  }
  lines.push('state at the divergence:', formatStates(d.ours, d.qemu, d.differing));
  return lines.join('\n');
}
