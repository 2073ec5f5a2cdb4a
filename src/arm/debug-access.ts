import type { MemoryAccess } from './memory-access.js';

/**
 * The core-register path a probe offers besides memory: one core register by its DCRSR.REGSEL number
 * (arch/armv7m/regsel.ts), moved through DCRSR/DCRDR by the probe itself (the ST-Link's READREG and
 * WRITEREG), and single debug-register words in one round trip each (READDEBUGREG/WRITEDEBUGREG).
 * A core register can only be reached while the core is halted (ARM DDI 0403E C1.6.3).
 */
export interface CoreRegisterAccess {
  readRegister(regsel: number): Promise<number>;
  writeRegister(regsel: number, value: number): Promise<void>;
  readDebugRegister(address: number): Promise<number>;
  writeDebugRegister(address: number, value: number): Promise<void>;
}

/** The target's NRST line as the probe drives it: held low, released, or pulsed. */
export interface ResetLine {
  driveNrst(action: 'low' | 'high' | 'pulse'): Promise<void>;
}

/** Everything CortexM needs of a probe; the ST-Link driver (src/probe/stlink.ts) is one. */
export type DebugAccess = MemoryAccess & CoreRegisterAccess & ResetLine;

/** Waiting, with time the caller controls (virtual time on the simulated board, wall time otherwise). */
export interface Clock {
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds, monotonic. */
  readonly now: () => number;
}

export const WALL_CLOCK: Clock = {
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
  now: () => performance.now(),
};
