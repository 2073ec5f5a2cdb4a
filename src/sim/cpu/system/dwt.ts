import type { Cpu } from '../cpu.js';
import { DEMCR } from '../../../arch/armv7m/debug.js';
import {
  DWT_COMPARATOR_STRIDE,
  DWT_CTRL,
  DWT_FUNCTION,
  DWT_FUNCTION_WATCHPOINT as WATCH,
  DWT_REG,
} from '../../../arch/armv7m/dwt.js';

const COMPARATORS = 4;
const COMPARATORS_END = DWT_REG.COMP0 + DWT_COMPARATOR_STRIDE * COMPARATORS;
const CTRL_WRITABLE = 0x007f_1fff;
/** NUMCOMP = 4; trace packets, external triggers, CYCCNT and profiling counters exist (NO* clear). */
const CTRL_ID = COMPARATORS << DWT_CTRL.NUMCOMP_SHIFT;
const FUNCTION_WRITABLE = 0x0000_0f2f;

/**
 * The Data Watchpoint and Trace unit (ARMv7-M C1.8), at 0xE0001000: DWT_CTRL (NUMCOMP = 4), CYCCNT,
 * the 8-bit profiling counters, PCSR, and four comparators with COMP/MASK/FUNCTION. Supported
 * comparator functions raise a watchpoint debug event: PC match (0b0100) and data address match for
 * reads (0b0101), writes (0b0110) or both (0b0111), with MASK ignoring low address bits; the event
 * is taken after the matching instruction completes, and sets FUNCTION.MATCHED (cleared on read).
 * Data value matching and CYCCNT-matching are not implemented (those comparators never match).
 * The unit works only while DEMCR.TRCENA is set. Reset by a power-on reset only (C1.4).
 *
 * Counting costs nothing per instruction: CYCCNT is derived from `cpu.cycles`; EXCCNT and SLEEPCNT
 * are fed by exception entry/return and sleep; CPICNT (extra cycles per instruction) needs the
 * instrumented step path while enabled. LSUCNT and FOLDCNT stay 0: the timing model does not
 * separate load/store stalls and never folds instructions.
 */
export class Dwt {
  private ctrl = 0;
  private cyccntBase = 0;
  private cyccntAnchor = 0;
  private cpicnt = 0;
  private exccnt = 0;
  private sleepcnt = 0;
  private readonly comp = new Int32Array(COMPARATORS);
  private readonly mask = new Uint8Array(COMPARATORS);
  private readonly func = new Int32Array(COMPARATORS);
  /** Sleeping cycles since power-on (for DHCSR.S_RETIRE_ST). */
  totalSleepCycles = 0;
  /** A PC comparator or CPICNT is active: the step loop calls in for every instruction. */
  instrumented = false;

  constructor(private readonly cpu: Cpu) {}

  powerOnReset(): void {
    this.ctrl = 0;
    this.cyccntBase = 0;
    this.cpicnt = 0;
    this.exccnt = 0;
    this.sleepcnt = 0;
    this.comp.fill(0);
    this.mask.fill(0);
    this.func.fill(0);
    this.recompute();
  }

  private get traceEnabled(): boolean {
    return (this.cpu.debug.demcr & DEMCR.TRCENA) !== 0;
  }

  private get cyccntCounting(): boolean {
    return this.traceEnabled && (this.ctrl & DWT_CTRL.CYCCNTENA) !== 0;
  }

  private cyccnt(): number {
    return this.cyccntCounting ? this.cyccntBase + (this.cpu.cycles - this.cyccntAnchor) : this.cyccntBase;
  }

  /** Re-derives what is armed after DWT_CTRL, a FUNCTION or DEMCR.TRCENA changed. */
  recompute(): void {
    const cpu = this.cpu;
    let data = false;
    let pc = false;
    if (this.traceEnabled) {
      for (let i = 0; i < COMPARATORS; i++) {
        const f = this.func[i]! & DWT_FUNCTION.FUNCTION_MASK;
        if (f === WATCH.PC) pc = true;
        else if (
          f >= WATCH.READ &&
          f <= WATCH.READ_WRITE &&
          (this.func[i]! & DWT_FUNCTION.DATAVMATCH) === 0
        ) {
          data = true;
        }
      }
    }
    cpu.watchData = data;
    this.instrumented = pc || (this.traceEnabled && (this.ctrl & DWT_CTRL.CPIEVTENA) !== 0);
  }

  /** Memory primitives call this while a data watchpoint is armed. */
  checkData(address: number, size: number, write: boolean): void {
    const a = address >>> 0;
    for (let i = 0; i < COMPARATORS; i++) {
      const f = this.func[i]! & DWT_FUNCTION.FUNCTION_MASK;
      if (f < WATCH.READ || (this.func[i]! & DWT_FUNCTION.DATAVMATCH) !== 0) continue;
      if (f === WATCH.READ && write) continue;
      if (f === WATCH.WRITE && !write) continue;
      const ignore = this.mask[i]! >= 32 ? -1 : (1 << this.mask[i]!) - 1;
      const low = (this.comp[i]! & ~ignore) >>> 0;
      const high = (low + ignore) >>> 0;
      if (a <= high && a + size - 1 >= low) this.hit(i);
    }
  }

  /** PC comparators (instrumented step path). */
  matchPc(pc: number): boolean {
    let matched = false;
    for (let i = 0; i < COMPARATORS; i++) {
      if ((this.func[i]! & DWT_FUNCTION.FUNCTION_MASK) !== WATCH.PC) continue;
      const ignore = (1 << this.mask[i]!) - 1;
      if (((pc ^ this.comp[i]!) & ~ignore & ~1) === 0) {
        this.func[i]! |= DWT_FUNCTION.MATCHED;
        matched = true;
      }
    }
    return matched;
  }

  private hit(i: number): void {
    this.func[i]! |= DWT_FUNCTION.MATCHED;
    this.cpu.debug.watchpointHit();
  }

  exceptionCycles(cycles: number): void {
    if ((this.ctrl & DWT_CTRL.EXCEVTENA) !== 0) this.exccnt = (this.exccnt + cycles) & 0xff;
  }

  sleepCycles(cycles: number): void {
    this.totalSleepCycles += cycles;
    if ((this.ctrl & DWT_CTRL.SLEEPEVTENA) !== 0) this.sleepcnt = (this.sleepcnt + cycles) & 0xff;
  }

  countCpi(cycles: number): void {
    if ((this.ctrl & DWT_CTRL.CPIEVTENA) !== 0 && cycles > 1) this.cpicnt = (this.cpicnt + cycles - 1) & 0xff;
  }

  /** DWT_CTRL, the counters, PCSR and the comparators, by address. */
  read(address: number): number {
    switch (address) {
      case DWT_REG.CTRL:
        return CTRL_ID | this.ctrl | 0;
      case DWT_REG.CYCCNT:
        return this.cyccnt() | 0;
      case DWT_REG.CPICNT:
        return this.cpicnt;
      case DWT_REG.EXCCNT:
        return this.exccnt;
      case DWT_REG.SLEEPCNT:
        return this.sleepcnt;
      case DWT_REG.LSUCNT:
      case DWT_REG.FOLDCNT:
        return 0;
      case DWT_REG.PCSR:
        // PCSR (C1.8.8): a sample of the PC; all ones while halted.
        return this.cpu.halted ? -1 : this.cpu.pc | 0;
      default:
        break;
    }
    if (address >= DWT_REG.COMP0 && address < COMPARATORS_END) {
      const i = ((address - DWT_REG.COMP0) / DWT_COMPARATOR_STRIDE) | 0;
      switch (address - i * DWT_COMPARATOR_STRIDE) {
        case DWT_REG.COMP0:
          return this.comp[i]!;
        case DWT_REG.MASK0:
          return this.mask[i]!;
        case DWT_REG.FUNCTION0: {
          const value = this.func[i]!;
          this.func[i] = value & ~DWT_FUNCTION.MATCHED; // MATCHED clears on read (C1.8.17)
          return value;
        }
        default:
          return 0;
      }
    }
    return 0;
  }

  write(address: number, value: number): void {
    switch (address) {
      case DWT_REG.CTRL: {
        const before = this.ctrl;
        const cyccnt = this.cyccnt();
        this.ctrl = value & CTRL_WRITABLE;
        this.setCyccnt(cyccnt);
        // Enabling a profiling counter clears it.
        const enabled = this.ctrl & ~before;
        if ((enabled & DWT_CTRL.CPIEVTENA) !== 0) this.cpicnt = 0;
        if ((enabled & DWT_CTRL.EXCEVTENA) !== 0) this.exccnt = 0;
        if ((enabled & DWT_CTRL.SLEEPEVTENA) !== 0) this.sleepcnt = 0;
        this.cpu.debug.applyControls();
        return;
      }
      case DWT_REG.CYCCNT:
        this.setCyccnt(value >>> 0);
        return;
      case DWT_REG.CPICNT:
        this.cpicnt = value & 0xff;
        return;
      case DWT_REG.EXCCNT:
        this.exccnt = value & 0xff;
        return;
      case DWT_REG.SLEEPCNT:
        this.sleepcnt = value & 0xff;
        return;
      default:
        break;
    }
    if (address >= DWT_REG.COMP0 && address < COMPARATORS_END) {
      const i = ((address - DWT_REG.COMP0) / DWT_COMPARATOR_STRIDE) | 0;
      switch (address - i * DWT_COMPARATOR_STRIDE) {
        case DWT_REG.COMP0:
          this.comp[i] = value;
          break;
        case DWT_REG.MASK0:
          this.mask[i] = value & 0x1f;
          break;
        case DWT_REG.FUNCTION0:
          this.func[i] = (this.func[i]! & DWT_FUNCTION.MATCHED) | (value & FUNCTION_WRITABLE);
          this.cpu.debug.applyControls();
          break;
        default:
      }
    }
  }

  private setCyccnt(value: number): void {
    this.cyccntBase = value >>> 0;
    this.cyccntAnchor = this.cpu.cycles;
  }

  /** DEMCR.TRCENA changed: CYCCNT keeps its value across the pause. */
  traceEnableChanging(): void {
    this.setCyccnt(this.cyccnt());
  }
}
