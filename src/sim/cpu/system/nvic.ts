import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { ATTN } from './attention.js';
import { NVIC_BANK, NVIC_REG, STIR } from '../../../arch/armv7m/nvic.js';
import { SCR } from '../../../arch/armv7m/scb.js';

/** Fixed priorities of Reset, NMI and HardFault (ARMv7-M B1.5.4). */
const FIXED_PRIORITY = [0, -3, -2, -1] as const;
/** STM32F4 implements priority bits [7:4] (PM0214 4.3.7); the rest read as zero. */
export const PRIORITY_MASK = 0xf0;
/** The end of the NVIC's register banks (IPR's last word); the SCS routes [ISER, IPR_END) here. */
export const IPR_END = NVIC_REG.IPR + 4 * NVIC_BANK.IPR_WORDS;

/**
 * The state of every exception — pending, active, enabled, priority — and the NVIC registers
 * (ARMv7-M B3.4). System exceptions share the arrays (indexed by exception number) so one priority
 * resolution covers everything; their registers (SHPR, SHCSR, ICSR) live in the SCB.
 */
export class Nvic {
  readonly irqCount: number;
  readonly exceptionCount: number;
  readonly pending: Uint8Array;
  readonly active: Uint8Array;
  /** External interrupts: ISER; MemManage/BusFault/UsageFault: SHCSR; DebugMonitor: DEMCR.MON_EN. */
  readonly enabled: Uint8Array;
  /** Configurable priorities as written (bits [7:4]); the fixed ones are not stored here. */
  readonly priority: Uint8Array;
  /** External interrupt line levels driven by the SoC (`Cpu.setIrqLevel`). */
  readonly level: Uint8Array;
  /** DEMCR vector-catch bits that apply to a pending fault, by exception number (C1.6.5). */
  readonly catchCause: Uint16Array;
  activeCount = 0;
  /** AIRCR.PRIGROUP: the split between group priority and subpriority (B1.5.4). */
  prigroup = 0;
  /** DHCSR.C_MASKINTS with C_DEBUGEN: PendSV, SysTick and external interrupts are masked (C1.6.3). */
  maskInts = false;

  constructor(
    private readonly cpu: Cpu,
    irqCount: number,
  ) {
    if (!Number.isInteger(irqCount) || irqCount < 1 || irqCount > 496) {
      throw new RangeError(`irqCount ${irqCount}: ARMv7-M allows 1–496 external interrupts`);
    }
    this.irqCount = irqCount;
    this.exceptionCount = EXCEPTION.IRQ0 + irqCount;
    this.pending = new Uint8Array(this.exceptionCount);
    this.active = new Uint8Array(this.exceptionCount);
    this.enabled = new Uint8Array(this.exceptionCount);
    this.priority = new Uint8Array(this.exceptionCount);
    this.level = new Uint8Array(irqCount);
    this.catchCause = new Uint16Array(this.exceptionCount);
    this.reset();
  }

  /** Reset state (B1.5.5, B3.4): nothing pending or active, all priorities 0, IRQs disabled. */
  reset(): void {
    this.pending.fill(0);
    this.active.fill(0);
    this.enabled.fill(0);
    this.priority.fill(0);
    this.catchCause.fill(0);
    this.activeCount = 0;
    this.prigroup = 0;
    for (const always of [
      EXCEPTION.NMI,
      EXCEPTION.HardFault,
      EXCEPTION.SVCall,
      EXCEPTION.PendSV,
      EXCEPTION.SysTick,
    ]) {
      this.enabled[always] = 1;
    }
    // Lines still asserted by peripherals pend again (the SoC deasserts what it resets).
    for (let irq = 0; irq < this.irqCount; irq++) {
      if (this.level[irq] === 1) this.pending[EXCEPTION.IRQ0 + irq] = 1;
    }
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** ExceptionPriority without grouping: fixed for Reset/NMI/HardFault, else the register value. */
  exceptionPriority(exception: number): number {
    return exception <= 3 ? FIXED_PRIORITY[exception as 1 | 2 | 3] : this.priority[exception]!;
  }

  /** The group priority of a priority value under AIRCR.PRIGROUP (B1.5.4). */
  groupPriority(priority: number): number {
    if (priority < 0) return priority;
    return priority & ~((2 << this.prigroup) - 1) & 0xff;
  }

  /**
   * ExecutionPriority() (B1.5.4): the highest group priority of the active exceptions, boosted by
   * BASEPRI, PRIMASK and FAULTMASK; 256 when nothing applies. WFI's wake-up test ignores PRIMASK.
   */
  executionPriority(ignorePrimask: boolean): number {
    let highest = 256;
    if (this.activeCount !== 0) {
      for (let e = 1; e < this.exceptionCount; e++) {
        if (this.active[e] === 1) {
          const p = this.groupPriority(this.exceptionPriority(e));
          if (p < highest) highest = p;
        }
      }
    }
    const cpu = this.cpu;
    let boosted = 256;
    if (cpu.basepri !== 0) boosted = this.groupPriority(cpu.basepri);
    if (cpu.primask === 1 && !ignorePrimask) boosted = 0;
    if (cpu.faultmask === 1) boosted = -1;
    return boosted < highest ? boosted : highest;
  }

  /**
   * The highest-priority pending enabled exception (lowest priority value, then lowest number:
   * B1.5.4), or 0. C_MASKINTS hides PendSV, SysTick and external interrupts.
   */
  highestPending(): number {
    let best = 0;
    let bestPriority = 1000;
    const last = this.maskInts ? EXCEPTION.PendSV : this.exceptionCount;
    for (let e = 1; e < last; e++) {
      if (this.pending[e] === 1 && this.enabled[e] === 1) {
        const p = this.exceptionPriority(e);
        if (p < bestPriority) {
          best = e;
          bestPriority = p;
        }
      }
    }
    return best;
  }

  /** The exception to take now: the highest pending one if its group priority preempts. */
  takeable(executionPriority: number): number {
    const e = this.highestPending();
    if (e === 0) return 0;
    return this.groupPriority(this.exceptionPriority(e)) < executionPriority ? e : 0;
  }

  /** Whether `exception` may preempt at `executionPriority` (enabled and higher group priority). */
  canPreempt(exception: number, executionPriority: number): boolean {
    return (
      this.enabled[exception] === 1 &&
      this.groupPriority(this.exceptionPriority(exception)) < executionPriority
    );
  }

  setPending(exception: number): void {
    if (exception >= this.exceptionCount) return;
    // SCR.SEVONPEND: an interrupt becoming pending is a WFE wake-up event (B1.5.18).
    if (
      this.pending[exception] === 0 &&
      exception >= EXCEPTION.IRQ0 &&
      (this.cpu.scb.scr & SCR.SEVONPEND) !== 0
    ) {
      this.cpu.eventRegister = 1;
    }
    this.pending[exception] = 1;
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** Clears a pending state; an external line still asserted (and not active) stays pending. */
  clearPending(exception: number): void {
    if (exception >= this.exceptionCount) return;
    const irq = exception - EXCEPTION.IRQ0;
    if (irq >= 0 && this.level[irq] === 1 && this.active[exception] === 0) return;
    this.pending[exception] = 0;
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  setLevel(irq: number, level: boolean): void {
    if (irq < 0 || irq >= this.irqCount) throw new RangeError(`IRQ ${irq} does not exist`);
    this.level[irq] = level ? 1 : 0;
    if (level && this.active[EXCEPTION.IRQ0 + irq] === 0) this.setPending(EXCEPTION.IRQ0 + irq);
  }

  /** Marks an exception active as it is taken; it stops being pending (B1.5.6). */
  activate(exception: number): void {
    if (this.active[exception] === 0) this.activeCount++;
    this.active[exception] = 1;
    this.pending[exception] = 0;
    this.catchCause[exception] = 0;
  }

  /** DeActivate() (B1.5.8): on return; a level-sensitive line still asserted pends again. */
  deactivate(exception: number): void {
    if (this.active[exception] === 1) this.activeCount--;
    this.active[exception] = 0;
    if (exception !== EXCEPTION.NMI) this.cpu.faultmask = 0;
    const irq = exception - EXCEPTION.IRQ0;
    if (irq >= 0 && this.level[irq] === 1) this.pending[exception] = 1;
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** Sets or clears an active bit directly (SHCSR writes, AIRCR.VECTCLRACTIVE). */
  setActive(exception: number, active: boolean): void {
    if (active && this.active[exception] === 0) this.activeCount++;
    if (!active && this.active[exception] === 1) this.activeCount--;
    this.active[exception] = active ? 1 : 0;
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  // ---------------------------------------------------------------------------------------------
  // Registers, by address (B3.4.3): the ISER, ICER, ISPR, ICPR and IABR banks, IPR, ICTR, STIR.

  /** ICTR.INTLINESNUM: the number of implemented 32-line groups, minus one (B3.4.1). */
  get ictr(): number {
    return ((this.irqCount + 31) >>> 5) - 1;
  }

  read(address: number): number {
    if (address >= NVIC_REG.IPR && address < IPR_END) {
      let value = 0;
      for (let i = 0; i < 4; i++) {
        const e = EXCEPTION.IRQ0 + (address - NVIC_REG.IPR) + i;
        if (e < this.exceptionCount) value |= this.priority[e]! << (8 * i);
      }
      return value;
    }
    // Each bank is NVIC_BANK.STRIDE bytes of which the first 16 words (496 lines) are defined.
    const group = (address & (NVIC_BANK.STRIDE - 1)) >>> 2;
    if (group >= NVIC_BANK.BIT_WORDS) return 0;
    let bits: Uint8Array;
    switch ((address & ~(NVIC_BANK.STRIDE - 1)) >>> 0) {
      case NVIC_REG.ISER:
      case NVIC_REG.ICER:
        bits = this.enabled;
        break;
      case NVIC_REG.ISPR:
      case NVIC_REG.ICPR:
        bits = this.pending;
        break;
      case NVIC_REG.IABR:
        bits = this.active;
        break;
      default:
        return 0;
    }
    let value = 0;
    for (let i = 0; i < 32; i++) {
      const e = EXCEPTION.IRQ0 + group * 32 + i;
      if (e < this.exceptionCount && bits[e] === 1) value |= 1 << i;
    }
    return value;
  }

  /** `mask` selects the bytes written (byte and halfword stores reach IPR, B3.4.9). */
  write(address: number, value: number, mask: number): void {
    if (address >= NVIC_REG.IPR && address < IPR_END) {
      for (let i = 0; i < 4; i++) {
        const e = EXCEPTION.IRQ0 + (address - NVIC_REG.IPR) + i;
        if (((mask >>> (8 * i)) & 0xff) !== 0 && e < this.exceptionCount) {
          this.priority[e] = (value >>> (8 * i)) & PRIORITY_MASK;
        }
      }
      this.cpu.attention |= ATTN.EXCEPTIONS;
      return;
    }
    const bits = value & mask;
    const bank = (address & ~(NVIC_BANK.STRIDE - 1)) >>> 0;
    const group = (address & (NVIC_BANK.STRIDE - 1)) >>> 2;
    if (group >= NVIC_BANK.BIT_WORDS || bank < NVIC_REG.ISER || bank > NVIC_REG.ICPR) return;
    for (let i = 0; i < 32; i++) {
      if (((bits >>> i) & 1) === 0) continue;
      const e = EXCEPTION.IRQ0 + group * 32 + i;
      if (e >= this.exceptionCount) break;
      switch (bank) {
        case NVIC_REG.ISER:
          this.enabled[e] = 1;
          break;
        case NVIC_REG.ICER:
          this.enabled[e] = 0;
          break;
        case NVIC_REG.ISPR:
          this.setPending(e);
          break;
        default: // ICPR
          this.clearPending(e);
      }
    }
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** STIR (B3.4.10): pends external interrupt INTID. */
  writeStir(value: number): void {
    this.setPending(EXCEPTION.IRQ0 + (value & STIR.INTID_MASK));
  }
}
