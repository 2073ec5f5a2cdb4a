import { BusError, type Bus } from './bus.js';
import { CodeCache } from './code-cache.js';
import { EXCEPTION, InstructionAbort } from './exceptions.js';
import { CCR, CFSR, SCR } from '../../arch/armv7m/scb.js';
import { ATTN, ATTN_PERSISTENT } from './system/attention.js';
import { SLEEP } from './system/sleep-kind.js';
import { Debug } from './system/debug.js';
import { Dwt } from './system/dwt.js';
import { exceptionEntry } from './system/exception-entry.js';
import { exceptionReturn } from './system/exception-return.js';
import { busFaultFor, fetchFault, pendFault, usageFaultCatch } from './system/faults.js';
import { executeFpCheck } from './system/fp-context.js';
import { Fpb } from './system/fpb.js';
import { Nvic } from './system/nvic.js';
import { resetCore, type ResetKind } from './system/reset.js';
import { Scb } from './system/scb.js';
import { SystemControlSpace } from './system/scs.js';
import { changeProcessorState, readSpecial, readXpsr, writeSpecial } from './system/special-registers.js';
import { SysTick } from './system/systick.js';

export type { ResetKind } from './system/reset.js';

/** Build-time options of the core (the SoC passes what its silicon has). */
export interface CpuOptions {
  /** External interrupt lines the NVIC implements (STM32F407: 82, RM0090 table 61). */
  readonly irqCount?: number;
  /** SYST_CALIB as the SoC wires it (ARMv7-M B3.3.6); 0 if not given. */
  readonly sysTickCalib?: number;
  /** Core clock cycles per tick of SysTick's external reference (CLKSOURCE = 0); STM32F4: HCLK/8 → 8. */
  readonly sysTickReferenceDivider?: number;
}

export { SLEEP } from './system/sleep-kind.js';
export { DFSR } from '../../arch/armv7m/debug.js';

/**
 * The Cortex-M4F core: architectural state, the fetch/decode/execute loop (over the decoded and
 * compiled code that code-cache.ts keeps), and the primitives that instruction executors build on
 * (memory access with the ARMv7-M alignment rules, PC writes with interworking, faults, the
 * exclusive monitor). The system level —
 * exception model, NVIC, SCB, SysTick, halting debug, FPB, DWT — lives in ./system and reaches the
 * bus through `ppb` (the core's own view) and `debugPort` (a debugger's view through the AHB-AP).
 *
 * Conventions every executor relies on (src/sim/cpu/isa, src/sim/cpu/fpu):
 * - `r` holds R0–R15 as int32. While an instruction executes, `r[15]` reads as its address + 4 (the
 *   Thumb PC value, ARMv7-M A5.1.2); executors never store to `r[15]` but call a *WritePc method.
 *   Between instructions `r[15]` is stale (compiled blocks set it only for instructions that read
 *   it): the PC is `pc`.
 *   R13 is the active stack pointer; writes to it must clear bits [1:0] (`writeSp`).
 * - APSR flags are separate fields holding 0 or 1 (`ge` holds GE[3:0]); `itState` is EPSR.IT[7:0].
 * - `nextPc` is the address of the next instruction; it is set to pc + size before the executor runs.
 * - A synchronous fault is raised by calling a method that records it and throws
 *   `InstructionAbort.instance`; `step()` catches it. Nothing a guest does may throw anything else.
 * - Executors add cycles beyond the first with `cycles += n` (timing model: see docs in step()).
 */
export class Cpu {
  readonly r = new Int32Array(16);
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  q = 0;
  /** APSR.GE[3:0] as a 4-bit number. */
  ge = 0;
  /** EPSR.IT[7:0]: the base condition in [7:5] and the mask in [4:0] (ARMv7-M A7.3.3 ITSTATE). */
  itState = 0;
  /** Address of the instruction being executed (or to be executed next, between steps). */
  pc = 0;
  /** Where execution continues after the current instruction. */
  nextPc = 0;
  /** Core clock cycles since power-on; a float64 so it does not wrap in any realistic run. */
  cycles = 0;
  /** Instructions executed (including IT-skipped ones) since power-on: the benchmarks' MIPS count. */
  instructionsRetired = 0;
  /** Carry out of the last shift helper call (isa/alu.ts), so helpers need not return tuples. */
  shifterCarry = 0;

  /** S0–S31 as raw IEEE-754 single-precision bit patterns (D<n> = S<2n+1>:S<2n>). */
  readonly fpRegs = new Int32Array(32);
  fpscr = 0;

  /**
   * Set by LDRT/STRT-style executors around their access so the memory primitives check
   * unprivileged access rights; false otherwise.
   */
  forceUnprivileged = false;

  // --- System state (B1.4). Public for ./system; executors use the methods below instead. ------

  /** IPSR: the exception number being handled, 0 in Thread mode (Handler mode ⇔ ipsr ≠ 0). */
  ipsr = 0;
  /** EPSR.T (0 or 1). 0 makes the next instruction fault with INVSTATE. */
  thumb = 1;
  /** CONTROL: nPRIV bit 0, SPSEL bit 1, FPCA bit 2 (B1.4.4). */
  control = 0;
  primask = 0;
  faultmask = 0;
  /** BASEPRI[7:0]; only bits [7:4] are implemented, as on the STM32F4. */
  basepri = 0;
  /** True when r[13] holds SP_process; the other banked SP is kept in `otherSp` (B1.4.1). */
  onProcessStack = false;
  otherSp = 0;
  /** The event register that WFE consumes (B1.5.18). */
  eventRegister = 0;

  /** Sleeping after WFI/WFE/SLEEPONEXIT: `sleepKind` is a SLEEP value; SCR.SLEEPDEEP says how deep. */
  sleepKind: number = SLEEP.NONE;
  /** Halted in Debug state (DHCSR.S_HALT). Nothing executes until the debugger resumes. */
  halted = false;
  /** Lock-up (DHCSR.S_LOCKUP): the core fetches nothing; PC reads 0xEFFFFFFE (B1.5.15). */
  lockedUp = false;

  /** Where the current `run()` ends (cycles); `requestRunExit` brings it forward. */
  private runEnd = 0;
  /** Non-zero when the step loop must look at system state before the next instruction (ATTN bits). */
  attention = 0;
  /** The cycle count at which a timed event (SysTick reaching zero) is due; Infinity if none. */
  nextEventCycle = Infinity;
  /** True while a DWT data watchpoint is armed: the memory primitives then check each access. */
  watchData = false;
  /** The EXC_RETURN value an instruction wrote to the PC, consumed at the next boundary. */
  pendingExcReturn = 0;
  /** Requests made through AIRCR, performed at the next instruction boundary. */
  resetRequest: ResetKind | undefined = undefined;

  readonly nvic: Nvic;
  readonly scb: Scb;
  readonly sysTick: SysTick;
  readonly debug: Debug;
  readonly fpb: Fpb;
  readonly dwt: Dwt;
  /** The Private Peripheral Bus (0xE0000000–0xE00FFFFF) as the core's own loads and stores see it. */
  readonly ppb: SystemControlSpace;
  /** The same registers as a debugger sees them through the AHB-AP (always privileged; may set C_DEBUGEN). */
  readonly debugPort: SystemControlSpace;

  /**
   * Hooks the SoC wires. `onSystemResetRequest` gets AIRCR.SYSRESETREQ: the SoC resets its peripherals
   * and calls `reset('system')` (without a hook the core resets itself). `onSleep` reports entry to
   * sleep (deep = SCR.SLEEPDEEP); `onLockup` and `onHalt` report those states.
   */
  onSystemResetRequest: (() => void) | undefined = undefined;
  onSleep: ((deep: boolean) => void) | undefined = undefined;
  onLockup: (() => void) | undefined = undefined;
  onHalt: (() => void) | undefined = undefined;

  /**
   * Whether `run` executes straight-line code as compiled blocks (block.ts). Turning it off gives
   * the one-instruction-at-a-time loop, with identical results; tests compare the two.
   */
  compileBlocks = true;

  /** Local exclusive monitor (ARMv7-M A3.4): open, or tracking the address LDREX marked. */
  private exclusiveAddress = -1;

  /** Decoded instructions and compiled blocks (code-cache.ts). */
  private readonly code: CodeCache;

  /**
   * A core in its power-on state, except that nothing is read from the vector table yet: PC and SP
   * are 0 until `reset()` (or a test) sets them.
   */
  constructor(
    readonly bus: Bus,
    options: CpuOptions = {},
  ) {
    this.code = new CodeCache(this, bus);
    this.nvic = new Nvic(this, options.irqCount ?? 82);
    this.scb = new Scb(this);
    this.sysTick = new SysTick(this, options.sysTickCalib ?? 0, options.sysTickReferenceDivider ?? 8);
    this.debug = new Debug(this);
    this.fpb = new Fpb(this);
    this.dwt = new Dwt(this);
    this.ppb = new SystemControlSpace(this, false);
    this.debugPort = new SystemControlSpace(this, true);
    resetCore(this, 'power-on', false);
  }

  // ---------------------------------------------------------------------------------------------
  // Execution

  /**
   * Advances the core by one unit: takes a pending exception (stacking, then stopping at the
   * handler's first instruction) if one can preempt, else executes one instruction. A fault the
   * instruction raises is pending afterwards (the state still shows the abandoned instruction) and is
   * taken by the next call. Does nothing while halted, sleeping or locked up. Timing model: every instruction costs 1 cycle plus what its
   * executor adds (loads/stores, multiplies, divides, branches: see each executor); exception entry
   * and return cost 12 cycles each and a tail-chain 6 (the Cortex-M4 figures, TRM 3.3.1), plus 17
   * when the FP context is stacked or unstacked at once; deterministic by design.
   */
  step(): void {
    if (this.attention !== 0 && this.serviceAttention()) return;
    this.execute();
    // An exception return completes with the instruction that started it, so a caller stepping
    // through a handler sees the returned-to state at once.
    if ((this.attention & ATTN.RETURN) !== 0) this.completeExceptionReturn();
  }

  /**
   * Runs until `maxCycles` have elapsed or the core halts; sleeping and lock-up let time pass to the
   * next timed event (SysTick) or the budget's end. Returns the cycles that elapsed. The inner loop
   * tests two numbers per instruction: `attention` and the cycle limit. Straight-line code runs as
   * compiled blocks (block.ts), which make the same tests after every instruction, so `run` stops
   * at the same instruction, with the same state, cycles and instruction count, as with
   * `compileBlocks = false`.
   */
  run(maxCycles: number): number {
    const start = this.cycles;
    this.runEnd = start + maxCycles;
    while (this.cycles < this.runEnd) {
      const end = this.runEnd;
      if (this.cycles >= this.nextEventCycle) this.sysTick.update();
      if (this.attention !== 0 && this.serviceAttention()) {
        if (this.halted) break;
        if (this.sleepKind !== SLEEP.NONE || this.lockedUp) {
          const until = Math.min(end, this.nextEventCycle);
          if (until > this.cycles) {
            if (this.sleepKind !== SLEEP.NONE) this.dwt.sleepCycles(until - this.cycles);
            this.cycles = until;
          }
        }
        continue;
      }
      const limit = end < this.nextEventCycle ? end : this.nextEventCycle;
      // Straight-line code runs as compiled blocks (block.ts) that stop exactly where this loop
      // would; the first instruction after serviceAttention (attention still non-zero, e.g. while
      // instrumented) and IT-block instructions run one at a time.
      do {
        if (this.attention !== 0 || this.itState !== 0 || !this.compileBlocks) this.execute();
        else this.executeBlock(limit);
      } while ((this.attention === 0 || this.onlyCodeAttention()) && this.cycles < limit);
    }
    return this.cycles - start;
  }

  /**
   * Ends the current `run()` at the next instruction boundary. The SoC calls it from inside an
   * instruction when the slice it gave the core must end sooner: a peripheral access scheduled an
   * event before the slice's end, or the chip entered Stop or Standby (where HCLK stops).
   */
  requestRunExit(): void {
    this.runEnd = this.cycles;
    this.attention |= ATTN.CODE;
  }

  /** Executes the instruction at `pc`; a fault it raises is left pending for the next boundary. */
  private execute(): void {
    const pc = this.pc;
    try {
      const exec = this.code.lookup(pc);
      this.r[15] = pc + 4;
      const it = this.itState;
      // BKPT executes whatever its IT condition (A7.7.17); every other failing instruction is skipped.
      if (it !== 0 && !this.conditionPassed(it >>> 4) && (this.bus.fetch16(pc) & 0xff00) !== 0xbe00) {
        this.pc = this.nextPc;
        this.itState = advanceIt(it);
        this.cycles += 1;
        this.instructionsRetired += 1;
        return;
      }
      exec(this);
      this.pc = this.nextPc;
      if (it !== 0) this.itState = advanceIt(it);
      this.cycles += 1;
      this.instructionsRetired += 1;
    } catch (thrown) {
      this.abandonInstruction(thrown);
    }
  }

  /**
   * An instruction that faulted (or a block at its faulting instruction). The fault, already pending
   * with escalation applied, is taken at the next boundary, before anything else can run: the core
   * state still shows the abandoned instruction until then. Anything else is a simulator bug.
   */
  private abandonInstruction(thrown: unknown): void {
    // An LDRT/STRT that faulted must not leave the next instruction unprivileged.
    this.forceUnprivileged = false;
    if (thrown instanceof InstructionAbort) return;
    if (thrown instanceof BusError) {
      this.busFault(thrown);
      return;
    }
    throw thrown;
  }

  /**
   * Runs the compiled block at `pc` (compiling it on a miss) until it ends, a branch is taken,
   * `attention` becomes non-zero or `cycles` reaches `limit`. Faults are handled as in `execute`.
   */
  private executeBlock(limit: number): void {
    const block = this.code.block(this.pc);
    if (block === undefined) {
      this.execute();
      return;
    }
    try {
      block(this, limit);
    } catch (thrown) {
      this.abandonInstruction(thrown);
    }
  }

  /**
   * The loop's attention test: a lone ATTN.CODE (a block was invalidated) needs no service — unless
   * it came with `requestRunExit`, which ends the run here.
   */
  private onlyCodeAttention(): boolean {
    if (this.attention !== ATTN.CODE || this.cycles >= this.runEnd) return false;
    this.attention = 0;
    return true;
  }

  /**
   * Everything that is not plain instruction execution, at an instruction boundary. Returns true
   * when no instruction may execute now (halted, asleep, locked up, or an exception was just entered
   * — the handler's first instruction runs at the next call).
   */
  private serviceAttention(): boolean {
    this.attention &= ~ATTN.CODE;
    if ((this.attention & ATTN.RESET) !== 0) {
      // The reset is this boundary's work; the reset handler starts at the next one.
      this.performResetRequest();
      return true;
    }
    if ((this.attention & ATTN.RETURN) !== 0) this.completeExceptionReturn();
    if (this.halted) return true;
    if ((this.attention & ATTN.DEBUG_EVENT) !== 0) {
      this.attention &= ~ATTN.DEBUG_EVENT;
      if (this.debug.takeDebugEvent()) return true;
    }
    if (this.lockedUp) return this.lockupBoundary();
    if ((this.attention & ATTN.STATE) !== 0) {
      this.attention &= ~ATTN.STATE;
      if (this.thumb === 0) {
        // Executing with EPSR.T = 0 (A2.3.1, B1.4.2): the instruction is not executed.
        this.scb.cfsr |= CFSR.INVSTATE;
        if (!pendFault(this, EXCEPTION.UsageFault, usageFaultCatch(CFSR.INVSTATE))) return true;
      }
    }
    if (this.sleepKind !== SLEEP.NONE && !this.wakeUp()) {
      this.attention &= ~ATTN.EXCEPTIONS;
      return true;
    }
    let entered = false;
    if ((this.attention & ATTN.EXCEPTIONS) !== 0) {
      entered = this.takePending(this.pc);
      if (!entered) this.attention &= ~ATTN.EXCEPTIONS;
    }
    if ((this.attention & ATTN.INSTRUMENT) !== 0) {
      // A halting step ends after one instruction or, with interrupts unmasked, once the exception
      // pending after it has been entered: the core halts on the handler's first instruction (C1.5.2).
      if (this.debug.afterInstruction()) return true;
      if (entered) {
        this.debug.exceptionEnteredDuringStep();
        return true;
      }
      return this.debug.beforeInstruction();
    }
    return entered;
  }

  /** Takes the highest-priority pending exception if it can preempt (B1.5.4). */
  takePending(returnAddress: number): boolean {
    const exception = this.nvic.takeable(this.nvic.executionPriority(false));
    if (exception === 0) return false;
    exceptionEntry(this, exception, returnAddress);
    return true;
  }

  completeExceptionReturn(): void {
    this.attention &= ~ATTN.RETURN;
    exceptionReturn(this, this.pendingExcReturn);
  }

  /** In lock-up only an NMI (when locked up at priority -1) or a halt or reset gets out (B1.5.15). */
  private lockupBoundary(): boolean {
    if (this.nvic.pending[EXCEPTION.NMI] === 1 && this.nvic.executionPriority(false) > -2) {
      this.lockedUp = false;
      this.updateAttention();
      exceptionEntry(this, EXCEPTION.NMI, this.pc);
    }
    this.attention &= ~ATTN.EXCEPTIONS;
    return true;
  }

  /**
   * Whether a sleeping core wakes (B1.5.19): WFI on an exception that would preempt if PRIMASK were
   * clear; WFE on the event register (consumed) or an exception that can be taken.
   */
  private wakeUp(): boolean {
    let wake: boolean;
    if (this.sleepKind === SLEEP.WFE && this.eventRegister === 1) {
      this.eventRegister = 0;
      wake = true;
    } else {
      const ignorePrimask = this.sleepKind === SLEEP.WFI;
      wake = this.nvic.takeable(this.nvic.executionPriority(ignorePrimask)) !== 0;
    }
    if (wake) {
      this.sleepKind = SLEEP.NONE;
      this.updateAttention();
    }
    return wake;
  }

  private performResetRequest(): void {
    this.attention &= ~ATTN.RESET;
    const kind = this.resetRequest;
    this.resetRequest = undefined;
    if (kind === 'system' && this.onSystemResetRequest !== undefined) this.onSystemResetRequest();
    else if (kind !== undefined) this.reset(kind);
  }

  /**
   * Resets the core (B1.5.5 TakeReset: MSP and PC from the vector table at VTOR, Thread mode,
   * privileged, everything inactive). What survives depends on the kind (C1.4, B1.5.5):
   * - 'power-on' clears everything, including the debug logic: DHCSR, DEMCR, DFSR, FPB and DWT.
   * - 'system' (SYSRESETREQ or NRST; the SoC resets its peripherals) and 'local' (AIRCR.VECTRESET)
   *   leave the debug logic alone: DHCSR keeps C_DEBUGEN/C_HALT/C_STEP/C_MASKINTS/C_SNAPSTALL (only
   *   its S_* status bits change, and S_RESET_ST is set), DEMCR, DFSR, FPB and DWT keep their values,
   *   so a debugger stays attached and VC_CORERESET can halt the core on the reset vector.
   * Returns with the core halted (DFSR.VCATCH) if C_DEBUGEN and DEMCR.VC_CORERESET are set.
   */
  reset(kind: ResetKind = 'power-on'): void {
    resetCore(this, kind, true);
  }

  /** Drives external interrupt line `irq` (a level: the NVIC re-pends it while asserted, B3.4.1). */
  setIrqLevel(irq: number, level: boolean): void {
    this.nvic.setLevel(irq, level);
  }

  /** A pulse on external interrupt line `irq`: sets it pending (B3.4.1). */
  pendIrq(irq: number): void {
    this.nvic.setPending(EXCEPTION.IRQ0 + irq);
  }

  /** True while asleep; `deepSleep` tells the SoC which low-power mode that is (SCR.SLEEPDEEP). */
  get sleeping(): boolean {
    return this.sleepKind !== SLEEP.NONE;
  }

  get deepSleep(): boolean {
    return this.sleepKind !== SLEEP.NONE && (this.scb.scr & SCR.SLEEPDEEP) !== 0;
  }

  /** Recomputes the persistent bits of `attention` from the states they stand for. */
  updateAttention(): void {
    let bits = 0;
    if (this.sleepKind !== SLEEP.NONE) bits |= ATTN.SLEEP;
    if (this.lockedUp) bits |= ATTN.LOCKUP;
    if (this.halted) bits |= ATTN.HALTED;
    if (this.debug.needsInstrumentation()) bits |= ATTN.INSTRUMENT;
    this.attention = (this.attention & ~ATTN_PERSISTENT) | bits | ATTN.EXCEPTIONS;
  }

  /** Enters sleep (WFI, WFE, SLEEPONEXIT) and tells the SoC. */
  enterSleep(kind: number): void {
    this.sleepKind = kind;
    this.updateAttention();
    this.onSleep?.((this.scb.scr & SCR.SLEEPDEEP) !== 0);
  }

  /** Lock-up (B1.5.15): stop fetching with PC = 0xEFFFFFFE until reset, halt or (at -1) NMI. */
  enterLockup(): void {
    this.lockedUp = true;
    this.sleepKind = SLEEP.NONE;
    this.pc = 0xefff_fffe | 0;
    this.nextPc = this.pc;
    this.updateAttention();
    this.onLockup?.();
  }

  /**
   * Forgets decoded instructions overlapping [address, address + length). The bus owner calls this
   * for writes the core does not make itself; the core's own stores call it too.
   */
  invalidateCode(address: number, length: number): void {
    this.code.invalidate(address, length);
  }

  /** ConditionPassed() for a 4-bit condition code (ARMv7-M A7.3.1). */
  conditionPassed(cond: number): boolean {
    let result: boolean;
    switch (cond >>> 1) {
      case 0:
        result = this.z === 1;
        break;
      case 1:
        result = this.c === 1;
        break;
      case 2:
        result = this.n === 1;
        break;
      case 3:
        result = this.v === 1;
        break;
      case 4:
        result = this.c === 1 && this.z === 0;
        break;
      case 5:
        result = this.n === this.v;
        break;
      case 6:
        result = this.n === this.v && this.z === 0;
        break;
      default:
        return true; // 0b1110 AL; 0b1111 is treated as AL too (it only appears in IT as UNPREDICTABLE)
    }
    return (cond & 1) === 1 && cond !== 0b1111 ? !result : result;
  }

  // ---------------------------------------------------------------------------------------------
  // Register writes with architectural side effects

  /** Writes R13: bits [1:0] of the stack pointers are always zero (ARMv7-M B1.4.1). */
  writeSp(value: number): void {
    this.r[13] = value & ~3;
  }

  /** BranchWritePC / ALUWritePC: a plain branch; bit 0 is ignored. */
  branchWritePc(address: number): void {
    this.nextPc = address & ~1;
  }

  /**
   * BXWritePC / BLXWritePC / LoadWritePC: interworking branch. In Handler mode an EXC_RETURN value
   * (0xFxxxxxxx) starts an exception return, performed once the instruction completes (so POP/LDM
   * write back SP first, B1.5.8); otherwise bit 0 must be 1 (Thumb), else INVSTATE faults on the next
   * instruction (ARMv7-M A2.3.1).
   */
  bxWritePc(address: number): void {
    if (address >>> 28 === 0xf && this.ipsr !== 0) {
      this.pendingExcReturn = address | 0;
      this.attention |= ATTN.RETURN;
      this.nextPc = this.pc;
      return;
    }
    if ((address & 1) === 0) {
      this.thumb = 0;
      this.attention |= ATTN.STATE;
    }
    this.nextPc = address & ~1;
  }

  /** The stack pointers by name, whichever is in R13 (B1.4.1). */
  readMsp(): number {
    return this.onProcessStack ? this.otherSp : this.r[13]!;
  }

  readPsp(): number {
    return this.onProcessStack ? this.r[13]! : this.otherSp;
  }

  writeMsp(value: number): void {
    if (this.onProcessStack) this.otherSp = value & ~3;
    else this.r[13] = value & ~3;
  }

  writePsp(value: number): void {
    if (this.onProcessStack) this.r[13] = value & ~3;
    else this.otherSp = value & ~3;
  }

  /** Makes R13 the process (true) or main stack pointer, banking the other. */
  selectStack(process: boolean): void {
    if (process === this.onProcessStack) return;
    const current = this.r[13]!;
    this.r[13] = this.otherSp;
    this.otherSp = current;
    this.onProcessStack = process;
  }

  /** Re-derives the active stack from the mode and CONTROL.SPSEL (after IPSR or CONTROL changed). */
  syncStackSelection(): void {
    this.selectStack(this.ipsr === 0 && (this.control & 2) !== 0);
  }

  /** xPSR as MRS XPSR / the debugger / exception stacking see it (B1.4.2). */
  get xpsr(): number {
    return readXpsr(this);
  }

  // ---------------------------------------------------------------------------------------------
  // Memory access (ARMv7-M A3.2: unaligned LDR/STR/LDRH/STRH allowed unless CCR.UNALIGN_TRP;
  // LDM/STM/LDRD/STRD/LDREX/STREX/PUSH/POP and FP loads/stores always need natural alignment).
  // `watchData` is only true while a DWT data watchpoint is armed (C1.8.5).

  read32(address: number): number {
    if ((address & 3) === 0) {
      if (this.watchData) this.dwt.checkData(address, 4, false);
      return this.bus.read32(address);
    }
    this.checkUnalignedAllowed();
    return (
      this.read8(address) |
      (this.read8(address + 1) << 8) |
      (this.read8(address + 2) << 16) |
      (this.read8(address + 3) << 24)
    );
  }

  read16(address: number): number {
    if ((address & 1) === 0) {
      if (this.watchData) this.dwt.checkData(address, 2, false);
      return this.bus.read16(address);
    }
    this.checkUnalignedAllowed();
    return this.read8(address) | (this.read8(address + 1) << 8);
  }

  read8(address: number): number {
    if (this.watchData) this.dwt.checkData(address, 1, false);
    return this.bus.read8(address);
  }

  /** A word access that must be aligned (LDM, LDRD, LDREX, ...). */
  read32Aligned(address: number): number {
    if ((address & 3) !== 0) this.usageFault(CFSR.UNALIGNED);
    if (this.watchData) this.dwt.checkData(address, 4, false);
    return this.bus.read32(address);
  }

  read16Aligned(address: number): number {
    if ((address & 1) !== 0) this.usageFault(CFSR.UNALIGNED);
    if (this.watchData) this.dwt.checkData(address, 2, false);
    return this.bus.read16(address);
  }

  write32(address: number, value: number): void {
    if ((address & 3) === 0) {
      if (this.watchData) this.dwt.checkData(address, 4, true);
      this.bus.write32(address, value);
      this.invalidateCode(address, 4);
      return;
    }
    this.checkUnalignedAllowed();
    for (let i = 0; i < 4; i++) this.write8(address + i, value >>> (8 * i));
  }

  write16(address: number, value: number): void {
    if ((address & 1) === 0) {
      if (this.watchData) this.dwt.checkData(address, 2, true);
      this.bus.write16(address, value);
      this.invalidateCode(address, 2);
      return;
    }
    this.checkUnalignedAllowed();
    this.write8(address, value);
    this.write8(address + 1, value >>> 8);
  }

  write8(address: number, value: number): void {
    if (this.watchData) this.dwt.checkData(address, 1, true);
    this.bus.write8(address, value);
    this.invalidateCode(address, 1);
  }

  write32Aligned(address: number, value: number): void {
    if ((address & 3) !== 0) this.usageFault(CFSR.UNALIGNED);
    this.write32(address, value);
  }

  write16Aligned(address: number, value: number): void {
    if ((address & 1) !== 0) this.usageFault(CFSR.UNALIGNED);
    this.write16(address, value);
  }

  /** CCR.UNALIGN_TRP makes every unaligned access a UsageFault UNALIGNED (B3.2.8). */
  private checkUnalignedAllowed(): void {
    if ((this.scb.ccr & CCR.UNALIGN_TRP) !== 0) this.usageFault(CFSR.UNALIGNED);
  }

  // ---------------------------------------------------------------------------------------------
  // Exclusive monitor (single core: only the local monitor matters)

  setExclusiveMonitor(address: number): void {
    this.exclusiveAddress = address >>> 0;
  }

  /** ExclusiveMonitorsPass(): true if the STREX may store; the monitor is cleared either way. */
  exclusiveMonitorsPass(address: number): boolean {
    const pass = this.exclusiveAddress === address >>> 0;
    this.exclusiveAddress = -1;
    return pass;
  }

  /** ClearExclusiveLocal(): CLREX, and every exception entry and return (B1.5.6, B1.5.8). */
  clearExclusiveLocal(): void {
    this.exclusiveAddress = -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Faults and system instructions

  /** Raises a UsageFault with the given CFSR.UFSR bit and abandons the current instruction. */
  usageFault(cfsrBit: number): never {
    this.scb.cfsr |= cfsrBit;
    pendFault(this, EXCEPTION.UsageFault, usageFaultCatch(cfsrBit));
    throw InstructionAbort.instance;
  }

  /**
   * SDIV/UDIV by zero: a UsageFault DIVBYZERO when CCR.DIV_0_TRP is set, else returns and the
   * caller writes 0 (ARMv7-M A7.7.127).
   */
  divideByZero(): void {
    if ((this.scb.ccr & CCR.DIV_0_TRP) !== 0) this.usageFault(CFSR.DIVBYZERO);
  }

  /** UNDEFINED encodings and unimplemented coprocessors end here (UsageFault UNDEFINSTR). */
  undefinedInstruction(): never {
    this.usageFault(CFSR.UNDEFINSTR);
  }

  /**
   * A BusError from the bus: a precise BusFault (IBUSERR for fetches, PRECISERR + BFAR for data) or,
   * for a fetch from an Execute Never region of the default map, MemManage IACCVIOL (B3.1.1). The
   * instruction is abandoned; the fault is taken with its address as the return address.
   */
  private busFault(error: BusError): void {
    if (error.access === 'fetch') fetchFault(this, error.address);
    else busFaultFor(this, error);
  }

  /** ExecuteFPCheck(): CPACR gating (NOCP), lazy FP state preservation, CONTROL.FPCA. */
  executeFpCheck(): void {
    executeFpCheck(this);
  }

  /** CurrentModeIsPrivileged(): Handler mode or CONTROL.nPRIV == 0 (B1.3.1). */
  isPrivileged(): boolean {
    return this.ipsr !== 0 || (this.control & 1) === 0;
  }

  readSpecial(sysm: number): number {
    return readSpecial(this, sysm);
  }

  writeSpecial(sysm: number, mask: number, value: number): void {
    writeSpecial(this, sysm, mask, value);
  }

  changeProcessorState(disable: boolean, affectPrimask: boolean, affectFaultmask: boolean): void {
    changeProcessorState(this, disable, affectPrimask, affectFaultmask);
  }

  /**
   * SVC (A7.7.175): SVCall becomes pending and is taken once the instruction completes, so the
   * stacked return address is the next instruction. An SVC that cannot preempt (executed at or above
   * SVCall's priority) escalates to HardFault; where HardFault cannot run either, the core locks up.
   */
  supervisorCall(_imm8: number): void {
    if (!pendFault(this, EXCEPTION.SVCall, 0)) throw InstructionAbort.instance;
  }

  /**
   * BKPT (C1.5.1): halts before the BKPT when C_DEBUGEN (DFSR.BKPT); else a DebugMonitor exception if
   * DEMCR.MON_EN; else a HardFault with HFSR.DEBUGEVT. Either way the BKPT does not complete.
   */
  breakpoint(_imm8: number): void {
    this.debug.breakpointEvent();
    throw InstructionAbort.instance;
  }

  /** WFI (A7.7.183): sleeps until an exception would preempt if PRIMASK were clear (B1.5.19). */
  waitForInterrupt(): void {
    this.enterSleep(SLEEP.WFI);
  }

  /** WFE (A7.7.182): consumes a set event register, else sleeps until an event (B1.5.18). */
  waitForEvent(): void {
    if (this.eventRegister === 1) {
      this.eventRegister = 0;
      return;
    }
    this.enterSleep(SLEEP.WFE);
  }

  /** SEV (A7.7.129): single core, so the event is this core's own event register. */
  sendEvent(): void {
    this.eventRegister = 1;
  }

  /** Enters Debug state with the given DFSR bits (C1.4); exits sleep and lock-up. */
  enterDebugState(dfsrBits: number): void {
    this.debug.halt(dfsrBits);
  }
}

/** ITAdvance() (ARMv7-M A7.3.3): shift the mask; an empty mask ends the block. */
function advanceIt(it: number): number {
  return (it & 0x7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
}
