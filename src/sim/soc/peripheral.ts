/**
 * What every STM32F407 peripheral model implements. The SoC's bus (bus.ts) routes each access in
 * [base, base + size) to `read`/`write` with the offset from `base`; `size` of the access is 1, 2
 * or 4 and `offset` is aligned to it (the core splits unaligned accesses). Registers that RM0090
 * says support only word access still get byte/halfword accesses from buggy firmware: model what
 * the silicon does (usually the AHB/APB bridge replicates or ignores; say which in a comment).
 */
export type AccessSize = 1 | 2 | 4;

/**
 * Resets a peripheral can see (RM0090 6.1): `power-on` (POR/PDR, also the end of Standby, which
 * resets everything but the backup domain) and `system` (NRST pin, SYSRESETREQ, IWDG, WWDG,
 * low-power reset) — both reset every peripheral register; RCC_CSR's flags and the backup domain
 * are what tell them apart.
 */
export type SocResetKind = 'power-on' | 'system';

/** The RCC enable bit that clocks a peripheral (RM0090 7.3.10–7.3.14). */
export interface ClockEnable {
  readonly register: 'AHB1ENR' | 'AHB2ENR' | 'AHB3ENR' | 'APB1ENR' | 'APB2ENR';
  readonly bit: number;
}

export interface Peripheral {
  /** RM0090's name, e.g. "GPIOD", "FLASH". */
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** The enable bit gating this peripheral's clock; undefined when it is always clocked. */
  readonly clockEnable: ClockEnable | undefined;
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
  reset(kind: SocResetKind): void;
}

/**
 * A peripheral's interrupt line into the NVIC (RM0090 table 61 positions). Level-sensitive: the
 * peripheral raises it while its enabled flags are set.
 */
export type IrqLine = (level: boolean) => void;

/**
 * Merges a sub-word write into a 32-bit register image, for registers whose peripheral accepts byte
 * and half-word accesses (RM0090 states per peripheral which access widths it supports): only the
 * written lanes change.
 */
export function mergeWrite(old: number, offset: number, size: AccessSize, value: number): number {
  if (size === 4) return value | 0;
  const shift = (offset & 3) * 8;
  const mask = (size === 1 ? 0xff : 0xffff) << shift;
  return (old & ~mask) | ((value << shift) & mask) | 0;
}

/** The lane of a 32-bit register value a sub-word read returns. */
export function readLane(word: number, offset: number, size: AccessSize): number {
  if (size === 4) return word | 0;
  const shift = (offset & 3) * 8;
  return (word >>> shift) & (size === 1 ? 0xff : 0xffff);
}
