/**
 * What flashing needs of a core to run code on the target (a RAM loader): set the argument registers,
 * SP and xPSR, start at an entry, learn when it has stopped at its BKPT, and read the result. The
 * ARMv7-M core (src/arm) provides it; flash/ depends only on this shape.
 */
export interface AlgorithmRun {
  /** Code at `entry` (a Thumb address, bit 0 clear) starts with r0..r[n-1] = `args` and SP = `stack`. */
  readonly entry: number;
  readonly args: readonly number[];
  readonly stack: number;
}

export interface AlgorithmCore {
  /** Starts `run` on a halted core, with interrupts masked (C_MASKINTS), and returns at once. */
  startAlgorithm(run: AlgorithmRun): Promise<void>;
  /** Whether the core is halted (the algorithm reached its BKPT, or was stopped). */
  isHalted(): Promise<boolean>;
  /** Stops a running algorithm (after a timeout or an error on the host side). */
  halt(): Promise<void>;
  /** A core register by its number (r0 = 0 ... pc = 15). */
  readCoreRegister(index: number): Promise<number>;
}
