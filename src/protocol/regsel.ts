/**
 * READREG/WRITEREG register selectors (stlink-openocd-0.12.md A.4). They are the ARMv7-M DCRSR.REGSEL
 * values (ARM ARM C1.6.3), which is what lets a host reach the same registers through DCRSR/DCRDR when
 * the firmware cannot (V2 below J15 has no FPU selectors).
 */
const CORE = {
  R0: 0x00,
  R1: 0x01,
  R2: 0x02,
  R3: 0x03,
  R4: 0x04,
  R5: 0x05,
  R6: 0x06,
  R7: 0x07,
  R8: 0x08,
  R9: 0x09,
  R10: 0x0a,
  R11: 0x0b,
  R12: 0x0c,
  SP: 0x0d,
  LR: 0x0e,
  /** Written without the Thumb bit. */
  PC: 0x0f,
  XPSR: 0x10,
  MSP: 0x11,
  PSP: 0x12,
  /** CONTROL<<24 | FAULTMASK<<16 | BASEPRI<<8 | PRIMASK in one word. */
  CFBP: 0x14,
  FPSCR: 0x21,
} as const;

const FP = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`S${i}`, 0x40 + i])) as {
  readonly [K in `S${Range32}`]: number;
};
type Range32 =
  | 0
  | 1
  | 2
  | 3
  | 4
  | 5
  | 6
  | 7
  | 8
  | 9
  | 10
  | 11
  | 12
  | 13
  | 14
  | 15
  | 16
  | 17
  | 18
  | 19
  | 20
  | 21
  | 22
  | 23
  | 24
  | 25
  | 26
  | 27
  | 28
  | 29
  | 30
  | 31;

export const REGSEL = { ...CORE, ...FP } as const;
export type RegselName = keyof typeof REGSEL;

const NAMES = new Map<number, RegselName>(
  Object.entries(REGSEL).map(([name, value]) => [value, name as RegselName]),
);

export function regselName(regsel: number): RegselName | undefined {
  return NAMES.get(regsel);
}

export function isKnownRegsel(regsel: number): boolean {
  return NAMES.has(regsel);
}

/**
 * Selectors above 0x1F (FPSCR, S0–S31): firmware without the FPU-register feature does not accept them
 * through READREG/WRITEREG, and OpenOCD goes through DCRSR/DCRDR instead (A.4).
 */
export function isFpuRegsel(regsel: number): boolean {
  return regsel > 0x1f;
}

/** READALLREGS reply order after its status word (A.4): r0–r15, xPSR, MSP, PSP and two more words. */
export const READALLREGS_WORDS = 21;
