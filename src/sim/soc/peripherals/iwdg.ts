import type { TimerHandle } from '../clock.js';
import { NS_PER_SECOND } from '../clock.js';
import type { AccessSize, Peripheral, SocResetKind } from '../peripheral.js';
import { readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';
import { LSI_HZ } from './rcc-clock-tree.js';

/** Register offsets (RM0090 §19.4.5, IWDG register map). */
export const IWDG_REG = { KR: 0x00, PR: 0x04, RLR: 0x08, SR: 0x0c } as const;
/** IWDG_KR keys (RM0090 §19.4.1). */
export const IWDG_KEY = { ACCESS: 0x5555, RELOAD: 0xaaaa, START: 0xcccc } as const;
export const IWDG_SR = { PVU: 1 << 0, RVU: 1 << 1 } as const;
/** DBGMCU_APB1_FZ.DBG_IWDG_STOP (RM0090 §38.16.4). */
const DBG_IWDG_STOP = 1 << 12;
/** PR and RLR cross into the LSI domain in up to 5 LSI cycles (RM0090 §19.4.4, PVU/RVU). */
const UPDATE_LSI_CYCLES = 5;
const RLR_RESET = 0xfff;

export interface IwdgOptions {
  /** FLASH_OPTCR.WDG_SW = 0: the hardware watchdog starts by itself at every reset (RM0090 §19.3.2). */
  readonly hardwareWatchdog: () => boolean;
}

/**
 * Independent watchdog (RM0090 §19). The 12-bit down-counter runs from the LSI through the
 * prescaler (4 × 2^PR, PR ≥ 6 → 256) and is never ticked: we keep the ticks left at an anchor time
 * and schedule the expiry. At 0 it resets the chip. It keeps counting in Stop and Standby
 * (§19.3.1); it stops while the core is halted only when DBGMCU_APB1_FZ.DBG_IWDG_STOP is set.
 * The LSI frequency is `ctx.clocks.lsi`; call `frequencyChanged` when the RCC's frequencies change.
 * A started watchdog forces the LSI on, so while running it counts at the nominal LSI even if the
 * RCC has not reported it yet (the RCC's view only lags by the LSI start-up; wire `onStart` to
 * `Rcc.forceLsiOn` so that RCC_CSR.LSIRDY agrees). Before the start, PR/RLR updates need the LSI
 * running (LSION). Half-word and word accesses (§19.4); byte writes are ignored.
 */
export class Iwdg implements Peripheral {
  readonly name = 'IWDG';
  readonly base = 0x4000_3000;
  readonly size = 0x400;
  readonly clockEnable = undefined;
  /** The watchdog started (software key or hardware option): it forces the LSI on (§19.3.1). */
  onStart: (() => void) | undefined = undefined;

  private readonly hardwareWatchdog: () => boolean;
  private pr = 0;
  private rlr = RLR_RESET;
  /** Values written to PR / RLR still crossing into the LSI domain (PVU / RVU set). */
  private pendingPr: number | undefined = undefined;
  private pendingRlr: number | undefined = undefined;
  private prTimer: TimerHandle | undefined = undefined;
  private rlrTimer: TimerHandle | undefined = undefined;
  private writeAccess = false;
  private isRunning = false;
  private frozen = false;
  /** Ticks until the counter reaches 0, counted from `anchorAt` at `tickNs` per tick (0 = not counting). */
  private ticksLeft = RLR_RESET + 1;
  private anchorAt = 0;
  private tickNs = 0;
  private expiry: TimerHandle | undefined = undefined;

  constructor(
    private readonly ctx: SocContext,
    options: IwdgOptions,
  ) {
    this.hardwareWatchdog = options.hardwareWatchdog;
    this.reset('power-on');
  }

  get running(): boolean {
    return this.isRunning;
  }

  /** The down-counter's value now (not a register: for tests and the debugger's view). */
  get counter(): number {
    this.settle();
    return Math.max(0, Math.ceil(this.ticksLeft) - 1);
  }

  /** The core halted or resumed, or DBGMCU changed. */
  debugHaltChanged(): void {
    this.settle();
    this.frozen = this.ctx.coreHalted && (this.ctx.debugFreeze.apb1fz & DBG_IWDG_STOP) !== 0;
    this.arm();
  }

  /** The LSI started, stopped or changed frequency. */
  frequencyChanged(): void {
    this.settle();
    this.arm();
    this.scheduleUpdates();
  }

  read(offset: number, size: AccessSize): number {
    const reg = offset & ~3;
    let word = 0;
    if (reg === IWDG_REG.PR) word = this.pr;
    else if (reg === IWDG_REG.RLR) word = this.rlr;
    else if (reg === IWDG_REG.SR)
      word =
        (this.pendingPr !== undefined ? IWDG_SR.PVU : 0) | (this.pendingRlr !== undefined ? IWDG_SR.RVU : 0);
    return readLane(word, offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (size === 1 || (offset & 3) !== 0) return;
    const reg = offset & ~3;
    if (reg === IWDG_REG.KR) this.writeKey(value & 0xffff);
    else if (reg === IWDG_REG.PR && this.writeAccess && this.pendingPr === undefined) {
      this.pendingPr = value & 7;
      this.scheduleUpdates();
    } else if (reg === IWDG_REG.RLR && this.writeAccess && this.pendingRlr === undefined) {
      this.pendingRlr = value & 0xfff;
      this.scheduleUpdates();
    }
  }

  reset(_kind: SocResetKind): void {
    this.expiry?.cancel();
    this.expiry = undefined;
    this.prTimer?.cancel();
    this.prTimer = undefined;
    this.rlrTimer?.cancel();
    this.rlrTimer = undefined;
    this.pr = 0;
    this.rlr = RLR_RESET;
    this.pendingPr = undefined;
    this.pendingRlr = undefined;
    this.writeAccess = false;
    this.isRunning = false;
    this.ticksLeft = RLR_RESET + 1;
    this.tickNs = 0;
    this.frozen = this.ctx.coreHalted && (this.ctx.debugFreeze.apb1fz & DBG_IWDG_STOP) !== 0;
    if (this.hardwareWatchdog()) this.start();
  }

  /**
   * KR (RM0090 §19.3.2–19.3.4): 0x5555 opens PR/RLR, any other key closes them; 0xAAAA reloads the
   * counter from RLR; 0xCCCC starts the watchdog, counting from the counter's value (0xFFF after
   * reset, or RLR if reloaded before the start). Once started nothing but a reset stops it.
   */
  private writeKey(key: number): void {
    this.writeAccess = key === IWDG_KEY.ACCESS;
    if (key === IWDG_KEY.RELOAD) {
      this.settle();
      this.ticksLeft = this.rlr + 1;
      this.arm();
    } else if (key === IWDG_KEY.START && !this.isRunning) {
      this.start();
    }
  }

  private start(): void {
    this.settle();
    this.isRunning = true;
    this.onStart?.();
    this.arm();
    this.scheduleUpdates();
  }

  /** Brings `ticksLeft` up to now at the current rate. */
  private settle(): void {
    const now = this.ctx.clock.now;
    if (this.tickNs > 0) this.ticksLeft -= (now - this.anchorAt) / this.tickNs;
    this.anchorAt = now;
  }

  /** Schedules the expiry at the current rate; call after `settle`. */
  private arm(): void {
    this.expiry?.cancel();
    this.expiry = undefined;
    const lsi = this.lsiHz();
    const counting = this.isRunning && !this.frozen && lsi > 0;
    this.tickNs = counting ? (prescalerDivider(this.pr) * NS_PER_SECOND) / lsi : 0;
    if (!counting) return;
    this.expiry = this.ctx.clock.scheduleIn(Math.max(0, this.ticksLeft) * this.tickNs, () => {
      this.expiry = undefined;
      this.settle();
      this.ticksLeft = 0;
      this.tickNs = 0;
      this.ctx.requestReset('iwdg');
    });
  }

  /** The LSI's frequency: what the RCC reports, or nominal while the watchdog forces it on. */
  private lsiHz(): number {
    const hz = this.ctx.clocks.lsi;
    return hz > 0 ? hz : this.isRunning ? LSI_HZ : 0;
  }

  /** Completes pending PR/RLR writes after 5 LSI cycles; they wait while the LSI is off. */
  private scheduleUpdates(): void {
    const lsi = this.lsiHz();
    if (lsi <= 0) return;
    const delay = (UPDATE_LSI_CYCLES * NS_PER_SECOND) / lsi;
    if (this.pendingPr !== undefined && this.prTimer === undefined) {
      this.prTimer = this.ctx.clock.scheduleIn(delay, () => {
        this.prTimer = undefined;
        this.settle();
        this.pr = this.pendingPr ?? this.pr;
        this.pendingPr = undefined;
        this.arm();
      });
    }
    if (this.pendingRlr !== undefined && this.rlrTimer === undefined) {
      this.rlrTimer = this.ctx.clock.scheduleIn(delay, () => {
        this.rlrTimer = undefined;
        this.rlr = this.pendingRlr ?? this.rlr;
        this.pendingRlr = undefined;
      });
    }
  }
}

/** IWDG_PR: /4, /8, /16, /32, /64, /128, /256, /256 (RM0090 §19.4.2). */
export function prescalerDivider(pr: number): number {
  return 4 << Math.min(pr & 7, 6);
}
