import { ADDRESS_MAP, PPB } from '../../arch/armv7m/memory-map.js';
import { isBitBandAlias, readBitBand, writeBitBand } from '../cpu/bitband.js';
import { BusError, type Bus, type CodeRegion, type FastReadWindow } from '../cpu/bus.js';
import type { PpbDevice } from '../cpu/system/scs.js';
import { MEMORY } from './memory-map.js';
import type { AccessSize, ClockEnable } from './peripheral.js';
import type { PeripheralMap } from './peripheral-map.js';

/** SYSCFG_MEMRMP.MEM_MODE (RM0090 §9.2.1): what appears at 0x00000000. */
export const MEM_MODE = { FLASH: 0, SYSTEM: 1, FSMC: 2, SRAM: 3 } as const;

/** What the bus needs from the flash controller (src/sim/soc/flash). */
export interface FlashPort {
  readonly main: Uint8Array;
  readonly otp: Uint8Array;
  /** A store into main flash or OTP: programming when FLASH_CR.PG is set, else an error flag. */
  programWrite(address: number, size: AccessSize, value: number): void;
  /** The user option bytes as read at 0x1FFFC000 (RM0090 §3.7.1 table 16). */
  readOptionBytes(offset: number, size: AccessSize): number;
  /** Virtual time (ns) until which an operation keeps the flash busy (FLASH_SR.BSY). */
  readonly busyUntil: number;
}

/** The SoC as the bus sees it. */
export interface BusHost {
  readonly flash: FlashPort;
  readonly peripherals: PeripheralMap;
  /** The core's or the debugger's PPB (0xE0000000–0xE00FFFFF). */
  ppb(fromDebugger: boolean): PpbDevice;
  isClockEnabled(enable: ClockEnable): boolean;
  /** Brings the virtual clock up to the core's cycle count before a peripheral sees an access. */
  syncTime(): void;
  /** Makes the core wait until virtual time `at` (a stalled bus: flash busy). */
  stallUntil(at: number): void;
  readonly now: number;
  /** Forgets decoded code overlapping a range the core did not write itself. */
  invalidateCode(address: number, length: number): void;
  /** The FLASH peripheral's registers, whose writes may start an operation. */
  readonly flashRegisters: unknown;
  /** A flash operation may be starting (from either view): the core's fast flash reads must stop. */
  flashMayChange(): void;
}

/** The chip's unique device ID (RM0090 §39.1) and flash size (§39.2) block, 0x1FFF7A10–0x1FFF7A2F. */
const DEVICE_INFO_BASE = MEMORY.UID_BASE;
const DEVICE_INFO_SIZE = 0x20;

/**
 * The STM32F407's bus matrix as one view sees it (RM0090 §2.1, §2.3): the core's (I-, D- and S-bus
 * together) or the debugger's through the AHB-AP (`fromDebugger`: the PPB as a debugger sees it, code
 * caches invalidated on its writes, flash readable unless read-protected for debuggers).
 *
 * Regions, by how often they are hit: SRAM, flash and its boot alias, peripherals (through the page
 * table, with clock gating), the PPB, CCM (data only), system memory, OTP, device ID, option bytes;
 * bit-band aliases for SRAM and peripherals. Everything else is a bus error.
 *
 * Clock gating: RM0090 does not define an error response for a peripheral whose clock is off; on
 * silicon such reads return 0 and writes are lost, which is what firmware that forgets the enable
 * sees. That is what this bus does.
 */
export class SocBus implements Bus {
  readonly sram = new Uint8Array(MEMORY.SRAM_SIZE);
  readonly ccm = new Uint8Array(MEMORY.CCM_SIZE);
  readonly codeRegions: readonly CodeRegion[];
  /** SYSCFG_MEMRMP.MEM_MODE in force. */
  memoryMode: number = MEM_MODE.FLASH;
  /** False while read protection forbids this view to read main flash (RM0090 §3.7.3). */
  flashReadable = true;
  /** Set by the SoC while the core fetches its reset vectors (see checkFlashRead). */
  vectorFetch = false;
  /**
   * SRAM, and main flash at 0x08000000, for the core's compiled loads. The flash window is enabled
   * only while a read there is a plain read: readable and idle. `flashMayChange` turns it off when
   * an operation may start; the next read through the bus turns it on again if it finds the flash
   * idle and readable.
   */
  readonly fastReadWindows: readonly FastReadWindow[];
  private readonly flashWindow: FastReadWindow;

  private readonly sram16 = new Uint16Array(this.sram.buffer);
  private readonly sram32 = new Int32Array(this.sram.buffer);
  private readonly ccm16 = new Uint16Array(this.ccm.buffer);
  private readonly ccm32 = new Int32Array(this.ccm.buffer);
  private readonly flash8: Uint8Array;
  private readonly flash16: Uint16Array;
  private readonly flash32: Int32Array;
  private readonly system8: Uint8Array;
  private readonly system16: Uint16Array;
  private readonly system32: Int32Array;
  private readonly deviceInfo: DataView;
  private readonly flash: FlashPort;

  constructor(
    private readonly host: BusHost,
    readonly fromDebugger: boolean,
    systemMemory: Uint8Array,
    deviceInfo: Uint8Array,
    /** The debugger's view shares the core view's RAM. */
    shareWith?: SocBus,
  ) {
    if (shareWith !== undefined) {
      this.sram = shareWith.sram;
      this.ccm = shareWith.ccm;
      this.sram16 = new Uint16Array(this.sram.buffer);
      this.sram32 = new Int32Array(this.sram.buffer);
      this.ccm16 = new Uint16Array(this.ccm.buffer);
      this.ccm32 = new Int32Array(this.ccm.buffer);
    }
    this.flash = host.flash;
    const main = host.flash.main;
    this.flash8 = main;
    this.flash16 = new Uint16Array(main.buffer, main.byteOffset, main.length >>> 1);
    this.flash32 = new Int32Array(main.buffer, main.byteOffset, main.length >>> 2);
    this.system8 = systemMemory;
    this.system16 = new Uint16Array(systemMemory.buffer, systemMemory.byteOffset, systemMemory.length >>> 1);
    this.system32 = new Int32Array(systemMemory.buffer, systemMemory.byteOffset, systemMemory.length >>> 2);
    this.deviceInfo = new DataView(deviceInfo.buffer, deviceInfo.byteOffset, deviceInfo.length);
    this.flashWindow = {
      base: MEMORY.FLASH_BASE,
      size: MEMORY.FLASH_SIZE,
      words: this.flash32,
      halves: this.flash16,
      bytes: this.flash8,
      enabled: false,
    };
    const sramWindow: FastReadWindow = {
      base: MEMORY.SRAM_BASE,
      size: MEMORY.SRAM_SIZE,
      words: this.sram32,
      halves: this.sram16,
      bytes: this.sram,
      enabled: true,
    };
    this.fastReadWindows = [sramWindow, this.flashWindow];
    this.codeRegions = [
      { base: MEMORY.FLASH_BASE, size: MEMORY.FLASH_SIZE },
      { base: 0, size: MEMORY.BOOT_ALIAS_SIZE },
      { base: MEMORY.SRAM_BASE, size: MEMORY.SRAM_SIZE },
      { base: MEMORY.SYSTEM_BASE, size: MEMORY.SYSTEM_SIZE },
    ];
  }

  // --- Offsets of the plain memories (-1 when elsewhere) ---------------------------------------

  private sramOffset(address: number): number {
    const offset = ((address >>> 0) - MEMORY.SRAM_BASE) >>> 0;
    if (offset < MEMORY.SRAM_SIZE) return offset;
    if (this.memoryMode === MEM_MODE.SRAM && address >>> 0 < MEMORY.SRAM_SIZE) return address >>> 0;
    return -1;
  }

  /** Offset in main flash for the flash region, or the boot alias while it maps flash. */
  private flashOffset(address: number): number {
    const a = address >>> 0;
    const offset = (a - MEMORY.FLASH_BASE) >>> 0;
    if (offset < MEMORY.FLASH_SIZE) return offset;
    if (a < MEMORY.BOOT_ALIAS_SIZE && this.memoryMode === MEM_MODE.FLASH) return a;
    return -1;
  }

  private systemOffset(address: number): number {
    const a = address >>> 0;
    const offset = (a - MEMORY.SYSTEM_BASE) >>> 0;
    if (offset < MEMORY.SYSTEM_SIZE) return offset;
    if (a < MEMORY.SYSTEM_SIZE && this.memoryMode === MEM_MODE.SYSTEM) return a;
    return -1;
  }

  private ccmOffset(address: number): number {
    const offset = ((address >>> 0) - MEMORY.CCM_BASE) >>> 0;
    return offset < MEMORY.CCM_SIZE ? offset : -1;
  }

  /**
   * Flash reads wait while the flash is busy (RM0090 §3.5: the bus stalls). Read-protected flash
   * answers data reads with a bus error (RM0090 §3.7.3). Returns false when the read must instead
   * give all ones: the reset vector fetch of a protected chip does, which is why OpenOCD reports
   * "pc: 0xfffffffe msp: 0xfffffffc" when it halts one at reset.
   */
  private checkFlashRead(address: number): boolean {
    if (!this.flashReadable) {
      if (this.vectorFetch) return false;
      throw new BusError(address >>> 0, 'read');
    }
    // busyUntil is 0 while the flash is idle: the common case costs one read, not the clock's.
    const busyUntil = this.flash.busyUntil;
    if (busyUntil !== 0 && busyUntil > this.host.now) this.host.stallUntil(busyUntil);
    else if (busyUntil === 0) this.flashWindow.enabled = true;
    return true;
  }

  /** Flash reads must take the bus's path until it finds them plain again (see fastReadWindows). */
  flashMayChange(): void {
    this.flashWindow.enabled = false;
  }

  // --- Bus -------------------------------------------------------------------------------------

  read32(address: number): number {
    let o = this.sramOffset(address);
    if (o >= 0) return this.sram32[o >>> 2]!;
    o = this.flashOffset(address);
    if (o >= 0) {
      return this.checkFlashRead(address) ? this.flash32[o >>> 2]! : -1;
    }
    return this.slowRead(address, 4);
  }

  read16(address: number): number {
    let o = this.sramOffset(address);
    if (o >= 0) return this.sram16[o >>> 1]!;
    o = this.flashOffset(address);
    if (o >= 0) {
      return this.checkFlashRead(address) ? this.flash16[o >>> 1]! : 0xffff;
    }
    return this.slowRead(address, 2);
  }

  read8(address: number): number {
    let o = this.sramOffset(address);
    if (o >= 0) return this.sram[o]!;
    o = this.flashOffset(address);
    if (o >= 0) {
      return this.checkFlashRead(address) ? this.flash8[o]! : 0xff;
    }
    return this.slowRead(address, 1);
  }

  write32(address: number, value: number): void {
    const o = this.sramOffset(address);
    if (o >= 0) {
      this.sram32[o >>> 2] = value;
      this.afterSramWrite(address, o, 4);
    } else this.slowWrite(address, 4, value);
  }

  write16(address: number, value: number): void {
    const o = this.sramOffset(address);
    if (o >= 0) {
      this.sram16[o >>> 1] = value;
      this.afterSramWrite(address, o, 2);
    } else this.slowWrite(address, 2, value);
  }

  write8(address: number, value: number): void {
    const o = this.sramOffset(address);
    if (o >= 0) {
      this.sram[o] = value;
      this.afterSramWrite(address, o, 1);
    } else this.slowWrite(address, 1, value);
  }

  fetch16(address: number): number {
    let o = this.flashOffset(address);
    if (o >= 0) {
      if (!this.flashReadable) throw new BusError(address >>> 0, 'fetch');
      return this.flash16[o >>> 1]!;
    }
    o = this.sramOffset(address);
    if (o >= 0) return this.sram16[o >>> 1]!;
    o = this.systemOffset(address);
    if (o >= 0) return this.system16[o >>> 1]!;
    // CCM RAM is on the D-bus only (RM0090 §2.3.1): fetching from it is a bus error, as is any
    // address outside the code-capable memories.
    throw new BusError(address >>> 0, 'fetch');
  }

  /**
   * The core invalidates decoded code at the address it stored to; the same SRAM byte may also be
   * decoded through the other of its two addresses (0x2000xxxx and the boot alias), and a debugger's
   * writes are not the core's.
   */
  private afterSramWrite(address: number, offset: number, size: number): void {
    if (this.fromDebugger) {
      this.host.invalidateCode(MEMORY.SRAM_BASE + offset, size);
      if (this.memoryMode === MEM_MODE.SRAM) this.host.invalidateCode(offset, size);
    } else if (this.memoryMode === MEM_MODE.SRAM) {
      this.host.invalidateCode(address >>> 0 < MEMORY.SRAM_SIZE ? MEMORY.SRAM_BASE + offset : offset, size);
    }
  }

  // --- Everything but SRAM and flash reads ------------------------------------------------------

  private slowRead(address: number, size: AccessSize): number {
    const a = address >>> 0;
    if (a >= ADDRESS_MAP.PERIPHERAL && a < ADDRESS_MAP.RAM) {
      if (isBitBandAlias(a)) return readBitBand(this, a, size);
      return this.peripheralRead(a, size);
    }
    if (a >= PPB.BASE && a < PPB.BASE + PPB.SIZE) {
      const ppb = this.host.ppb(this.fromDebugger);
      return size === 4 ? ppb.read32(a) : size === 2 ? ppb.read16(a) : ppb.read8(a);
    }
    let o = this.ccmOffset(a);
    if (o >= 0) return size === 4 ? this.ccm32[o >>> 2]! : size === 2 ? this.ccm16[o >>> 1]! : this.ccm[o]!;
    o = this.systemOffset(a);
    if (o >= 0) {
      return size === 4 ? this.system32[o >>> 2]! : size === 2 ? this.system16[o >>> 1]! : this.system8[o]!;
    }
    if (isBitBandAlias(a)) return readBitBand(this, a, size);
    const otp = (a - MEMORY.OTP_BASE) >>> 0;
    if (otp < MEMORY.OTP_SIZE) return readLittleEndian(this.host.flash.otp, otp, size);
    const info = (a - DEVICE_INFO_BASE) >>> 0;
    if (info < DEVICE_INFO_SIZE) {
      const view = this.deviceInfo;
      return size === 4
        ? view.getInt32(info, true)
        : size === 2
          ? view.getUint16(info, true)
          : view.getUint8(info);
    }
    const option = (a - MEMORY.OPTION_BYTES_BASE) >>> 0;
    if (option < MEMORY.OPTION_BYTES_SIZE) return this.host.flash.readOptionBytes(option, size);
    throw new BusError(a, 'read');
  }

  private slowWrite(address: number, size: AccessSize, value: number): void {
    const a = address >>> 0;
    if (a >= ADDRESS_MAP.PERIPHERAL && a < ADDRESS_MAP.RAM) {
      if (isBitBandAlias(a)) writeBitBand(this, a, size, value);
      else this.peripheralWrite(a, size, value);
      return;
    }
    if (a >= PPB.BASE && a < PPB.BASE + PPB.SIZE) {
      const ppb = this.host.ppb(this.fromDebugger);
      if (size === 4) ppb.write32(a, value);
      else if (size === 2) ppb.write16(a, value);
      else ppb.write8(a, value);
      return;
    }
    if (this.flashOffset(a) >= 0 || (a - MEMORY.OTP_BASE) >>> 0 < MEMORY.OTP_SIZE) {
      // A store to flash is a programming access; one made while the flash is busy waits for it.
      const flash = this.host.flash;
      this.host.flashMayChange();
      this.host.syncTime();
      if (flash.busyUntil > this.host.now) this.host.stallUntil(flash.busyUntil);
      flash.programWrite(a, size, value);
      return;
    }
    const o = this.ccmOffset(a);
    if (o >= 0) {
      if (size === 4) this.ccm32[o >>> 2] = value;
      else if (size === 2) this.ccm16[o >>> 1] = value;
      else this.ccm[o] = value;
      return;
    }
    if (isBitBandAlias(a)) {
      writeBitBand(this, a, size, value);
      return;
    }
    // System memory, the device ID and the option-byte area are read-only: the write is a bus error.
    throw new BusError(a, 'write');
  }

  private peripheralRead(address: number, size: AccessSize): number {
    const peripheral = this.host.peripherals.find(address);
    if (peripheral === undefined) throw new BusError(address, 'read');
    if (peripheral.clockEnable !== undefined && !this.host.isClockEnabled(peripheral.clockEnable)) return 0;
    this.host.syncTime();
    return peripheral.read(address - peripheral.base, size);
  }

  private peripheralWrite(address: number, size: AccessSize, value: number): void {
    const peripheral = this.host.peripherals.find(address);
    if (peripheral === undefined) throw new BusError(address, 'write');
    // A FLASH_CR/OPTCR write may start an erase or an option commit (BSY).
    if (peripheral === this.host.flashRegisters) this.host.flashMayChange();
    if (peripheral.clockEnable !== undefined && !this.host.isClockEnabled(peripheral.clockEnable)) return;
    this.host.syncTime();
    peripheral.write(address - peripheral.base, size, value);
  }
}

function readLittleEndian(bytes: Uint8Array, offset: number, size: AccessSize): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = (value << 8) | (bytes[offset + i] ?? 0xff);
  return size === 4 ? value | 0 : value >>> 0;
}
