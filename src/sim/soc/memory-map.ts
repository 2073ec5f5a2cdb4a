/**
 * The STM32F407's memory map (RM0090 2.3, figure 5 / table 1 of DS8626) as the bus routes it.
 * Sizes are in bytes.
 */
export const MEMORY = {
  /** Main flash, 12 sectors (RM0090 3.3 table 5). */
  FLASH_BASE: 0x0800_0000,
  FLASH_SIZE: 0x10_0000,
  /** Core-coupled memory: D-bus only, so instruction fetches fault (RM0090 2.3.1). */
  CCM_BASE: 0x1000_0000,
  CCM_SIZE: 0x1_0000,
  /** System memory: ST's boot loader on silicon; here a stand-in (system-memory.ts). */
  SYSTEM_BASE: 0x1fff_0000,
  SYSTEM_SIZE: 0x7800,
  /** One-time programmable area: 16 blocks of 32 bytes, then 16 lock bytes (RM0090 3.8). */
  OTP_BASE: 0x1fff_7800,
  OTP_SIZE: 0x210,
  /** 96-bit unique device ID (RM0090 39.1). */
  UID_BASE: 0x1fff_7a10,
  /** Flash size in KiB, 16 bits (RM0090 39.2). */
  F_SIZE: 0x1fff_7a22,
  /** User option bytes (RM0090 3.7.1 table 16). */
  OPTION_BYTES_BASE: 0x1fff_c000,
  OPTION_BYTES_SIZE: 0x10,
  /** SRAM1 (112 KiB) and SRAM2 (16 KiB) are contiguous (RM0090 2.3.1). */
  SRAM_BASE: 0x2000_0000,
  SRAM_SIZE: 0x2_0000,
  /** Backup SRAM, on AHB1 behind BKPSRAMEN (RM0090 5.1.2). */
  BKPSRAM_BASE: 0x4002_4000,
  BKPSRAM_SIZE: 0x1000,
  /** The boot alias: flash, system memory or SRAM depending on BOOT pins / SYSCFG_MEMRMP. */
  BOOT_ALIAS_SIZE: 0x10_0000,
  PERIPHERAL_BASE: 0x4000_0000,
  PERIPHERAL_END: 0x6000_0000,
} as const;

/** The flash-size register's value for the STM32F407VG: 1024 KiB. */
export const F_SIZE_KIB = 0x0400;
