import type { MemoryAccess } from '../arm/memory-access.js';
import {
  GPIOA_BASE,
  GPIO_LCKR_LCKK as LCKK,
  GPIO_REG,
  RCC_AHB1ENR,
  RCC_BASE,
  RCC_REG,
  SWD_PINS,
} from '../target/stm32f4/system-registers.js';

const LCKR = GPIOA_BASE + GPIO_REG.LCKR;
const AHB1ENR = RCC_BASE + RCC_REG.AHB1ENR;
const GPIOAEN = RCC_AHB1ENR.GPIOAEN;

/**
 * Locks the configuration of PA13/PA14 (GPIOx_LCKR, RM0090 §8.4.8) so that firmware traced from
 * the reset vector cannot take the SWD pins away: the watchpoint on GPIOA_MODER halts the core right
 * after the store, and without the lock that store would already have cut the probe off. The lock
 * lasts until the next reset; it needs GPIOA's clock for the key sequence, which is put back as it
 * was. Returns whether LCKR reads locked.
 */
export async function lockSwdPins(memory: MemoryAccess): Promise<boolean> {
  const ahb1enr = (await memory.read32(AHB1ENR)) >>> 0;
  if ((ahb1enr & GPIOAEN) === 0) await memory.write32(AHB1ENR, (ahb1enr | GPIOAEN) >>> 0);
  const pins = SWD_PINS.reduce((bits, p) => bits | (1 << p.pin), 0);
  await memory.write32(LCKR, LCKK | pins);
  await memory.write32(LCKR, pins);
  await memory.write32(LCKR, LCKK | pins);
  await memory.read32(LCKR);
  const locked = ((await memory.read32(LCKR)) & LCKK) !== 0;
  if ((ahb1enr & GPIOAEN) === 0) await memory.write32(AHB1ENR, ahb1enr);
  return locked;
}

export const GPIOA_MODER = GPIOA_BASE + GPIO_REG.MODER;
export const GPIOA_AFRH = GPIOA_BASE + GPIO_REG.AFRH;
