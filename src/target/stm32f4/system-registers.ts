/**
 * The STM32F4 registers the doctor reads to tell why a target will not connect (RM0090): the SWD
 * pins' GPIO configuration, the power controller's low-power entry bits, the reset flags and the two
 * watchdogs. Host-side facts, named as RM0090 names them.
 */
import { CSR as RCC_CSR } from './rcc-registers.js';

/** GPIOA (RM0090 §8.4): PA13 is SWDIO and PA14 SWCLK in their reset function, AF0 (Table 9). */
export const GPIOA_BASE = 0x4002_0000;
export const GPIO_REG = { MODER: 0x00, LCKR: 0x1c, AFRH: 0x24 } as const;
/** GPIOx_LCKR's lock key (§8.4.8): written 1, 0, 1 with the pins' bits, then it reads 1 until reset. */
export const GPIO_LCKR_LCKK = 1 << 16;
/** GPIOx_MODER's two bits per pin (§8.4.1). */
export const GPIO_MODE = { INPUT: 0, OUTPUT: 1, ALTERNATE: 2, ANALOG: 3 } as const;
export const GPIO_MODE_NAMES = ['input', 'output', 'alternate function', 'analog'] as const;
export const SWD_PINS = [
  { pin: 13, name: 'PA13', signal: 'SWDIO' },
  { pin: 14, name: 'PA14', signal: 'SWCLK' },
] as const;
/** The alternate function the SW-DP needs on PA13/PA14 (AF0, "SYS"). */
export const SWD_ALTERNATE_FUNCTION = 0;

/** PWR_CR (§5.4.1): LPDS (regulator low-power in Stop), PDDS (deep sleep is Standby, not Stop). */
export const PWR_BASE = 0x4000_7000;
export const PWR_REG = { CR: 0x0, CSR: 0x4 } as const;
export const PWR_CR = { LPDS: 1 << 0, PDDS: 1 << 1, CWUF: 1 << 2, CSBF: 1 << 3 } as const;

/** RCC (§7.3): the registers are rcc-registers.ts's; the bits the doctor reads. */
export { RCC_BASE, RCC_REG, CSR as RCC_CSR } from './rcc-registers.js';
export const RCC_APB1ENR = { WWDGEN: 1 << 11, PWREN: 1 << 28 } as const;
export const RCC_AHB1ENR = { GPIOAEN: 1 << 0 } as const;

/** RCC_CSR's reset flags, highest bit first, as RM0090 names them. */
export const RESET_FLAGS = [
  ['LPWRRSTF', RCC_CSR.LPWRRSTF, 'low-power management (entering Stop/Standby with nRST_STOP/nRST_STDBY)'],
  ['WWDGRSTF', RCC_CSR.WWDGRSTF, 'the window watchdog'],
  ['IWDGRSTF', RCC_CSR.IWDGRSTF, 'the independent watchdog'],
  ['SFTRSTF', RCC_CSR.SFTRSTF, 'software (SYSRESETREQ)'],
  ['PORRSTF', RCC_CSR.PORRSTF, 'power-on/power-down'],
  ['PINRSTF', RCC_CSR.PINRSTF, 'the NRST pin'],
  ['BORRSTF', RCC_CSR.BORRSTF, 'brown-out'],
] as const;

/** IWDG (§19.4): PR and RLR are readable; LSI at about 32 kHz clocks it. */
export const IWDG_BASE = 0x4000_3000;
export const IWDG_REG = { KR: 0x0, PR: 0x4, RLR: 0x8, SR: 0xc } as const;
export const LSI_NOMINAL_HZ = 32_000;

/** WWDG (§20.6): CR.WDGA = activated (only a reset clears it). */
export const WWDG_BASE = 0x4000_2c00;
export const WWDG_REG = { CR: 0x0, CFR: 0x4 } as const;
export const WWDG_CR = { WDGA: 1 << 7 } as const;
