/**
 * The integer context of a halted core — what a run of the flash driver's RAM loader overwrites —
 * saved and put back word by word through DCRSR.REGSEL (ARM DDI 0403E C1.6.3), so that gdb's view of
 * the registers survives `load` (gdb itself only sets the PC afterwards).
 *
 * Raw selectors rather than registers by name: CortexM's named access checks DHCSR before every
 * register, and PRIMASK, BASEPRI, FAULTMASK and CONTROL share one word, which by name costs a read
 * and a write each. Here it is one read per word to save and one write per word to restore, the
 * core's halted state checked once by the caller. SP is not a word of its own: it is MSP or PSP,
 * both of which are restored. The loader is integer code (firmware/loader/), so the FPU's registers
 * are left alone.
 */
import type { CoreRegisterAccess } from '../arm/debug-access.js';
import { REGSEL } from '../arch/armv7m/regsel.js';

/**
 * In restore order: the banked stack pointers and the special-purpose word first, so that whichever
 * SP the mode selects afterwards holds its own value; the PC last.
 */
const CONTEXT_SELECTORS: readonly number[] = [
  REGSEL.MSP,
  REGSEL.PSP,
  REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK,
  REGSEL.R0,
  REGSEL.R1,
  REGSEL.R2,
  REGSEL.R3,
  REGSEL.R4,
  REGSEL.R5,
  REGSEL.R6,
  REGSEL.R7,
  REGSEL.R8,
  REGSEL.R9,
  REGSEL.R10,
  REGSEL.R11,
  REGSEL.R12,
  REGSEL.LR,
  REGSEL.xPSR,
  REGSEL.DebugReturnAddress,
];

export interface CoreContext {
  /** [selector, value] in restore order. */
  readonly words: readonly (readonly [number, number])[];
}

/** Reads the context of a halted core. */
export async function saveCoreContext(access: CoreRegisterAccess): Promise<CoreContext> {
  const words: (readonly [number, number])[] = [];
  for (const regsel of CONTEXT_SELECTORS) words.push([regsel, (await access.readRegister(regsel)) >>> 0]);
  return { words };
}

/** Writes a saved context back into the (halted) core. */
export async function restoreCoreContext(access: CoreRegisterAccess, context: CoreContext): Promise<void> {
  for (const [regsel, value] of context.words) await access.writeRegister(regsel, value);
}
