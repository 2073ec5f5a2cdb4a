import { ADDRESS_MAP } from '../../arch/armv7m/memory-map.js';
import { KIB, mainFlashBase, STM32F40X } from '../../target/index.js';

/** The flash-size register's value for the STM32F407VG the virtual board carries: 1024 KiB. */
export const F_SIZE_KIB = 0x0400;

const { SRAM1, SRAM2, CCM, SYSTEM, OTP, OPTION_BYTES, BKPSRAM } = STM32F40X.memory;

/**
 * The STM32F407VG's memory map as the bus routes it: the chip description's (src/target), with the
 * part's flash size and the windows the bus needs on top. Sizes are in bytes.
 */
export const MEMORY = {
  /** Main flash, 12 sectors. */
  FLASH_BASE: mainFlashBase(STM32F40X),
  FLASH_SIZE: F_SIZE_KIB * KIB,
  /** Core-coupled memory: D-bus only, so instruction fetches fault. */
  CCM_BASE: CCM.base,
  CCM_SIZE: CCM.size,
  /** System memory: ST's boot loader on silicon; here a stand-in (system-memory.ts). */
  SYSTEM_BASE: SYSTEM.base,
  SYSTEM_SIZE: SYSTEM.size,
  /** One-time programmable area with its lock bytes. */
  OTP_BASE: OTP.base,
  OTP_SIZE: OTP.size,
  /** 96-bit unique device ID. */
  UID_BASE: STM32F40X.uniqueIdAddress,
  /** Flash size in KiB, 16 bits. */
  F_SIZE: STM32F40X.flash.sizeRegister,
  OPTION_BYTES_BASE: OPTION_BYTES.base,
  OPTION_BYTES_SIZE: OPTION_BYTES.size,
  /** SRAM1 (112 KiB) and SRAM2 (16 KiB) are contiguous: the bus models them as one array. */
  SRAM_BASE: SRAM1.base,
  SRAM_SIZE: SRAM2.base + SRAM2.size - SRAM1.base,
  BKPSRAM_BASE: BKPSRAM.base,
  BKPSRAM_SIZE: BKPSRAM.size,
  /** The boot alias: flash, system memory or SRAM depending on BOOT pins / SYSCFG_MEMRMP. */
  BOOT_ALIAS_SIZE: 0x10_0000,
  /** The ARMv7-M Peripheral region (arch/). */
  PERIPHERAL_BASE: ADDRESS_MAP.PERIPHERAL,
  PERIPHERAL_END: ADDRESS_MAP.RAM,
} as const;
