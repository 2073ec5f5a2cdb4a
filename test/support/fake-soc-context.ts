import type {
  ClockFrequencies,
  DebugFreeze,
  ResetSource,
  SocContext,
} from '../../src/sim/soc/soc-context.js';
import type { IrqLine } from '../../src/sim/soc/peripheral.js';
import { EventClock } from '../../src/sim/soc/event-clock.js';

/** Mutable clock frequencies a test sets directly (the reset clock tree: 16 MHz HSI everywhere). */
export interface FakeClocks {
  sysclk: number;
  hclk: number;
  pclk1: number;
  pclk2: number;
  lsi: number;
}

export interface FakeDebugFreeze {
  cr: number;
  apb1fz: number;
  apb2fz: number;
}

/**
 * The SoC as a peripheral sees it, for unit tests: a real EventClock the test advances, clocks and
 * debug state it sets, and records of interrupt levels, reset requests and console bytes.
 */
export class FakeSocContext implements SocContext {
  readonly clock = new EventClock();
  readonly clocks: FakeClocks = { sysclk: 16e6, hclk: 16e6, pclk1: 16e6, pclk2: 16e6, lsi: 32_000 };
  readonly debugFreeze: FakeDebugFreeze = { cr: 0, apb1fz: 0, apb2fz: 0 };
  coreHalted = false;
  /** Current level of every IRQ line a peripheral has driven. */
  readonly irqLevels = new Map<number, boolean>();
  /** Every level change, in order, as [irq, level]. */
  readonly irqLog: [number, boolean][] = [];
  /** Reset requests with the virtual time they were made at. */
  readonly resets: { source: ResetSource; at: number }[] = [];
  readonly console: number[] = [];
  readonly consoleTimes: number[] = [];

  irq(n: number): IrqLine {
    return (level: boolean) => {
      if (this.irqLevels.get(n) !== level) this.irqLog.push([n, level]);
      this.irqLevels.set(n, level);
    };
  }

  irqLevel(n: number): boolean {
    return this.irqLevels.get(n) ?? false;
  }

  requestReset(source: ResetSource): void {
    this.resets.push({ source, at: this.clock.now });
  }

  consoleByte(byte: number): void {
    this.console.push(byte);
    this.consoleTimes.push(this.clock.now);
  }

  /** Moves virtual time forward by `ns`, firing due events. */
  advance(ns: number): void {
    this.clock.advanceTo(this.clock.now + ns);
  }
}

export type { ClockFrequencies, DebugFreeze };
