/**
 * The STM32F4's MCU debug component, DBGMCU (RM0090 §38.16), on the external PPB. Host and virtual
 * board share these facts. Its registers are reset by a power-on reset only, and the debugger may
 * write them while the chip is held in reset (§38.16.3). Only 32-bit accesses are supported.
 */
export const DBGMCU_BASE = 0xe004_2000;

/** Offsets from DBGMCU_BASE (§38.16.1–38.16.5). */
export const DBGMCU_REG = {
  IDCODE: 0x0,
  CR: 0x4,
  APB1_FZ: 0x8,
  APB2_FZ: 0xc,
} as const;

/** DBGMCU_IDCODE (§38.6.1): DEV_ID in bits 11:0, REV_ID in bits 31:16. */
export const DBGMCU_IDCODE = {
  DEV_ID_MASK: 0xfff,
  REV_ID_SHIFT: 16,
} as const;

/** DBGMCU_CR (§38.16.3). */
export const DBGMCU_CR = {
  /** Keep HCLK running in Sleep mode for the debugger. */
  DBG_SLEEP: 1 << 0,
  /** Keep the clocks and the debug logic running in Stop mode. */
  DBG_STOP: 1 << 1,
  /** Keep the debug logic powered in Standby mode. */
  DBG_STANDBY: 1 << 2,
  TRACE_IOEN: 1 << 5,
  TRACE_MODE_MASK: 0x3 << 6,
  /** The bits a write can change. */
  WRITABLE: 0xe7,
} as const;

/** DBGMCU_APB1_FZ (§38.16.4): TIM2–7, TIM12–14, RTC, WWDG, IWDG, I2C1–3 SMBus, CAN1–2 stop while halted. */
export const DBGMCU_APB1_FZ = {
  DBG_WWDG_STOP: 1 << 11,
  DBG_IWDG_STOP: 1 << 12,
  WRITABLE: 0x06e0_1dff,
} as const;

/** DBGMCU_APB2_FZ (§38.16.5): TIM1, TIM8, TIM9–11. */
export const DBGMCU_APB2_FZ_WRITABLE = 0x0007_0003;
