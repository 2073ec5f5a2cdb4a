/** What a sleeping core waits for (ARMv7-M B1.5.19): `Cpu.sleepKind`. */
export const SLEEP = { NONE: 0, WFI: 1, WFE: 2 } as const;
