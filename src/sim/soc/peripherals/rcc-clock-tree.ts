/**
 * The STM32F407 clock tree (RM0090 §7.2, figure 21) as arithmetic on RCC register values, and the
 * oscillator start-up and PLL lock times of DS8626 §6.3.
 */
import { NS_PER_MS, NS_PER_US } from '../clock.js';
import { CFGR, PLLCFGR, SYSCLK_SOURCE } from '../../../target/stm32f4/rcc-registers.js';

/** The HSI RC oscillator: 16 MHz (RM0090 §7.2.2). */
export const HSI_HZ = 16_000_000;
/** The LSI RC oscillator, typical (DS8626 table 35: 17–47 kHz, typ. 32 kHz). */
export const LSI_HZ = 32_000;

/**
 * Start-up times, nanoseconds. DS8626 table 33 tsu(HSI) typ 2.2 µs; table 31 tsu(HSE) 2 ms typ for
 * an 8 MHz crystal (a bypassed external clock needs no start-up; we take a few of its cycles);
 * table 35 tsu(LSI) 15 µs typ / 40 µs max — the max, as the brief and ST's examples assume;
 * table 32 tsu(LSE) 2 s typ.
 */
export const STARTUP_NS = {
  HSI: 2.2 * NS_PER_US,
  HSE_CRYSTAL: 2 * NS_PER_MS,
  HSE_BYPASS: 1 * NS_PER_US,
  LSI: 40 * NS_PER_US,
  LSE: 2000 * NS_PER_MS,
} as const;

/**
 * PLL lock time (DS8626 table 37, tLOCK): 75–200 µs at a 100 MHz VCO, 100–300 µs at 432 MHz. We use
 * the minimum figures, interpolated linearly in VCO frequency (clamped outside the range).
 */
export function pllLockNs(vcoHz: number): number {
  const t = Math.min(1, Math.max(0, (vcoHz - 100e6) / (432e6 - 100e6)));
  return (75 + 25 * t) * NS_PER_US;
}

/** AHB prescaler HPRE (RM0090 §7.3.3): 0xxx = 1, 1000..1111 = 2, 4, 8, 16, 64, 128, 256, 512. */
const AHB_DIVIDERS = [1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 16, 64, 128, 256, 512] as const;
/** APB prescalers PPRE1/PPRE2: 0xx = 1, 100..111 = 2, 4, 8, 16. */
const APB_DIVIDERS = [1, 1, 1, 1, 2, 4, 8, 16] as const;

export function ahbDivider(cfgr: number): number {
  return AHB_DIVIDERS[(cfgr >>> CFGR.HPRE_SHIFT) & 0xf]!;
}

export function apb1Divider(cfgr: number): number {
  return APB_DIVIDERS[(cfgr >>> CFGR.PPRE1_SHIFT) & 0x7]!;
}

export function apb2Divider(cfgr: number): number {
  return APB_DIVIDERS[(cfgr >>> CFGR.PPRE2_SHIFT) & 0x7]!;
}

/** PLL input frequency: HSI or HSE per PLLSRC (RM0090 §7.3.2). */
export function pllInputHz(pllcfgr: number, hseHz: number): number {
  return (pllcfgr & PLLCFGR.PLLSRC) !== 0 ? hseHz : HSI_HZ;
}

/**
 * VCO output = input / PLLM × PLLN (RM0090 §7.3.2). PLLM 0 or 1 and PLLN outside 50..432 are "wrong
 * configurations" the manual forbids; silicon behaviour is unspecified, so we compute the formula
 * with PLLM clamped to 2 and PLLN as written (0 → a dead VCO).
 */
export function pllVcoHz(pllcfgr: number, hseHz: number): number {
  const m = Math.max(2, pllcfgr & PLLCFGR.PLLM_MASK);
  const n = (pllcfgr >>> PLLCFGR.PLLN_SHIFT) & PLLCFGR.PLLN_MASK;
  return (pllInputHz(pllcfgr, hseHz) / m) * n;
}

/** Main PLL output (SYSCLK when selected) = VCO / PLLP, PLLP = 2, 4, 6, 8. */
export function pllOutputHz(pllcfgr: number, hseHz: number): number {
  const p = 2 * (((pllcfgr >>> PLLCFGR.PLLP_SHIFT) & PLLCFGR.PLLP_MASK) + 1);
  return pllVcoHz(pllcfgr, hseHz) / p;
}

/** I2S PLL VCO = PLL input / PLLM × PLLI2SN (RM0090 §7.3.23: PLLI2S shares PLLM and PLLSRC). */
export function plli2sVcoHz(pllcfgr: number, plli2scfgr: number, hseHz: number): number {
  const m = Math.max(2, pllcfgr & PLLCFGR.PLLM_MASK);
  return (pllInputHz(pllcfgr, hseHz) / m) * ((plli2scfgr >>> 6) & 0x1ff);
}

/** SYSCLK for the source SWS reports (RM0090 §7.2.6). */
export function sysclkHz(sws: number, pllcfgr: number, hseHz: number): number {
  if (sws === SYSCLK_SOURCE.HSE) return hseHz;
  if (sws === SYSCLK_SOURCE.PLL) return pllOutputHz(pllcfgr, hseHz);
  return HSI_HZ;
}
