import type { MemoryAccess } from '../../arm/memory-access.js';
import { FLASH_ACR, FLASH_R_BASE, FLASH_REG } from '../../target/stm32f4/flash-registers.js';
import { CFGR, CR, PLLCFGR, RCC_BASE, RCC_REG, SYSCLK_SOURCE } from '../../target/stm32f4/rcc-registers.js';

const ACR = FLASH_R_BASE + FLASH_REG.ACR;
const RCC_CR = RCC_BASE + RCC_REG.CR;
const RCC_PLLCFGR = RCC_BASE + RCC_REG.PLLCFGR;
const RCC_CFGR = RCC_BASE + RCC_REG.CFGR;

/**
 * The PLL from the 16 MHz HSI to 84 MHz (RM0090 §7.3.2): PLLM 16 (1 MHz into the VCO, inside its
 * 1-2 MHz range), PLLN 336 (a 336 MHz VCO), PLLP ÷4 (field value 1), PLLQ 7 (48 MHz, for USB). 84 MHz
 * is half the chip's maximum: APB2 may run at it, APB1 at half, and five wait states cover it at any
 * supply from 1.8 V (RM0090 table 10), so no voltage reading is needed to choose them.
 */
const PLL = { M: 16, N: 336, P_DIV4: 1, Q: 7 } as const;
const FAST_LATENCY = 5;
/** APB1 ÷2 (PPRE1 100b): its maximum is 42 MHz. AHB and APB2 ÷1. */
const FAST_PRESCALERS = 0b100 << CFGR.PPRE1_SHIFT;
/** PLL lock takes at most 300 µs (DS8626 table 37), the switch a few cycles; polls are USB round trips. */
const POLLS = 50;

/** What a boost changed, to put back exactly. */
export interface SavedClock {
  readonly acr: number;
  readonly cfgr: number;
  readonly pllcfgr: number;
  readonly cr: number;
}

/**
 * Runs the core from the PLL at 84 MHz instead of the HSI's 16 MHz it has after reset, for the flash
 * loader's own work: the loop around each flash access and the CRCs of compare and verify then take a
 * fifth of the time (the flash's program and erase times do not depend on the core clock). Only from
 * the reset configuration (SYSCLK from HSI, PLL off): a clock the firmware set up is left alone, and
 * nothing that is running depends on the PLL. Returns what to restore, or undefined if it did nothing.
 * The core must be halted; FLASH_ACR's caches are turned off meanwhile, so CRCs read the flash itself.
 */
export async function raiseCoreClock(memory: MemoryAccess): Promise<SavedClock | undefined> {
  const [acr, cr, pllcfgr, cfgr] = [
    await memory.read32(ACR),
    await memory.read32(RCC_CR),
    await memory.read32(RCC_PLLCFGR),
    await memory.read32(RCC_CFGR),
  ];
  const fromHsi = (cfgr & CFGR.SWS_MASK) >>> CFGR.SWS_SHIFT === SYSCLK_SOURCE.HSI;
  if (!fromHsi || (cr & CR.PLLON) !== 0 || (cr & CR.HSIRDY) === 0) return undefined;
  const saved = { acr, cfgr, pllcfgr, cr };
  // Wait states before the clock rises (RM0090 §3.5.1); caches off so no line predates programming.
  await memory.write32(ACR, FAST_LATENCY | FLASH_ACR.PRFTEN);
  const pll =
    (pllcfgr & ~PLLCFGR.WRITABLE) |
    PLL.M |
    (PLL.N << PLLCFGR.PLLN_SHIFT) |
    (PLL.P_DIV4 << PLLCFGR.PLLP_SHIFT) |
    (PLL.Q << PLLCFGR.PLLQ_SHIFT);
  await memory.write32(RCC_PLLCFGR, pll >>> 0);
  await memory.write32(RCC_CR, (cr | CR.PLLON) >>> 0);
  if (!(await pollUntil(memory, RCC_CR, (v) => (v & CR.PLLRDY) !== 0))) {
    await restoreCoreClock(memory, saved);
    return undefined;
  }
  const prescaled =
    (cfgr & ~(CFGR.SW_MASK | (0xf << CFGR.HPRE_SHIFT) | (0x3f << CFGR.PPRE1_SHIFT))) | FAST_PRESCALERS;
  await memory.write32(RCC_CFGR, prescaled >>> 0);
  await memory.write32(RCC_CFGR, (prescaled | SYSCLK_SOURCE.PLL) >>> 0);
  const switched = await pollUntil(
    memory,
    RCC_CFGR,
    (v) => (v & CFGR.SWS_MASK) >>> CFGR.SWS_SHIFT === SYSCLK_SOURCE.PLL,
  );
  if (!switched) {
    await restoreCoreClock(memory, saved);
    return undefined;
  }
  return saved;
}

/**
 * Puts back the reset-time clock raiseCoreClock() found: SYSCLK to HSI first, then the prescalers, PLL
 * off, its configuration, and FLASH_ACR last (its caches flushed before they are enabled again, as
 * RM0090 §3.5.2 asks after the flash has changed).
 */
export async function restoreCoreClock(memory: MemoryAccess, saved: SavedClock): Promise<void> {
  const current = await memory.read32(RCC_CFGR);
  await memory.write32(RCC_CFGR, (current & ~CFGR.SW_MASK) >>> 0);
  await pollUntil(memory, RCC_CFGR, (v) => (v & CFGR.SWS_MASK) >>> CFGR.SWS_SHIFT === SYSCLK_SOURCE.HSI);
  await memory.write32(RCC_CFGR, (saved.cfgr & CFGR.WRITABLE) >>> 0);
  await memory.write32(RCC_CR, (saved.cr & ~CR.PLLON) >>> 0);
  await memory.write32(RCC_PLLCFGR, saved.pllcfgr);
  const cachesOff = saved.acr & ~(FLASH_ACR.ICEN | FLASH_ACR.DCEN);
  await memory.write32(ACR, (cachesOff | FLASH_ACR.ICRST | FLASH_ACR.DCRST) >>> 0);
  await memory.write32(ACR, cachesOff >>> 0);
  await memory.write32(ACR, saved.acr);
}

async function pollUntil(
  memory: MemoryAccess,
  address: number,
  done: (value: number) => boolean,
): Promise<boolean> {
  for (let i = 0; i < POLLS; i++) {
    if (done(await memory.read32(address))) return true;
  }
  return false;
}
