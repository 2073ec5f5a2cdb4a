import { BusError, type Bus } from './bus.js';
import { CFSR, EXCEPTION, InstructionAbort } from './exceptions.js';
import { decodeThumb } from './isa/decode.js';
import type { Executor } from './isa/executor.js';

/**
 * The Cortex-M4F core: architectural state, the fetch/decode/execute loop with its decoded-instruction
 * cache, and the primitives that instruction executors build on (memory access with the ARMv7-M
 * alignment rules, PC writes with interworking, faults, the exclusive monitor).
 *
 * Conventions every executor relies on (src/sim/cpu/isa, src/sim/cpu/fpu):
 * - `r` holds R0–R15 as int32. While an instruction executes, `r[15]` reads as its address + 4 (the
 *   Thumb PC value, ARMv7-M A5.1.2); executors never store to `r[15]` but call a *WritePc method.
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

  /** Local exclusive monitor (ARMv7-M A3.4): open, or tracking the address LDREX marked. */
  private exclusiveAddress = -1;

  private readonly codeBase: number[];
  private readonly codeSize: number[];
  private readonly decoded: (Executor | undefined)[][];
  private readonly decodedSize: Uint8Array[];

  constructor(readonly bus: Bus) {
    this.codeBase = bus.codeRegions.map((r) => r.base >>> 0);
    this.codeSize = bus.codeRegions.map((r) => r.size);
    this.decoded = bus.codeRegions.map((r) => new Array<Executor | undefined>(r.size >>> 1));
    this.decodedSize = bus.codeRegions.map((r) => new Uint8Array(r.size >>> 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Execution

  /**
   * Executes one instruction. Timing model: every instruction costs 1 cycle plus what its executor
   * adds (loads/stores, multiplies, divides, branches: see each executor); deterministic by design.
   */
  step(): void {
    const pc = this.pc;
    try {
      const exec = this.lookup(pc);
      this.r[15] = pc + 4;
      const it = this.itState;
      if (it !== 0 && !this.conditionPassed(it >>> 4)) {
        this.pc = this.nextPc;
        this.itState = advanceIt(it);
        this.cycles += 1;
        return;
      }
      exec(this);
      this.pc = this.nextPc;
      if (it !== 0) this.itState = advanceIt(it);
      this.cycles += 1;
    } catch (thrown) {
      if (thrown instanceof InstructionAbort) return;
      if (thrown instanceof BusError) {
        this.busFault(thrown);
        return;
      }
      throw thrown;
    }
  }

  /** Finds (decoding on a miss) the executor for the instruction at `pc` and sets `nextPc`. */
  private lookup(pc: number): Executor {
    const base = this.codeBase;
    for (let i = 0; i < base.length; i++) {
      const offset = (pc - base[i]!) >>> 0;
      if (offset < this.codeSize[i]!) {
        const index = offset >>> 1;
        const cached = this.decoded[i]![index];
        if (cached !== undefined) {
          this.nextPc = pc + this.decodedSize[i]![index]!;
          return cached;
        }
        const exec = this.decodeAt(pc);
        this.decoded[i]![index] = exec;
        this.decodedSize[i]![index] = this.nextPc - pc;
        return exec;
      }
    }
    return this.decodeAt(pc);
  }

  private decodeAt(pc: number): Executor {
    const hw1 = this.bus.fetch16(pc);
    // A 32-bit Thumb instruction starts with 0b11101, 0b11110 or 0b11111 (ARMv7-M A5.1).
    if (hw1 >>> 11 >= 0b11101) {
      const hw2 = this.bus.fetch16(pc + 2);
      this.nextPc = pc + 4;
      return decodeThumb(hw1, hw2, pc);
    }
    this.nextPc = pc + 2;
    return decodeThumb(hw1, -1, pc);
  }

  /**
   * Forgets decoded instructions overlapping [address, address + length). The bus owner calls this
   * for writes the core does not make itself; the core's own stores call it too.
   */
  invalidateCode(address: number, length: number): void {
    const base = this.codeBase;
    for (let i = 0; i < base.length; i++) {
      const start = (address - base[i]!) | 0;
      const size = this.codeSize[i]!;
      if (start + length <= 0 || start >= size) continue;
      // A 32-bit instruction starting 2 bytes earlier also covers the first halfword written.
      const from = Math.max(0, (start >> 1) - 1);
      const to = Math.min(size >>> 1, (start + length + 1) >> 1);
      this.decoded[i]!.fill(undefined, from, to);
    }
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
   * starts an exception return; otherwise bit 0 must be 1 (Thumb), else INVSTATE faults on the next
   * instruction (ARMv7-M A2.3.1).
   */
  bxWritePc(address: number): void {
    // TODO(system): EXC_RETURN in Handler mode; EPSR.T = 0 → INVSTATE UsageFault at the target.
    this.nextPc = address & ~1;
  }

  // ---------------------------------------------------------------------------------------------
  // Memory access (ARMv7-M A3.2: unaligned LDR/STR/LDRH/STRH allowed unless CCR.UNALIGN_TRP;
  // LDM/STM/LDRD/STRD/LDREX/STREX/PUSH/POP and FP loads/stores always need natural alignment)

  read32(address: number): number {
    if ((address & 3) === 0) return this.bus.read32(address);
    this.checkUnalignedAllowed();
    return (
      this.read8(address) |
      (this.read8(address + 1) << 8) |
      (this.read8(address + 2) << 16) |
      (this.read8(address + 3) << 24)
    );
  }

  read16(address: number): number {
    if ((address & 1) === 0) return this.bus.read16(address);
    this.checkUnalignedAllowed();
    return this.read8(address) | (this.read8(address + 1) << 8);
  }

  read8(address: number): number {
    return this.bus.read8(address);
  }

  /** A word access that must be aligned (LDM, LDRD, LDREX, ...). */
  read32Aligned(address: number): number {
    if ((address & 3) !== 0) this.usageFault(CFSR.UNALIGNED);
    return this.bus.read32(address);
  }

  read16Aligned(address: number): number {
    if ((address & 1) !== 0) this.usageFault(CFSR.UNALIGNED);
    return this.bus.read16(address);
  }

  write32(address: number, value: number): void {
    if ((address & 3) === 0) {
      this.bus.write32(address, value);
      this.invalidateCode(address, 4);
      return;
    }
    this.checkUnalignedAllowed();
    for (let i = 0; i < 4; i++) this.write8(address + i, value >>> (8 * i));
  }

  write16(address: number, value: number): void {
    if ((address & 1) === 0) {
      this.bus.write16(address, value);
      this.invalidateCode(address, 2);
      return;
    }
    this.checkUnalignedAllowed();
    this.write8(address, value);
    this.write8(address + 1, value >>> 8);
  }

  write8(address: number, value: number): void {
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

  private checkUnalignedAllowed(): void {
    // TODO(system): CCR.UNALIGN_TRP → UsageFault UNALIGNED.
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

  clearExclusiveLocal(): void {
    this.exclusiveAddress = -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Faults and system instructions. TODO(system): the exception model fills these in.

  /** Raises a UsageFault with the given CFSR.UFSR bit and abandons the current instruction. */
  usageFault(_cfsrBit: number): never {
    this.pendSynchronous(EXCEPTION.UsageFault);
  }

  /** UNDEFINED encodings and unimplemented coprocessors end here (UsageFault UNDEFINSTR). */
  undefinedInstruction(): never {
    this.usageFault(CFSR.UNDEFINSTR);
  }

  private busFault(_error: BusError): void {
    // TODO(system): IBUSERR for fetches, PRECISERR + BFAR for data; escalate when disabled.
  }

  private pendSynchronous(_exception: number): never {
    throw InstructionAbort.instance;
  }

  /** ExecuteFPCheck(): CPACR gating (NOCP), lazy FP state preservation, CONTROL.FPCA. */
  executeFpCheck(): void {
    // TODO(system): CPACR CP10/CP11 → NOCP UsageFault; FPCCR.LSPACT → preserve; set CONTROL.FPCA.
  }

  isPrivileged(): boolean {
    return true; // TODO(system): Handler mode or CONTROL.nPRIV == 0.
  }

  readSpecial(_sysm: number): number {
    return 0; // TODO(system): MRS (ARMv7-M B5.2.2).
  }

  writeSpecial(_sysm: number, _mask: number, _value: number): void {
    // TODO(system): MSR (ARMv7-M B5.2.3).
  }

  changeProcessorState(_disable: boolean, _affectPrimask: boolean, _affectFaultmask: boolean): void {
    // TODO(system): CPS (ARMv7-M B5.2.1).
  }

  supervisorCall(_imm8: number): void {
    // TODO(system): pend SVCall.
  }

  breakpoint(_imm8: number): void {
    // TODO(system): halt if C_DEBUGEN, DebugMonitor if MON_EN, else HardFault.
  }

  waitForInterrupt(): void {
    // TODO(system): sleep until an exception would be taken.
  }

  waitForEvent(): void {
    // TODO(system): event register.
  }

  sendEvent(): void {
    // TODO(system): event register.
  }
}

/** ITAdvance() (ARMv7-M A7.3.3): shift the mask; an empty mask ends the block. */
function advanceIt(it: number): number {
  return (it & 0x7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
}
