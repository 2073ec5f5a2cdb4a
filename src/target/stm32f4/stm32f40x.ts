import { KIB } from '../chip.js';
import { defineChip } from '../validate.js';
import { DBGMCU_APB1_FZ, DBGMCU_BASE, DBGMCU_CR, DBGMCU_REG } from './dbgmcu-registers.js';

/**
 * STM32F405/407/415/417 (DEV_ID 0x413), from RM0090: the memory map (§2.3, table 1), main flash
 * (§3.3, table 5), the device electronic signature (§39) and DBGMCU_IDCODE (§38.6.1). The parts
 * come with 512 KiB or 1 MiB of flash in one bank; the flash-size register says which.
 */
export const STM32F40X = defineChip({
  name: 'STM32F405/407/415/417',
  parts: ['STM32F405', 'STM32F407', 'STM32F415', 'STM32F417'],
  referenceManual: 'RM0090',
  identification: {
    idcodeAddress: 0xe004_2000,
    devId: 0x413,
    // As RM0090 §38.6.1 names them for these parts (its F42x/43x table names the same codes differently).
    revisions: [
      { revId: 0x1000, name: 'A' },
      { revId: 0x1001, name: 'Z' },
      { revId: 0x1003, name: '1' },
      { revId: 0x1007, name: '2' },
      { revId: 0x100f, name: 'Y' },
    ],
    devIdAliases: [
      {
        // Early F40x silicon reads the STM32F2's DEV_ID; the F2 has a Cortex-M3, so CPUID tells them apart.
        devId: 0x411,
        corePartno: 0xc24,
        note: 'DEV_ID 0x411 read on a Cortex-M4: early STM32F40x silicon reports the STM32F2’s DEV_ID (an erratum)',
      },
    ],
  },
  flash: {
    driver: 'stm32f4',
    // Sectors 0–3 of 16 KiB, 4 of 64 KiB, 5–11 of 128 KiB.
    banks: [
      {
        base: 0x0800_0000,
        sectors: [
          { count: 4, size: 16 * KIB },
          { count: 1, size: 64 * KIB },
          { count: 7, size: 128 * KIB },
        ],
      },
    ],
    sizeRegister: 0x1fff_7a22,
    maxSize: 1024 * KIB,
    bootAlias: 0x0000_0000,
    erasedByte: 0xff,
  },
  memory: {
    /** SRAM1 and SRAM2 are contiguous: 128 KiB from 0x20000000 (§2.3.1). */
    SRAM1: { kind: 'ram', base: 0x2000_0000, size: 112 * KIB, executable: true },
    SRAM2: { kind: 'ram', base: 0x2001_c000, size: 16 * KIB, executable: true },
    /** Core-coupled memory: on the D-bus only, so instruction fetches fault (§2.3.1). */
    CCM: { kind: 'ram', base: 0x1000_0000, size: 64 * KIB, executable: false },
    /** Backup SRAM on AHB1, behind RCC's BKPSRAMEN (§5.1.2). */
    BKPSRAM: { kind: 'ram', base: 0x4002_4000, size: 4 * KIB, executable: false },
    /** ST's boot loader (§2.4). */
    SYSTEM: { kind: 'system', base: 0x1fff_0000, size: 30 * KIB, executable: true },
    /** 16 blocks of 32 bytes, then 16 lock bytes (§3.8). */
    OTP: { kind: 'otp', base: 0x1fff_7800, size: 528, executable: false },
    /** The user option bytes (§3.7.1, table 16). */
    OPTION_BYTES: { kind: 'option-bytes', base: 0x1fff_c000, size: 16, executable: false },
  },
  uniqueIdAddress: 0x1fff_7a10,
  debugHold: [
    {
      name: 'DBGMCU_CR',
      address: DBGMCU_BASE + DBGMCU_REG.CR,
      bits: DBGMCU_CR.DBG_SLEEP | DBGMCU_CR.DBG_STOP | DBGMCU_CR.DBG_STANDBY,
      purpose: 'the debug logic stays clocked and powered in Sleep, Stop and Standby (RM0090 §38.16.3)',
    },
    {
      name: 'DBGMCU_APB1_FZ',
      address: DBGMCU_BASE + DBGMCU_REG.APB1_FZ,
      bits: DBGMCU_APB1_FZ.DBG_WWDG_STOP | DBGMCU_APB1_FZ.DBG_IWDG_STOP,
      purpose: 'the window and independent watchdogs stop while the core is halted (RM0090 §38.16.4)',
    },
  ],
});
