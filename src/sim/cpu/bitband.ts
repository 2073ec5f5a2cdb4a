import type { Bus } from './bus.js';

/**
 * Cortex-M4 bit-banding (Cortex-M4 TRM 3.7, ARMv7-M A3.7): each bit of the first 1 MiB of SRAM
 * (0x20000000) and of the peripheral region (0x40000000) has a word in an alias region
 * (0x22000000, 0x42000000). Reading an alias word gives the bit as 0 or 1; writing one sets or clears
 * the bit by an atomic read-modify-write of the underlying location, at the alias access's size.
 * Lives with the core because the Cortex-M4's bus matrix does it, for every SoC.
 */
const SRAM_ALIAS = 0x2200_0000;
const PERIPHERAL_ALIAS = 0x4200_0000;
const ALIAS_SIZE = 0x200_0000;

/** The bit-band region base an alias address maps into, or -1 if it is no alias address. */
function regionBase(address: number): number {
  const a = address >>> 0;
  if ((a - SRAM_ALIAS) >>> 0 < ALIAS_SIZE) return 0x2000_0000;
  if ((a - PERIPHERAL_ALIAS) >>> 0 < ALIAS_SIZE) return 0x4000_0000;
  return -1;
}

export function isBitBandAlias(address: number): boolean {
  return regionBase(address) >= 0;
}

/** The byte address and bit number an alias address stands for. */
function target(address: number): { byte: number; bit: number } {
  const offset = ((address >>> 0) & (ALIAS_SIZE - 1)) >>> 2;
  return { byte: regionBase(address) + (offset >>> 3), bit: offset & 7 };
}

/** Reads the bit behind an alias address with an access of `size` bytes to the bit-band region. */
export function readBitBand(bus: Bus, address: number, size: 1 | 2 | 4): number {
  const { byte, bit } = target(address);
  const unit = byte & ~(size - 1);
  const shift = (byte - unit) * 8 + bit;
  const value = size === 4 ? bus.read32(unit) : size === 2 ? bus.read16(unit) : bus.read8(unit);
  return (value >>> shift) & 1;
}

/** Sets or clears (bit 0 of `value`) the bit behind an alias address by read-modify-write. */
export function writeBitBand(bus: Bus, address: number, size: 1 | 2 | 4, value: number): void {
  const { byte, bit } = target(address);
  const unit = byte & ~(size - 1);
  const mask = 1 << ((byte - unit) * 8 + bit);
  if (size === 4) {
    const old = bus.read32(unit);
    bus.write32(unit, (value & 1) !== 0 ? old | mask : old & ~mask);
  } else if (size === 2) {
    const old = bus.read16(unit);
    bus.write16(unit, (value & 1) !== 0 ? old | mask : old & ~mask);
  } else {
    const old = bus.read8(unit);
    bus.write8(unit, (value & 1) !== 0 ? old | mask : old & ~mask);
  }
}
