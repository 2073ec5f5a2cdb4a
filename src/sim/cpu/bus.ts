/**
 * What the core needs from the system it sits in. The SoC (src/sim/soc) implements it for the
 * STM32F407; src/sim/cpu/testing.ts has a flat one for unit tests.
 *
 * Every access the core makes is naturally aligned to its size: the core splits unaligned LDR/STR/LDRH/
 * STRH into byte accesses itself (ARMv7-M A3.2), so a bus never sees an unaligned address.
 * Values: read8/read16 return the zero-extended value; read32 returns the word as an int32
 * (`| 0`), which V8 keeps unboxed. Writes take any number and use its low 8/16/32 bits.
 */
export interface Bus {
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  write8(address: number, value: number): void;
  write16(address: number, value: number): void;
  write32(address: number, value: number): void;
  /**
   * An instruction fetch of one halfword. Separate from read16 because some regions are data-only
   * (the STM32F407's CCM RAM, peripherals: RM0090 2.3.1) and fault on fetch with IBUSERR.
   */
  fetch16(address: number): number;
  /**
   * Regions whose code the core may cache in decoded form. The owner of such a region must call
   * `Cpu.invalidateCode(address, length)` when anything other than the core's own stores changes it
   * (flash programming, a debugger's memory write, DMA).
   */
  readonly codeRegions: readonly CodeRegion[];
  /** Optional: memory compiled blocks may read without calling the bus (see FastReadWindow). */
  readonly fastReadWindows?: readonly FastReadWindow[];
}

/**
 * A stretch of plain memory that compiled code may read straight from its arrays: reads there have
 * no side effects and return the array's contents, exactly what the bus's own read would return,
 * for as long as `enabled` is true (the owner clears it while reads must take the bus's path — a
 * stall, a protection check — and may set it again once they need not).
 */
export interface FastReadWindow {
  readonly base: number;
  readonly size: number;
  readonly words: Int32Array;
  readonly halves: Uint16Array;
  readonly bytes: Uint8Array;
  enabled: boolean;
}

export interface CodeRegion {
  readonly base: number;
  readonly size: number;
}

/**
 * Thrown by a Bus when an access gets an error response (unmapped address, disabled peripheral clock,
 * fetch from a data-only region). The core turns it into a BusFault; it never leaves the simulator.
 */
export class BusError extends Error {
  constructor(
    readonly address: number,
    readonly access: 'read' | 'write' | 'fetch',
  ) {
    super(`bus error on ${access} at 0x${(address >>> 0).toString(16).padStart(8, '0')}`);
  }
}
