import type { Peripheral } from './peripheral.js';

/** Peripherals are placed on 1 KiB boundaries (RM0090 table 1), so a page table finds them in one step. */
const PAGE_SHIFT = 10;

/**
 * The two peripheral windows of the STM32F407 that hold registers: APB1, APB2 and AHB1 in
 * 0x40000000–0x4007FFFF, AHB2 in 0x50000000–0x5006FFFF (RM0090 table 1). Addresses between them are
 * reserved.
 */
const WINDOWS = [
  { base: 0x4000_0000, size: 0x8_0000 },
  { base: 0x5000_0000, size: 0x7_0000 },
] as const;

/** Routes a peripheral-region address to the model that owns it. */
export class PeripheralMap {
  private readonly pages = WINDOWS.map((w) => new Array<Peripheral | undefined>(w.size >>> PAGE_SHIFT));
  readonly all: Peripheral[] = [];

  add(peripheral: Peripheral): void {
    const first = peripheral.base >>> 0;
    for (let page = first; page < first + peripheral.size; page += 1 << PAGE_SHIFT) {
      const window = WINDOWS.findIndex((w) => (page - w.base) >>> 0 < w.size);
      if (window < 0) throw new RangeError(`${peripheral.name} lies outside the peripheral windows`);
      const index = ((page - WINDOWS[window]!.base) >>> 0) >>> PAGE_SHIFT;
      const pages = this.pages[window]!;
      const other = pages[index];
      if (other !== undefined) throw new RangeError(`${peripheral.name} overlaps ${other.name}`);
      pages[index] = peripheral;
    }
    this.all.push(peripheral);
  }

  /** The peripheral at `address`, or undefined for a reserved address. */
  find(address: number): Peripheral | undefined {
    const a = address >>> 0;
    const low = (a - 0x4000_0000) >>> 0;
    if (low < 0x8_0000) return this.pages[0]![low >>> PAGE_SHIFT];
    const high = (a - 0x5000_0000) >>> 0;
    if (high < 0x7_0000) return this.pages[1]![high >>> PAGE_SHIFT];
    return undefined;
  }

  byName(name: string): Peripheral | undefined {
    return this.all.find((p) => p.name === name);
  }
}
