import type { TimerHandle } from '../clock.js';
import { NS_PER_SECOND } from '../clock.js';
import type { AccessSize, ClockEnable, IrqLine, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';

/** Register offsets (RM0090 §20.6.4, WWDG register map). */
export const WWDG_REG = { CR: 0x00, CFR: 0x04, SR: 0x08 } as const;
export const WWDG_CR = { T_MASK: 0x7f, T6: 0x40, WDGA: 0x80 } as const;
export const WWDG_CFR = { W_MASK: 0x7f, WDGTB_SHIFT: 7, EWI: 1 << 9 } as const;
export const WWDG_SR_EWIF = 1;
/** The WWDG early wake-up interrupt (RM0090 table 61). */
export const WWDG_IRQ = 0;
/** DBGMCU_APB1_FZ.DBG_WWDG_STOP (RM0090 §38.16.4). */
const DBG_WWDG_STOP = 1 << 11;

export interface WwdgOptions {
  /** RCC_APB1ENR.WWDGEN (RM0090 §7.3.13): the counter runs on PCLK1 only while it is set. */
  readonly clockEnabled?: () => boolean;
}

/**
 * Window watchdog (RM0090 §20). The 7-bit counter T is free-running (it counts even while WDGA is
 * 0) at PCLK1 / 4096 / 2^WDGTB; never ticked, it is computed from an anchor on a tick boundary.
 * EWIF is set when it reaches 0x40 (interrupt 0 if EWI), and with WDGA set the chip resets when T6
 * clears (0x40 → 0x3F), when software writes T6 = 0, or when CR is written while T > W. Frozen
 * while the core is halted with DBG_WWDG_STOP. Call `frequencyChanged` when PCLK1 changes.
 * The counter needs its APB1 clock (WWDGEN): pass `clockEnabled` and call `clockGateChanged` when
 * RCC_APB1ENR changes; without the option it counts as if always clocked.
 * Byte, half-word and word accesses are merged into the registers.
 */
export class Wwdg implements Peripheral {
  readonly name = 'WWDG';
  readonly base = 0x4000_2c00;
  readonly size = 0x400;
  readonly clockEnable: ClockEnable = { register: 'APB1ENR', bit: 11 };

  private readonly irqLine: IrqLine;
  private irqLevel = false;
  private wdga = false;
  private cfr = 0x7f;
  private ewif = false;
  /** Counter value at `anchorAt`, a tick boundary; `tickNs` 0 = not counting (frozen or no clock). */
  private anchorValue = 0x7f;
  private anchorAt = 0;
  private tickNs = 0;
  /** How far into the current tick the prescaler is (0..1), kept while frozen. */
  private fraction = 0;
  private frozen = false;
  private timer: TimerHandle | undefined = undefined;

  private readonly clockEnabled: () => boolean;

  constructor(
    private readonly ctx: SocContext,
    options: WwdgOptions = {},
  ) {
    this.clockEnabled = options.clockEnabled ?? (() => true);
    this.irqLine = ctx.irq(WWDG_IRQ);
    this.reset('power-on');
  }

  /** T[6:0] now. */
  get counter(): number {
    this.settle();
    return this.anchorValue;
  }

  debugHaltChanged(): void {
    this.settle();
    this.frozen = this.ctx.coreHalted && (this.ctx.debugFreeze.apb1fz & DBG_WWDG_STOP) !== 0;
    this.arm();
  }

  frequencyChanged(): void {
    this.settle();
    this.arm();
  }

  /** RCC_APB1ENR changed: WWDGEN may have started or stopped the counter's clock. */
  clockGateChanged(): void {
    this.settle();
    this.arm();
  }

  read(offset: number, size: AccessSize): number {
    const reg = offset & ~3;
    let word = 0;
    if (reg === WWDG_REG.CR) word = this.counter | (this.wdga ? WWDG_CR.WDGA : 0);
    else if (reg === WWDG_REG.CFR) word = this.cfr;
    else if (reg === WWDG_REG.SR) word = this.ewif ? WWDG_SR_EWIF : 0;
    return readLane(word, offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    const v = mergeWrite(this.read(reg, 4), offset, size, value);
    if (reg === WWDG_REG.CR) this.writeCr(v);
    else if (reg === WWDG_REG.CFR) {
      this.settle();
      // EWI can be set by software but cleared only by a reset (RM0090 §20.6.2).
      this.cfr = (v & 0x3ff) | (this.cfr & WWDG_CFR.EWI);
      this.arm();
    } else if (reg === WWDG_REG.SR && (v & WWDG_SR_EWIF) === 0) {
      this.ewif = false; // rc_w0
    }
    this.updateIrq();
  }

  reset(_kind: SocResetKind): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.wdga = false;
    this.cfr = 0x7f;
    this.ewif = false;
    this.anchorValue = 0x7f;
    this.anchorAt = this.ctx.clock.now;
    this.fraction = 0;
    this.tickNs = 0;
    this.frozen = this.ctx.coreHalted && (this.ctx.debugFreeze.apb1fz & DBG_WWDG_STOP) !== 0;
    this.arm();
    this.updateIrq();
  }

  private writeCr(v: number): void {
    this.settle();
    const window = this.cfr & WWDG_CFR.W_MASK;
    // A refresh while the counter is above the window resets (RM0090 §20.3, figure 214).
    if (this.wdga && this.anchorValue > window) {
      this.ctx.requestReset('wwdg');
      return;
    }
    this.wdga ||= (v & WWDG_CR.WDGA) !== 0;
    this.anchorValue = v & WWDG_CR.T_MASK;
    // WDGA with T6 = 0 is a software-triggered reset (RM0090 §20.3 note).
    if (this.wdga && (this.anchorValue & WWDG_CR.T6) === 0) {
      this.ctx.requestReset('wwdg');
      return;
    }
    this.arm();
  }

  /** Moves the anchor to the last tick boundary at or before now. */
  private settle(): void {
    if (this.tickNs <= 0) return;
    const now = this.ctx.clock.now;
    const ticks = Math.floor((now - this.anchorAt) / this.tickNs);
    this.anchorValue = (this.anchorValue - ticks) & WWDG_CR.T_MASK;
    this.anchorAt += ticks * this.tickNs;
    this.fraction = (now - this.anchorAt) / this.tickNs;
  }

  /**
   * Schedules the next tick that matters: reaching 0x40 (EWIF) or leaving it (T6 clears). Call
   * after `settle`; the prescaler's phase carries over rate changes and freezes.
   */
  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const pclk1 = this.ctx.clocks.pclk1;
    const wdgtb = (this.cfr >>> WWDG_CFR.WDGTB_SHIFT) & 3;
    const counting = !this.frozen && pclk1 > 0 && this.clockEnabled();
    const tickNs = counting ? (4096 * (1 << wdgtb) * NS_PER_SECOND) / pclk1 : 0;
    this.tickNs = tickNs;
    if (!counting) return;
    this.anchorAt = this.ctx.clock.now - this.fraction * tickNs;
    const v = this.anchorValue;
    const ticks = v > 0x40 ? v - 0x40 : v === 0x40 ? 1 : v + 0x80 - 0x40;
    const at = this.anchorAt + ticks * tickNs;
    this.timer = this.ctx.clock.scheduleAt(at, () => {
      this.timer = undefined;
      this.anchorValue = (v - ticks) & WWDG_CR.T_MASK;
      this.anchorAt = at;
      this.fraction = 0;
      if (this.anchorValue === 0x40) this.ewif = true;
      else if (this.anchorValue === 0x3f && this.wdga) {
        this.ctx.requestReset('wwdg');
        return;
      }
      this.updateIrq();
      this.arm();
    });
  }

  private updateIrq(): void {
    const level = this.ewif && (this.cfr & WWDG_CFR.EWI) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irqLine(level);
    }
  }
}
