import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { ATTN } from './attention.js';
import { CONTROL } from '../../../arch/armv7m/special-registers.js';
import { DCRSR, DEMCR, DFSR, DHCSR } from '../../../arch/armv7m/debug.js';
import { REGSEL } from '../../../arch/armv7m/regsel.js';
import { HFSR } from '../../../arch/armv7m/scb.js';
import { pendFault } from './faults.js';
import { writeXpsr } from './special-registers.js';

const DHCSR_CONTROL = DHCSR.C_DEBUGEN | DHCSR.C_HALT | DHCSR.C_STEP | DHCSR.C_MASKINTS | DHCSR.C_SNAPSTALL;
const DEMCR_WRITABLE = 0x010f_07f1;

/** Halting step state machine (C1.5.2): armed on resume with C_STEP, done once one unit ran. */
const STEP_IDLE = 0;
const STEP_ARMED = 1;
const STEP_DONE = 2;

/**
 * Halting debug and the debug monitor controls (ARMv7-M C1): DHCSR, DCRSR, DCRDR, DEMCR and DFSR,
 * halting, single-stepping, BKPT and vector catch. These registers are reset only by a power-on
 * reset (C1.4): `powerOnReset()`; a system or local reset calls `coreReset()`, which sets
 * DHCSR.S_RESET_ST and keeps everything else.
 */
export class Debug {
  /** DHCSR control bits (C_*); the S_* bits are derived from the core's state when read. */
  dhcsr = 0;
  demcr = 0;
  dfsr = 0;
  dcrdr = 0;
  private resetSticky = false;
  /** `cycles` minus sleeping cycles at the last DHCSR read, for S_RETIRE_ST. */
  private retireMark = 0;
  private stepState = STEP_IDLE;
  private haltRequested = false;
  private monitorStepArmed = false;
  private dwtTrap = false;
  private lastCycles = 0;

  constructor(private readonly cpu: Cpu) {}

  powerOnReset(): void {
    this.dhcsr = 0;
    this.demcr = 0;
    this.dfsr = 0;
    this.dcrdr = 0;
    this.coreReset();
    this.resetSticky = false;
    this.applyControls();
  }

  /** What a system or local reset does to the debug logic: only status changes (C1.4). */
  coreReset(): void {
    this.resetSticky = true;
    this.stepState = STEP_IDLE;
    this.haltRequested = false;
    this.monitorStepArmed = false;
    this.dwtTrap = false;
    this.applyControls();
  }

  private get debugEnabled(): boolean {
    return (this.dhcsr & DHCSR.C_DEBUGEN) !== 0;
  }

  /** Propagates DHCSR/DEMCR settings into the NVIC and the attention bits. */
  applyControls(): void {
    const cpu = this.cpu;
    cpu.nvic.maskInts = this.debugEnabled && (this.dhcsr & DHCSR.C_MASKINTS) !== 0;
    cpu.nvic.enabled[EXCEPTION.DebugMonitor] = (this.demcr & DEMCR.MON_EN) !== 0 ? 1 : 0;
    cpu.dwt.recompute();
    cpu.updateAttention();
  }

  /** True when the step loop must call in before/after every instruction. */
  needsInstrumentation(): boolean {
    const monitorStep =
      !this.debugEnabled &&
      (this.demcr & (DEMCR.MON_EN | DEMCR.MON_STEP)) === (DEMCR.MON_EN | DEMCR.MON_STEP);
    return this.stepState !== STEP_IDLE || monitorStep || this.cpu.fpb.active || this.cpu.dwt.instrumented;
  }

  // ---------------------------------------------------------------------------------------------
  // Entering and leaving Debug state

  /** Halts (C1.4): C_HALT and S_HALT read 1; sleep and lock-up end (lock-up is left by a halt). */
  halt(dfsrBits: number): void {
    const cpu = this.cpu;
    this.dfsr |= dfsrBits;
    this.dhcsr |= DHCSR.C_HALT;
    this.stepState = STEP_IDLE;
    this.monitorStepArmed = false;
    cpu.halted = true;
    cpu.sleepKind = 0;
    cpu.lockedUp = false;
    cpu.updateAttention();
    cpu.onHalt?.();
  }

  private resume(): void {
    const cpu = this.cpu;
    cpu.halted = false;
    this.stepState = (this.dhcsr & DHCSR.C_STEP) !== 0 ? STEP_ARMED : STEP_IDLE;
    this.applyControls();
  }

  /** Handles DEBUG_EVENT at a boundary: a halt request by software, a DWT match. True if halted. */
  takeDebugEvent(): boolean {
    if (this.haltRequested) {
      this.haltRequested = false;
      if (this.debugEnabled && (this.dhcsr & DHCSR.C_HALT) !== 0) {
        this.halt(DFSR.HALTED);
        return true;
      }
    }
    if (this.dwtTrap) {
      this.dwtTrap = false;
      return this.debugEvent(DFSR.DWTTRAP, false);
    }
    return false;
  }

  /**
   * A debug event (C1.5): halt when C_DEBUGEN; else DebugMonitor when MON_EN; else HardFault with
   * HFSR.DEBUGEVT for BKPT-type events, while watchpoints are then ignored. Returns true if halted or
   * an exception was entered (the caller's instruction does not run now).
   */
  private debugEvent(dfsrBit: number, breakpoint: boolean): boolean {
    const cpu = this.cpu;
    this.dfsr |= dfsrBit;
    if (this.debugEnabled) {
      this.halt(dfsrBit);
      return true;
    }
    if ((this.demcr & DEMCR.MON_EN) !== 0) {
      if (pendFault(cpu, EXCEPTION.DebugMonitor, 0)) cpu.takePending(cpu.pc);
      return true;
    }
    if (!breakpoint) return false;
    cpu.scb.hfsr |= HFSR.DEBUGEVT;
    if (pendFault(cpu, EXCEPTION.HardFault, 0)) cpu.takePending(cpu.pc);
    return true;
  }

  /** BKPT (C1.5.1); the instruction is abandoned by the caller. */
  breakpointEvent(): void {
    const cpu = this.cpu;
    this.dfsr |= DFSR.BKPT;
    if (this.debugEnabled) {
      this.halt(DFSR.BKPT);
      return;
    }
    if ((this.demcr & DEMCR.MON_EN) !== 0) {
      pendFault(cpu, EXCEPTION.DebugMonitor, 0);
      return;
    }
    cpu.scb.hfsr |= HFSR.DEBUGEVT;
    pendFault(cpu, EXCEPTION.HardFault, 0);
  }

  /** At a boundary, before anything else: completes a halting or monitor step. True if halted. */
  afterInstruction(): boolean {
    const cpu = this.cpu;
    this.cpu.dwt.countCpi(cpu.cycles - this.lastCycles);
    this.lastCycles = cpu.cycles;
    if (this.stepState === STEP_DONE) {
      this.halt(DFSR.HALTED);
      return true;
    }
    if (this.monitorStepArmed) {
      this.monitorStepArmed = false;
      this.dfsr |= DFSR.HALTED;
      cpu.nvic.setPending(EXCEPTION.DebugMonitor);
    }
    return false;
  }

  /** An exception was entered at a boundary: that was the step (C1.5.2, C_MASKINTS clear). */
  exceptionEnteredDuringStep(): void {
    if (this.stepState === STEP_ARMED) this.stepState = STEP_DONE;
  }

  /**
   * At a boundary, just before an instruction executes: FPB breakpoints (halt before the
   * instruction, DFSR.BKPT), DWT PC comparators (a trap after it), arming a step. True if the
   * instruction must not execute now.
   */
  beforeInstruction(): boolean {
    const cpu = this.cpu;
    if (cpu.fpb.active && cpu.fpb.matches(cpu.pc)) {
      if (this.debugEvent(DFSR.BKPT, true)) return true;
    }
    if (cpu.dwt.instrumented && cpu.dwt.matchPc(cpu.pc)) this.watchpointHit();
    if (this.stepState === STEP_ARMED) this.stepState = STEP_DONE;
    else if (
      !this.debugEnabled &&
      (this.demcr & DEMCR.MON_STEP) !== 0 &&
      (this.demcr & DEMCR.MON_EN) !== 0 &&
      cpu.nvic.canPreempt(EXCEPTION.DebugMonitor, cpu.nvic.executionPriority(false))
    ) {
      this.monitorStepArmed = true;
    }
    this.lastCycles = cpu.cycles;
    return false;
  }

  /** A DWT comparator matched: the debug event happens once the instruction completes (C1.8). */
  watchpointHit(): void {
    this.dwtTrap = true;
    this.cpu.attention |= ATTN.DEBUG_EVENT;
  }

  // ---------------------------------------------------------------------------------------------
  // Registers: DHCSR, DCRSR, DCRDR, DEMCR (the SCS routes them here)

  readDhcsr(): number {
    const cpu = this.cpu;
    let value = this.dhcsr;
    if (cpu.halted) value |= DHCSR.S_HALT | DHCSR.S_REGRDY;
    if (cpu.sleepKind !== 0) value |= DHCSR.S_SLEEP;
    if (cpu.lockedUp) value |= DHCSR.S_LOCKUP;
    const retired = cpu.cycles - cpu.dwt.totalSleepCycles;
    if (retired !== this.retireMark) value |= DHCSR.S_RETIRE_ST;
    if (this.resetSticky) value |= DHCSR.S_RESET_ST;
    // The sticky bits clear on read (C1.6.3).
    this.retireMark = retired;
    this.resetSticky = false;
    return value | 0;
  }

  /**
   * DHCSR write (C1.6.2): ignored unless DBGKEY = 0xA05F. Only a debugger can change C_DEBUGEN;
   * software may change the other controls only while C_DEBUGEN is set. Clearing C_HALT while
   * halted resumes (stepping once when C_STEP); setting it halts — at once for a debugger (the core
   * is between instructions), at the next boundary for software.
   */
  writeDhcsr(value: number, fromDebugger: boolean): void {
    if (value >>> 16 !== DHCSR.DBGKEY >>> 16) return;
    const cpu = this.cpu;
    let control = value & DHCSR_CONTROL;
    if (!fromDebugger) {
      if (!this.debugEnabled) return;
      control |= DHCSR.C_DEBUGEN;
    }
    if ((control & DHCSR.C_DEBUGEN) === 0) control = 0;
    this.dhcsr = control;
    if (cpu.halted && (control & DHCSR.C_HALT) === 0) {
      this.resume();
    } else if (!cpu.halted && (control & DHCSR.C_HALT) !== 0) {
      if (fromDebugger) {
        if ((cpu.attention & ATTN.RETURN) !== 0) cpu.completeExceptionReturn();
        this.halt(DFSR.HALTED);
      } else {
        this.haltRequested = true;
        cpu.attention |= ATTN.DEBUG_EVENT;
      }
    }
    this.applyControls();
  }

  readDemcr(): number {
    let value = this.demcr & ~DEMCR.MON_PEND;
    if (this.cpu.nvic.pending[EXCEPTION.DebugMonitor] === 1) value |= DEMCR.MON_PEND;
    return value;
  }

  writeDemcr(value: number): void {
    this.cpu.dwt.traceEnableChanging();
    this.demcr = value & DEMCR_WRITABLE;
    const nvic = this.cpu.nvic;
    if ((value & DEMCR.MON_PEND) !== 0) nvic.setPending(EXCEPTION.DebugMonitor);
    else nvic.clearPending(EXCEPTION.DebugMonitor);
    this.applyControls();
  }

  /**
   * DCRSR write (C1.6.3): transfers between DCRDR and the register REGSEL selects — at once, so
   * S_REGRDY is always 1 in Debug state. Reserved selectors read as 0 and ignore writes.
   */
  writeDcrsr(value: number): void {
    const select = value & DCRSR.REGSEL_MASK;
    if ((value & DCRSR.REGWnR) !== 0) this.writeCoreRegister(select, this.dcrdr);
    else this.dcrdr = this.readCoreRegister(select);
  }

  readCoreRegister(select: number): number {
    const cpu = this.cpu;
    if (select <= REGSEL.LR) return cpu.r[select]!;
    if (select >= REGSEL.S0 && select <= REGSEL.S31) return cpu.fpRegs[select - REGSEL.S0]!;
    switch (select) {
      case REGSEL.DebugReturnAddress:
        return cpu.pc;
      case REGSEL.xPSR:
        return cpu.xpsr | 0;
      case REGSEL.MSP:
        return cpu.readMsp();
      case REGSEL.PSP:
        return cpu.readPsp();
      case REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK:
        return (cpu.control << 24) | (cpu.faultmask << 16) | (cpu.basepri << 8) | cpu.primask;
      case REGSEL.FPSCR:
        return cpu.fpscr;
      default:
        return 0;
    }
  }

  writeCoreRegister(select: number, value: number): void {
    const cpu = this.cpu;
    if (select <= REGSEL.R12 || select === REGSEL.LR) cpu.r[select] = value;
    else if (select >= REGSEL.S0 && select <= REGSEL.S31) cpu.fpRegs[select - REGSEL.S0] = value;
    else {
      switch (select) {
        case REGSEL.SP:
          cpu.writeSp(value);
          break;
        case REGSEL.DebugReturnAddress:
          cpu.pc = value & ~1;
          cpu.nextPc = cpu.pc;
          break;
        case REGSEL.xPSR:
          writeXpsr(cpu, value);
          break;
        case REGSEL.MSP:
          cpu.writeMsp(value);
          break;
        case REGSEL.PSP:
          cpu.writePsp(value);
          break;
        case REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK: {
          const control = (value >>> 24) & (CONTROL.nPRIV | CONTROL.SPSEL | CONTROL.FPCA);
          cpu.control = cpu.ipsr === 0 ? control : (control & ~CONTROL.SPSEL) | (cpu.control & CONTROL.SPSEL);
          cpu.faultmask = (value >>> 16) & 1;
          cpu.basepri = (value >>> 8) & 0xf0;
          cpu.primask = value & 1;
          cpu.syncStackSelection();
          cpu.attention |= ATTN.EXCEPTIONS;
          break;
        }
        case REGSEL.FPSCR:
          cpu.fpscr = value;
          break;
        default:
      }
    }
  }
}
