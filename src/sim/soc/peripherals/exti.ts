import type { AccessSize, IrqLine, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';

/** Register offsets (RM0090 §12.3.7, EXTI register map). */
export const EXTI_REG = { IMR: 0x00, EMR: 0x04, RTSR: 0x08, FTSR: 0x0c, SWIER: 0x10, PR: 0x14 } as const;
/** Lines 0–22 (RM0090 §12.2.5). */
export const EXTI_LINES = 0x7f_ffff;

/**
 * The NVIC position of each line's interrupt (RM0090 table 61): EXTI0–4 have their own, 5–9 and
 * 10–15 share one each; 16 PVD, 17 RTC_Alarm, 18 OTG_FS_WKUP, 19 ETH_WKUP, 20 OTG_HS_WKUP,
 * 21 TAMP_STAMP, 22 RTC_WKUP.
 */
export const EXTI_IRQ: readonly number[] = [
  6, 7, 8, 9, 10, 23, 23, 23, 23, 23, 40, 40, 40, 40, 40, 40, 1, 41, 42, 62, 76, 2, 3,
];

/**
 * External interrupt/event controller (RM0090 §12, figure 41). An edge selected in RTSR/FTSR, or a
 * SWIER write, sets the pending bit when the line is unmasked in IMR and raises an event when it
 * is in EMR. The pending bit holds the NVIC line high until software writes 1 to it. Always clocked
 * (no enable in RCC); word, half-word and byte accesses.
 */
export class Exti implements Peripheral {
  readonly name = 'EXTI';
  readonly base = 0x4001_3c00;
  readonly size = 0x400;
  readonly clockEnable = undefined;
  /** An event (EMR) fired: it ends WFE and wakes from Stop through the event path. */
  onEvent: (() => void) | undefined = undefined;

  private imr = 0;
  private emr = 0;
  private rtsr = 0;
  private ftsr = 0;
  private swier = 0;
  private pr = 0;
  private levels = 0;
  private readonly lines: readonly IrqLine[];
  private readonly irqNumbers: readonly number[];
  private readonly irqMasks: readonly number[];
  private readonly irqLevels: boolean[];

  constructor(ctx: SocContext) {
    this.irqNumbers = [...new Set(EXTI_IRQ)];
    this.irqMasks = this.irqNumbers.map((n) =>
      EXTI_IRQ.reduce((m, irq, line) => (irq === n ? m | (1 << line) : m), 0),
    );
    this.lines = this.irqNumbers.map((n) => ctx.irq(n));
    this.irqLevels = this.irqNumbers.map(() => false);
  }

  /** Input `line` is now at `level` (a GPIO through SYSCFG_EXTICR, or PVD/RTC/USB/Ethernet). */
  inputChanged(line: number, level: boolean): void {
    const bit = 1 << line;
    const was = (this.levels & bit) !== 0;
    if (was === level) return;
    this.levels = level ? this.levels | bit : this.levels & ~bit;
    const selected = level ? this.rtsr : this.ftsr;
    if ((selected & bit) !== 0) this.trigger(bit);
  }

  /** The pending register, for the SoC's Stop wake-up check. */
  get pending(): number {
    return this.pr;
  }

  read(offset: number, size: AccessSize): number {
    return readLane(this.readRegister(offset & ~3), offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    // PR is rc_w1: unwritten lanes must not clear, so merge into 0 there.
    const v = mergeWrite(reg === EXTI_REG.PR ? 0 : this.readRegister(reg), offset, size, value) & EXTI_LINES;
    switch (reg) {
      case EXTI_REG.IMR:
        this.imr = v;
        break;
      case EXTI_REG.EMR:
        this.emr = v;
        break;
      case EXTI_REG.RTSR:
        this.rtsr = v;
        break;
      case EXTI_REG.FTSR:
        this.ftsr = v;
        break;
      case EXTI_REG.SWIER: {
        // Writing 1 where SWIER is 0 acts as an edge on the line (RM0090 §12.3.5).
        const rising = v & ~this.swier;
        this.swier |= rising;
        if (rising !== 0) this.trigger(rising);
        break;
      }
      case EXTI_REG.PR:
        // Clearing PR also clears SWIER (§12.3.5).
        this.pr &= ~v;
        this.swier &= ~v;
        this.updateIrqs();
        break;
    }
  }

  reset(_kind: SocResetKind): void {
    this.imr = 0;
    this.emr = 0;
    this.rtsr = 0;
    this.ftsr = 0;
    this.swier = 0;
    this.pr = 0;
    this.updateIrqs();
  }

  private trigger(lines: number): void {
    const interrupts = lines & this.imr;
    if (interrupts !== 0) {
      this.pr |= interrupts;
      this.updateIrqs();
    }
    if ((lines & this.emr) !== 0) this.onEvent?.();
  }

  private updateIrqs(): void {
    for (let i = 0; i < this.irqNumbers.length; i++) {
      const level = (this.pr & this.irqMasks[i]!) !== 0;
      if (level !== this.irqLevels[i]) {
        this.irqLevels[i] = level;
        this.lines[i]!(level);
      }
    }
  }

  private readRegister(reg: number): number {
    switch (reg) {
      case EXTI_REG.IMR:
        return this.imr;
      case EXTI_REG.EMR:
        return this.emr;
      case EXTI_REG.RTSR:
        return this.rtsr;
      case EXTI_REG.FTSR:
        return this.ftsr;
      case EXTI_REG.SWIER:
        return this.swier;
      case EXTI_REG.PR:
        return this.pr;
      default:
        return 0;
    }
  }
}
