import { isBitBandAlias, readBitBand, writeBitBand } from './bitband.js';
import { BusError, type Bus, type CodeRegion } from './bus.js';
import { Cpu, type CpuOptions } from './cpu.js';
import { ADDRESS_MAP, PPB } from '../../arch/armv7m/memory-map.js';
import { mainFlashBase, STM32F40X } from '../../target/index.js';

/**
 * A Cortex-M4F with 1 MiB of flash at 0x08000000 (aliased at 0x00000000), 128 KiB of SRAM at
 * 0x20000000 and the Private Peripheral Bus — the machine QEMU's `netduinoplus2` offers to code
 * that touches no STM32 peripheral. It exists for the CPU differential tests against QEMU and the
 * CPU benchmark; the STM32F407 itself (clocks, flash controller, peripherals) is src/sim/soc.
 *
 * The peripheral region 0x40000000–0x5FFFFFFF reads as zero and ignores writes, as QEMU's
 * "unimplemented device" regions do; any other address is a bus error.
 */
export class BareMachine implements Bus {
  // netduinoplus2 carries an STM32F405RG: its flash and SRAM1 are where the chip description says.
  static readonly FLASH_BASE = mainFlashBase(STM32F40X);
  static readonly SRAM_BASE = STM32F40X.memory.SRAM1.base;

  readonly flash = new Uint8Array(0x10_0000);
  readonly sram = new Uint8Array(0x2_0000);
  readonly codeRegions: readonly CodeRegion[] = [
    { base: BareMachine.FLASH_BASE, size: this.flash.length },
    { base: 0, size: this.flash.length },
    { base: BareMachine.SRAM_BASE, size: this.sram.length },
  ];
  readonly cpu: Cpu;

  // Aligned views: the core only issues naturally aligned accesses (see Bus).
  private readonly flash16 = new Uint16Array(this.flash.buffer);
  private readonly flash32 = new Int32Array(this.flash.buffer);
  private readonly sram16 = new Uint16Array(this.sram.buffer);
  private readonly sram32 = new Int32Array(this.sram.buffer);

  constructor(options: CpuOptions = {}) {
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new Error('the simulator needs a little-endian host');
    }
    this.cpu = new Cpu(this, options);
  }

  /** Copies `bytes` to `address` (flash, its alias, or SRAM), as a programmer would before reset. */
  load(address: number, bytes: Uint8Array): void {
    const [memory, offset] = this.backing(address >>> 0, bytes.length);
    memory.set(bytes, offset);
    this.cpu.invalidateCode(address, bytes.length);
    this.cpu.invalidateCode(address ^ BareMachine.FLASH_BASE, bytes.length);
  }

  private backing(address: number, length: number): [Uint8Array, number] {
    const inFlash = (address - BareMachine.FLASH_BASE) >>> 0;
    if (inFlash + length <= this.flash.length) return [this.flash, inFlash];
    if (address + length <= this.flash.length) return [this.flash, address];
    const inSram = (address - BareMachine.SRAM_BASE) >>> 0;
    if (inSram + length <= this.sram.length) return [this.sram, inSram];
    throw new RangeError(`0x${address.toString(16)}+${length} is outside flash and SRAM`);
  }

  /** Flash offset of `address` (either mapping), or -1. */
  private flashOffset(address: number): number {
    const a = address >>> 0;
    if (a < 0x10_0000) return a;
    const offset = (a - BareMachine.FLASH_BASE) >>> 0;
    return offset < 0x10_0000 ? offset : -1;
  }

  private sramOffset(address: number): number {
    const offset = ((address >>> 0) - BareMachine.SRAM_BASE) >>> 0;
    return offset < 0x2_0000 ? offset : -1;
  }

  private static isPeripheral(address: number): boolean {
    return ((address >>> 0) - ADDRESS_MAP.PERIPHERAL) >>> 0 < ADDRESS_MAP.RAM - ADDRESS_MAP.PERIPHERAL;
  }

  private static isPpb(address: number): boolean {
    return ((address >>> 0) - PPB.BASE) >>> 0 < PPB.SIZE;
  }

  read8(address: number): number {
    let o = this.sramOffset(address);
    if (o >= 0) return this.sram[o]!;
    o = this.flashOffset(address);
    if (o >= 0) return this.flash[o]!;
    if (BareMachine.isPpb(address)) return this.cpu.ppb.read8(address);
    return this.unmappedRead(address, 1);
  }

  read16(address: number): number {
    let o = this.sramOffset(address);
    if (o >= 0) return this.sram16[o >>> 1]!;
    o = this.flashOffset(address);
    if (o >= 0) return this.flash16[o >>> 1]!;
    if (BareMachine.isPpb(address)) return this.cpu.ppb.read16(address);
    return this.unmappedRead(address, 2);
  }

  read32(address: number): number {
    let o = this.sramOffset(address);
    if (o >= 0) return this.sram32[o >>> 2]!;
    o = this.flashOffset(address);
    if (o >= 0) return this.flash32[o >>> 2]!;
    if (BareMachine.isPpb(address)) return this.cpu.ppb.read32(address);
    return this.unmappedRead(address, 4);
  }

  // Stores to flash are ignored, as QEMU's ROM region does (the STM32F407 model programs flash
  // through FLASH_CR instead).
  write8(address: number, value: number): void {
    const o = this.sramOffset(address);
    if (o >= 0) this.sram[o] = value;
    else if (BareMachine.isPpb(address)) this.cpu.ppb.write8(address, value);
    else this.unmappedWrite(address, 1, value);
  }

  write16(address: number, value: number): void {
    const o = this.sramOffset(address);
    if (o >= 0) this.sram16[o >>> 1] = value;
    else if (BareMachine.isPpb(address)) this.cpu.ppb.write16(address, value);
    else this.unmappedWrite(address, 2, value);
  }

  write32(address: number, value: number): void {
    const o = this.sramOffset(address);
    if (o >= 0) this.sram32[o >>> 2] = value;
    else if (BareMachine.isPpb(address)) this.cpu.ppb.write32(address, value);
    else this.unmappedWrite(address, 4, value);
  }

  fetch16(address: number): number {
    let o = this.flashOffset(address);
    if (o >= 0) return this.flash16[o >>> 1]!;
    o = this.sramOffset(address);
    if (o >= 0) return this.sram16[o >>> 1]!;
    throw new BusError(address >>> 0, 'fetch');
  }

  private unmappedRead(address: number, size: 1 | 2 | 4): number {
    if (isBitBandAlias(address)) return readBitBand(this, address, size);
    if (BareMachine.isPeripheral(address)) return 0;
    throw new BusError(address >>> 0, 'read');
  }

  private unmappedWrite(address: number, size: 1 | 2 | 4, value: number): void {
    if (isBitBandAlias(address)) {
      writeBitBand(this, address, size, value);
      return;
    }
    if (this.flashOffset(address) >= 0 || BareMachine.isPeripheral(address)) return;
    throw new BusError(address >>> 0, 'write');
  }
}
