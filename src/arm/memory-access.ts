/**
 * What the ARM debug layer and everything above it need of a probe: the target's memory through the
 * MEM-AP. The probe driver (src/probe/stlink.ts) provides it; a second probe family would too.
 * Addresses are 32-bit; widths are the bus accesses the target sees (peripherals care).
 */
export interface MemoryAccess {
  read32(address: number): Promise<number>;
  write32(address: number, value: number): Promise<void>;
  read16(address: number): Promise<number>;
  write16(address: number, value: number): Promise<void>;
  read8(address: number): Promise<number>;
  write8(address: number, value: number): Promise<void>;
  /** `length` bytes from `address`, split into whatever transfers the probe allows. */
  readMemory(address: number, length: number): Promise<Uint8Array>;
  writeMemory(address: number, data: Uint8Array): Promise<void>;
}
