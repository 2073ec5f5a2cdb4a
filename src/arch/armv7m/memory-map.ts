/**
 * The ARMv7-M system address map (ARM DDI 0403E, B3.1 "The system address map"): the regions every
 * ARMv7-M device shares, and the components at fixed places in its Private Peripheral Bus. A chip's
 * own memories (flash, SRAM sizes, peripherals) are chip data, not here.
 */

/** Region starts of the default memory map (B3.1, Table B3-1); each region runs to the next. */
export const ADDRESS_MAP = {
  CODE: 0x0000_0000,
  SRAM: 0x2000_0000,
  /** Peripheral, Device and System are Execute Never (B3.1.1). */
  PERIPHERAL: 0x4000_0000,
  RAM: 0x6000_0000,
  DEVICE: 0xa000_0000,
  SYSTEM: 0xe000_0000,
} as const;

/**
 * The Private Peripheral Bus, 0xE0000000–0xE00FFFFF (B3.1, the subdivision of the System region):
 * ITM, DWT and FPB, the System Control Space, then the external PPB (TPIU, ETM and what the vendor
 * adds, such as the STM32's DBGMCU) up to the ROM table.
 */
export const PPB = {
  BASE: ADDRESS_MAP.SYSTEM,
  SIZE: 0x10_0000,
  ITM: ADDRESS_MAP.SYSTEM,
  DWT: 0xe000_1000,
  FPB: 0xe000_2000,
  SCS: 0xe000_e000,
  /** The external PPB starts with the TPIU. */
  TPIU: 0xe004_0000,
  ETM: 0xe004_1000,
  ROM_TABLE: 0xe00f_f000,
} as const;
