import { DEBUG_REG, DHCSR } from '../arch/armv7m/debug.js';
import { REGSEL } from '../arch/armv7m/regsel.js';
import { hex32 } from '../util/bytes.js';
import { TargetError } from '../util/errors.js';
import { Breakpoints } from './breakpoints.js';
import { readCoreIdentity, type CoreIdentity } from './core-identity.js';
import { CoreRegisterFile, type CoreRegisterName, type CoreRegisters } from './core-registers.js';
import { DhcsrMonitor, type CoreState, type CoreStatus } from './core-state.js';
import { WALL_CLOCK, type Clock, type DebugAccess } from './debug-access.js';
import { decodeFaultStatus, readFaultRegisters, type FaultStatus } from './fault-status.js';
import { DFSR_ALL, haltCausesOf, type HaltCause } from './halt-reason.js';
import { resetCore, type CoreResetMethod } from './reset.js';
import { Watchpoints, type Watchpoint } from './watchpoints.js';
import { pollUntil } from './wait.js';

export interface CortexMOptions {
  readonly clock?: Clock;
  /** How long a halt or a step may take to show in DHCSR. Default 100 ms. */
  readonly haltTimeoutMs?: number;
  /** How long a reset may take to show (and halt at the vector). Default 300 ms. */
  readonly resetTimeoutMs?: number;
  /** NRST low time for a pin reset. Default 5 ms. */
  readonly nrstLowMs?: number;
}

export interface HaltReason {
  readonly causes: readonly HaltCause[];
  /** The watchpoints that matched, when a watchpoint stopped the core. */
  readonly watchpoints: readonly Watchpoint[];
}

const KEY = DHCSR.DBGKEY;
const DEBUGEN = DHCSR.C_DEBUGEN;

/**
 * An ARMv7-M core (Cortex-M3/M4/M7) under halting debug (ARM DDI 0403E C1): halt, resume, single
 * step, reset with or without a halt at the reset vector, core and FPU registers by name, FPB
 * breakpoints, DWT watchpoints, its state from DHCSR, fault status, and running code for the flash
 * driver (the shape of flash/algorithm.ts's AlgorithmCore, which flash/ declares above this layer). It sees the target only through the probe's DebugAccess.
 *
 * DHCSR's control bits are rewritten whole with each write (C1.6.2): C_MASKINTS is changed only
 * while the core is halted, in a write that keeps C_HALT set, as C1.6.2 requires.
 */
export class CortexM {
  readonly dhcsr: DhcsrMonitor;
  readonly registers: CoreRegisterFile;
  readonly breakpoints: Breakpoints;
  readonly watchpoints: Watchpoints;
  private readonly clock: Clock;
  private readonly haltTimeoutMs: number;
  private readonly resetTimeoutMs: number;
  private readonly nrstLowMs: number;
  private identity: CoreIdentity | undefined;

  constructor(
    readonly access: DebugAccess,
    options: CortexMOptions = {},
  ) {
    this.clock = options.clock ?? WALL_CLOCK;
    this.haltTimeoutMs = options.haltTimeoutMs ?? 100;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 300;
    this.nrstLowMs = options.nrstLowMs ?? 5;
    this.dhcsr = new DhcsrMonitor(access);
    this.registers = new CoreRegisterFile(access);
    this.breakpoints = new Breakpoints(access);
    this.watchpoints = new Watchpoints(access);
  }

  /** CPUID and whether the FPU exists (read once). */
  async identify(): Promise<CoreIdentity> {
    this.identity ??= await readCoreIdentity(this.access);
    return this.identity;
  }

  status(): Promise<CoreStatus> {
    return this.dhcsr.status();
  }

  async state(): Promise<CoreState> {
    return (await this.dhcsr.status()).state;
  }

  async isHalted(): Promise<boolean> {
    return ((await this.dhcsr.read()) & DHCSR.S_HALT) !== 0;
  }

  /** Clears DFSR, so that the next halt's reason is that halt's alone. */
  async clearHaltReason(): Promise<void> {
    await this.access.write32(DEBUG_REG.DFSR, DFSR_ALL);
  }

  /** Sets C_DEBUGEN without changing whether the core runs (what attaching does). */
  async enableDebug(): Promise<void> {
    const dhcsr = await this.dhcsr.read();
    if (dhcsr & DEBUGEN) return;
    await this.writeControl(DEBUGEN | (dhcsr & DHCSR.S_HALT ? DHCSR.C_HALT : 0));
  }

  /** Requests a halt and waits for S_HALT; TargetError `halt-timeout` if it never comes. */
  async halt(timeoutMs = this.haltTimeoutMs): Promise<void> {
    await this.writeControl(DEBUGEN | DHCSR.C_HALT);
    await this.waitForHalt(timeoutMs);
  }

  /** Waits for S_HALT (a halt already requested, a breakpoint, a vector catch); TargetError `halt-timeout`. */
  async waitForHalt(timeoutMs = this.haltTimeoutMs): Promise<void> {
    const halted = await pollUntil(this.clock, timeoutMs, async () =>
      (await this.dhcsr.read()) & DHCSR.S_HALT ? true : undefined,
    );
    if (halted === undefined) {
      const dhcsr = this.dhcsr.last;
      const why =
        dhcsr & DHCSR.S_RESET_ST
          ? ' (the core is held in reset)'
          : dhcsr & DHCSR.S_SLEEP
            ? ' (the core sleeps and its clock may be stopped)'
            : '';
      throw new TargetError(
        'halt-timeout',
        `the core did not halt within ${timeoutMs} ms${why} (DHCSR ${hex32(dhcsr)})`,
        { hint: 'Connect under reset (`--connect under-reset`) to halt it before the firmware runs.' },
      );
    }
  }

  /**
   * Lets a halted core run, with interrupts unmasked. A breakpoint at the PC would stop it again at
   * once, so the instruction there is stepped over first.
   */
  async resume(): Promise<void> {
    const dhcsr = await this.dhcsr.read();
    if ((dhcsr & DHCSR.S_HALT) === 0) return;
    const pc = await this.registers.read('pc');
    if (await this.breakpoints.isSetAt(pc)) await this.step();
    await this.clearHaltReason();
    // C_MASKINTS (left set by an algorithm run or a step) is cleared while still halted, then C_HALT.
    await this.writeControl(DEBUGEN | DHCSR.C_HALT);
    await this.writeControl(DEBUGEN);
  }

  /**
   * Executes one instruction and returns the new PC. With `maskInterrupts` (the default) pending
   * interrupts are not taken during the step (C_MASKINTS), so a step in main stays in main rather
   * than walking into the SysTick handler. A breakpoint on the instruction is passed over (the FPB is
   * off for the step). The core is halted first if it runs.
   */
  async step(options: { readonly maskInterrupts?: boolean } = {}): Promise<number> {
    const mask = (options.maskInterrupts ?? true) ? DHCSR.C_MASKINTS : 0;
    if (!(await this.isHalted())) await this.halt();
    const pc = await this.registers.read('pc');
    const overBreakpoint = await this.breakpoints.isSetAt(pc);
    if (overBreakpoint) await this.breakpoints.enable(false);
    try {
      await this.clearHaltReason();
      await this.writeControl(DEBUGEN | DHCSR.C_HALT | mask);
      await this.writeControl(DEBUGEN | DHCSR.C_STEP | mask);
      const halted = await pollUntil(this.clock, this.haltTimeoutMs, async () =>
        (await this.dhcsr.read()) & DHCSR.S_HALT ? true : undefined,
      );
      if (halted === undefined) {
        await this.writeControl(DEBUGEN | DHCSR.C_HALT);
        throw new TargetError(
          'step-timeout',
          `a single step from ${hex32(pc)} did not halt again within ${this.haltTimeoutMs} ms (DHCSR ${hex32(this.dhcsr.last)})`,
          {
            hint: 'The instruction may wait for something (WFI, a stalled bus access); halt and look at the PC.',
          },
        );
      }
      await this.writeControl(DEBUGEN | DHCSR.C_HALT);
    } finally {
      if (overBreakpoint) await this.breakpoints.enable(true);
    }
    return this.registers.read('pc');
  }

  /** Resets by `method`; with `halt`, the core stops before the reset handler's first instruction. */
  async reset(method: CoreResetMethod, halt: boolean): Promise<void> {
    await resetCore(
      {
        access: this.access,
        dhcsr: this.dhcsr,
        clock: this.clock,
        timeoutMs: this.resetTimeoutMs,
        nrstLowMs: this.nrstLowMs,
      },
      method,
      halt,
    );
  }

  /** One register by name; the core must be halted (TargetError `core-running` otherwise). */
  async readRegister(name: CoreRegisterName): Promise<number> {
    await this.requireHalted(`read ${name}`);
    return this.registers.read(name);
  }

  async writeRegister(name: CoreRegisterName, value: number): Promise<void> {
    await this.requireHalted(`write ${name}`);
    await this.registers.write(name, value);
  }

  /**
   * Every core register, and the FPU's when the core has the Floating-point extension. Debug access
   * to the FP registers through DCRSR does not depend on CPACR (C1.6.3 reserves those selectors only
   * when the extension is absent), so they are read even before the firmware enables the FPU.
   */
  async readRegisters(): Promise<CoreRegisters> {
    await this.requireHalted('read the registers');
    return this.registers.readAll((await this.identify()).hasFpu);
  }

  /** CFSR, HFSR, MMFAR and BFAR in words (readable while the core runs). */
  async faultStatus(): Promise<FaultStatus> {
    return decodeFaultStatus(await readFaultRegisters(this.access));
  }

  /** Why the core last halted (DFSR, then cleared), and which watchpoints matched. */
  async haltReason(): Promise<HaltReason> {
    const dfsr = (await this.access.read32(DEBUG_REG.DFSR)) >>> 0;
    await this.access.write32(DEBUG_REG.DFSR, dfsr & DFSR_ALL);
    const causes = haltCausesOf(dfsr);
    const watchpoints = causes.includes('watchpoint') ? await this.watchpoints.hits() : [];
    return { causes, watchpoints };
  }

  /**
   * Leaves the core to itself: our breakpoints and watchpoints removed, then either resumed with
   * C_DEBUGEN cleared (so a BKPT in the firmware faults instead of stopping a core nobody watches),
   * or left halted.
   */
  async detach(options: { readonly resume: boolean }): Promise<void> {
    await this.breakpoints.clear();
    await this.watchpoints.clear();
    if (!options.resume) return;
    if (await this.isHalted()) {
      const pc = await this.registers.read('pc');
      if (await this.breakpoints.isSetAt(pc)) await this.step();
      await this.writeControl(DEBUGEN | DHCSR.C_HALT);
    }
    await this.access.writeDebugRegister(DEBUG_REG.DHCSR, KEY);
  }

  // --- AlgorithmCore: the flash driver's RAM loader.

  async startAlgorithm(run: {
    readonly entry: number;
    readonly args: readonly number[];
    readonly stack: number;
  }): Promise<void> {
    for (const [i, value] of run.args.entries()) await this.access.writeRegister(REGSEL.R0 + i, value >>> 0);
    await this.access.writeRegister(REGSEL.SP, run.stack >>> 0);
    // EPSR.T set (Thumb), IPSR 0: the loader runs in Thread mode as a plain function would.
    await this.access.writeRegister(REGSEL.xPSR, 0x0100_0000);
    await this.access.writeRegister(REGSEL.DebugReturnAddress, (run.entry & ~1) >>> 0);
    await this.writeControl(DEBUGEN | DHCSR.C_HALT | DHCSR.C_MASKINTS);
    await this.writeControl(DEBUGEN | DHCSR.C_MASKINTS);
  }

  readCoreRegister(index: number): Promise<number> {
    return this.access.readRegister(index);
  }

  // ---

  private async writeControl(bits: number): Promise<void> {
    await this.access.writeDebugRegister(DEBUG_REG.DHCSR, (KEY | bits) >>> 0);
  }

  private async requireHalted(what: string): Promise<void> {
    if (await this.isHalted()) return;
    throw new TargetError('core-running', `cannot ${what}: the core is running`, {
      hint: 'Core registers are reachable only while the core is halted: halt it first (`swdkit halt`).',
    });
  }
}
