import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { ATTN } from './attention.js';
import { SYST_CSR, SYST_REG, SYST_RVR } from '../../../arch/armv7m/systick.js';

/**
 * SysTick (ARMv7-M B3.3): a 24-bit down-counter clocked by the core clock (CSR.CLKSOURCE = 1) or an
 * external reference of one tick per `referenceDivider` core cycles (STM32F4: HCLK/8). It costs
 * nothing per instruction: the counter value is derived from `cpu.cycles` on demand, and the core
 * calls `update()` when `cpu.cycles` reaches `cpu.nextEventCycle`, the cycle at which the counter next
 * reaches zero (setting COUNTFLAG and, with TICKINT, pending SysTick). It stops while the core is
 * halted because halted cores do not advance `cycles` (C1.4: SysTick is stopped in Debug state).
 */
export class SysTick {
  private csr = 0;
  private rvr = 0;
  /** Counter value at tick `anchorTick` (when enabled), or the frozen value (when disabled). */
  private anchorValue = 0;
  private anchorTick = 0;
  /** The absolute tick at which the counter next reaches 0 (a 1 → 0 transition), Infinity if never. */
  private nextZeroTick = Infinity;

  constructor(
    private readonly cpu: Cpu,
    readonly calib: number,
    readonly referenceDivider: number,
  ) {}

  reset(): void {
    this.csr = 0;
    this.rvr = 0;
    this.anchorValue = 0;
    this.anchorTick = 0;
    this.nextZeroTick = Infinity;
    this.schedule();
  }

  private get divider(): number {
    return (this.csr & SYST_CSR.CLKSOURCE) !== 0 ? 1 : this.referenceDivider;
  }

  private ticks(cycles: number): number {
    return Math.floor(cycles / this.divider);
  }

  /** The counter value now (B3.3.5 SYST_CVR). */
  private current(): number {
    if ((this.csr & SYST_CSR.ENABLE) === 0) return this.anchorValue;
    const elapsed = this.ticks(this.cpu.cycles) - this.anchorTick;
    if (elapsed <= this.anchorValue) return this.anchorValue - elapsed;
    if (this.rvr === 0) return 0;
    // Reaching 0 reloads RVR on the next tick: the counter then cycles through RVR … 0.
    return this.rvr - ((elapsed - this.anchorValue - 1) % (this.rvr + 1));
  }

  /** Restarts the derivation from the current value (after any change of configuration). */
  private reanchor(value: number): void {
    this.anchorValue = value;
    this.anchorTick = this.ticks(this.cpu.cycles);
    if ((this.csr & SYST_CSR.ENABLE) === 0) this.nextZeroTick = Infinity;
    else if (value > 0) this.nextZeroTick = this.anchorTick + value;
    else this.nextZeroTick = this.rvr === 0 ? Infinity : this.anchorTick + 1 + this.rvr;
    this.schedule();
  }

  private schedule(): void {
    this.cpu.nextEventCycle = this.nextZeroTick === Infinity ? Infinity : this.nextZeroTick * this.divider;
    // Break out of the inner run loop so it picks up the new limit.
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** Processes reaching zero up to `cpu.cycles`: COUNTFLAG, and SysTick pending with TICKINT. */
  update(): void {
    const now = this.ticks(this.cpu.cycles);
    if (now < this.nextZeroTick) return;
    this.csr |= SYST_CSR.COUNTFLAG;
    if ((this.csr & SYST_CSR.TICKINT) !== 0) this.cpu.nvic.setPending(EXCEPTION.SysTick);
    if (this.rvr === 0) {
      this.nextZeroTick = Infinity;
    } else {
      const period = this.rvr + 1;
      this.nextZeroTick += period * (Math.floor((now - this.nextZeroTick) / period) + 1);
    }
    this.schedule();
  }

  /** SYST_CSR, SYST_RVR, SYST_CVR, SYST_CALIB by address. */
  read(address: number): number {
    this.update();
    switch (address) {
      case SYST_REG.CSR: {
        const value = this.csr;
        this.csr &= ~SYST_CSR.COUNTFLAG; // COUNTFLAG clears on read (B3.3.3)
        return value;
      }
      case SYST_REG.RVR:
        return this.rvr;
      case SYST_REG.CVR:
        return this.current();
      default:
        return this.calib | 0;
    }
  }

  write(address: number, value: number): void {
    this.update();
    switch (address) {
      case SYST_REG.CSR: {
        const value0 = this.current();
        this.csr =
          (this.csr & SYST_CSR.COUNTFLAG) |
          (value & (SYST_CSR.ENABLE | SYST_CSR.TICKINT | SYST_CSR.CLKSOURCE));
        this.reanchor(value0);
        return;
      }
      case SYST_REG.RVR: {
        const value0 = this.current();
        this.rvr = value & SYST_RVR.RELOAD_MASK;
        this.reanchor(value0);
        return;
      }
      case SYST_REG.CVR:
        // Any write clears the counter and COUNTFLAG (B3.3.5); the next tick reloads RVR.
        this.csr &= ~SYST_CSR.COUNTFLAG;
        this.reanchor(0);
        return;
      default:
    }
  }
}
