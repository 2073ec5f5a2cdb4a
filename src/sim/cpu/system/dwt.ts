import type { Cpu } from '../cpu.js';
import { DEMCR } from './bits.js';

const COMPARATORS = 4;
const CTRL_CYCCNTENA = 1 << 0;
const CTRL_CPIEVTENA = 1 << 17;
const CTRL_EXCEVTENA = 1 << 18;
const CTRL_SLEEPEVTENA = 1 << 19;
const CTRL_WRITABLE = 0x007f_1fff;
/** NUMCOMP = 4 in [31:28]; trace packets, external triggers, CYCCNT and profiling counters exist. */
const CTRL_ID = 0x4000_0000;
const FUNCTION_MATCHED = 1 << 24;
const FUNCTION_WRITABLE = 0x0000_0f2f;
export const DWT_FUNCTION = { PC: 0b0100, READ: 0b0101, WRITE: 0b0110, READ_WRITE: 0b0111 } as const;

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
    return this.traceEnabled && (this.ctrl & CTRL_CYCCNTENA) !== 0;
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
        const f = this.func[i]! & 0xf;
        if (f === DWT_FUNCTION.PC) pc = true;
        else if (f >= DWT_FUNCTION.READ && f <= DWT_FUNCTION.READ_WRITE && (this.func[i]! & (1 << 8)) === 0) {
          data = true;
        }
      }
    }
    cpu.watchData = data;
    this.instrumented = pc || (this.traceEnabled && (this.ctrl & CTRL_CPIEVTENA) !== 0);
  }

  /** Memory primitives call this while a data watchpoint is armed. */
  checkData(address: number, size: number, write: boolean): void {
    const a = address >>> 0;
    for (let i = 0; i < COMPARATORS; i++) {
      const f = this.func[i]! & 0xf;
      if (f < DWT_FUNCTION.READ || (this.func[i]! & (1 << 8)) !== 0) continue;
      if (f === DWT_FUNCTION.READ && write) continue;
      if (f === DWT_FUNCTION.WRITE && !write) continue;
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
      if ((this.func[i]! & 0xf) !== DWT_FUNCTION.PC) continue;
      const ignore = (1 << this.mask[i]!) - 1;
      if (((pc ^ this.comp[i]!) & ~ignore & ~1) === 0) {
        this.func[i]! |= FUNCTION_MATCHED;
        matched = true;
      }
    }
    return matched;
  }

  private hit(i: number): void {
    this.func[i]! |= FUNCTION_MATCHED;
    this.cpu.debug.watchpointHit();
  }

  exceptionCycles(cycles: number): void {
    if ((this.ctrl & CTRL_EXCEVTENA) !== 0) this.exccnt = (this.exccnt + cycles) & 0xff;
  }

  sleepCycles(cycles: number): void {
    this.totalSleepCycles += cycles;
    if ((this.ctrl & CTRL_SLEEPEVTENA) !== 0) this.sleepcnt = (this.sleepcnt + cycles) & 0xff;
  }

  countCpi(cycles: number): void {
    if ((this.ctrl & CTRL_CPIEVTENA) !== 0 && cycles > 1) this.cpicnt = (this.cpicnt + cycles - 1) & 0xff;
  }

  /** Registers at offsets from 0xE0001000. */
  read(offset: number): number {
    switch (offset) {
      case 0x000:
        return CTRL_ID | this.ctrl | 0;
      case 0x004:
        return this.cyccnt() | 0;
      case 0x008:
        return this.cpicnt;
      case 0x00c:
        return this.exccnt;
      case 0x010:
        return this.sleepcnt;
      case 0x014:
      case 0x018:
        return 0; // LSUCNT, FOLDCNT
      case 0x01c:
        // PCSR (C1.8.8): a sample of the PC; all ones while halted.
        return this.cpu.halted ? -1 : this.cpu.pc | 0;
      default:
        break;
    }
    if (offset >= 0x020 && offset < 0x020 + 0x10 * COMPARATORS) {
      const i = (offset - 0x020) >>> 4;
      switch (offset & 0xc) {
        case 0x0:
          return this.comp[i]!;
        case 0x4:
          return this.mask[i]!;
        case 0x8: {
          const value = this.func[i]!;
          this.func[i] = value & ~FUNCTION_MATCHED; // MATCHED clears on read (C1.8.17)
          return value;
        }
        default:
          return 0;
      }
    }
    return 0;
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case 0x000: {
        const before = this.ctrl;
        const cyccnt = this.cyccnt();
        this.ctrl = value & CTRL_WRITABLE;
        this.setCyccnt(cyccnt);
        // Enabling a profiling counter clears it.
        const enabled = this.ctrl & ~before;
        if ((enabled & CTRL_CPIEVTENA) !== 0) this.cpicnt = 0;
        if ((enabled & CTRL_EXCEVTENA) !== 0) this.exccnt = 0;
        if ((enabled & CTRL_SLEEPEVTENA) !== 0) this.sleepcnt = 0;
        this.cpu.debug.applyControls();
        return;
      }
      case 0x004:
        this.setCyccnt(value >>> 0);
        return;
      case 0x008:
        this.cpicnt = value & 0xff;
        return;
      case 0x00c:
        this.exccnt = value & 0xff;
        return;
      case 0x010:
        this.sleepcnt = value & 0xff;
        return;
      default:
        break;
    }
    if (offset >= 0x020 && offset < 0x020 + 0x10 * COMPARATORS) {
      const i = (offset - 0x020) >>> 4;
      switch (offset & 0xc) {
        case 0x0:
          this.comp[i] = value;
          break;
        case 0x4:
          this.mask[i] = value & 0x1f;
          break;
        case 0x8:
          this.func[i] = (this.func[i]! & FUNCTION_MATCHED) | (value & FUNCTION_WRITABLE);
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
