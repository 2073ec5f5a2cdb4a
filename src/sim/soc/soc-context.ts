import type { VirtualClock } from './clock.js';
import type { IrqLine } from './peripheral.js';

/** Why the chip was reset, as RCC_CSR records it (RM0090 7.3.21). */
export type ResetSource = 'power-on' | 'pin' | 'software' | 'iwdg' | 'wwdg' | 'low-power';

/** Current clock frequencies in Hz (RM0090 figure 21, clock tree). */
export interface ClockFrequencies {
  readonly sysclk: number;
  readonly hclk: number;
  readonly pclk1: number;
  readonly pclk2: number;
  /**
   * The LSI RC oscillator: ~32 kHz (DS8626 table 35: 17–47 kHz, typ. 32 kHz); 0 while it is not
   * running (RCC_CSR.LSIRDY = 0), as the RCC model reports it.
   */
  readonly lsi: number;
}

/** DBGMCU registers peripherals consult (RM0090 38.16). */
export interface DebugFreeze {
  /** DBGMCU_CR: DBG_SLEEP (0), DBG_STOP (1), DBG_STANDBY (2). */
  readonly cr: number;
  /** DBGMCU_APB1_FZ: e.g. DBG_WWDG_STOP (11), DBG_IWDG_STOP (12). */
  readonly apb1fz: number;
  readonly apb2fz: number;
}

/**
 * What the STM32F407 gives each peripheral model: the board's clock, the clock tree, interrupt
 * lines, reset requests, the debug freeze controls and the console. Peripherals depend on this
 * interface only, so each can be unit-tested with a small fake.
 */
export interface SocContext {
  readonly clock: VirtualClock;
  readonly clocks: ClockFrequencies;
  /** The NVIC input for STM32F407 IRQ `n` (RM0090 table 61). */
  irq(n: number): IrqLine;
  /** Resets the chip on behalf of `source` (e.g. the IWDG expiring). */
  requestReset(source: ResetSource): void;
  /** True while the core is halted by a debugger (what DBGMCU's freeze bits act on). */
  readonly coreHalted: boolean;
  readonly debugFreeze: DebugFreeze;
  /** A byte USART2 transmitted (PA2 on the Discovery), for the simulator's console. */
  consoleByte(byte: number): void;
}
