import { DEBUG_REG, DEMCR, DHCSR } from '../arch/armv7m/debug.js';
import { AIRCR, SCB_REG } from '../arch/armv7m/scb.js';
import { hex32 } from '../util/bytes.js';
import { SwdkitError, TargetError } from '../util/errors.js';
import type { DhcsrMonitor } from './core-state.js';
import type { Clock, DebugAccess } from './debug-access.js';
import { DFSR_ALL } from './halt-reason.js';
import { pollUntil } from './wait.js';

/**
 * How to reset: the NRST pin (everything but the debug logic, as a button would), AIRCR.SYSRESETREQ
 * (the chip's system reset, asked for by the core: ARM DDI 0403E B3.2.6), or AIRCR.VECTRESET (the core
 * alone; peripherals keep running: for a debugger only, and only with the core halted).
 */
export type CoreResetMethod = 'nrst' | 'sysresetreq' | 'vectreset';

export interface ResetContext {
  readonly access: DebugAccess;
  readonly dhcsr: DhcsrMonitor;
  readonly clock: Clock;
  /** How long the core may take to come out of reset (and halt, when asked). */
  readonly timeoutMs: number;
  /** How long NRST is held low: RM0090 asks for at least 20 µs; a board's capacitor needs more. */
  readonly nrstLowMs: number;
}

/**
 * Resets the core by `method` and, with `halt`, stops it at the first instruction of the reset
 * handler before it runs (DEMCR.VC_CORERESET, C1.6.5). The debug registers survive every one of these
 * resets (only a power-on reset clears them, C1.4), so C_HALT too: a core halted before the reset
 * comes out of it halted, and is resumed here when no halt was asked for. Resolves once a DHCSR read
 * has shown S_RESET_ST and a later one shows the core out of reset; throws TargetError
 * `reset-not-seen` otherwise. DEMCR.VC_CORERESET is put back as it was.
 */
export async function resetCore(
  context: ResetContext,
  method: CoreResetMethod,
  halt: boolean,
): Promise<void> {
  const { access, dhcsr, clock } = context;
  const demcr = (await access.read32(DEBUG_REG.DEMCR)) >>> 0;
  const before = (await dhcsr.read()) >>> 0;
  const wasHalted = (before & DHCSR.S_HALT) !== 0;
  // Vector catch works only with C_DEBUGEN; VECTRESET is UNPREDICTABLE unless the core is halted.
  const control = DHCSR.DBGKEY | DHCSR.C_DEBUGEN | (wasHalted || method === 'vectreset' ? DHCSR.C_HALT : 0);
  await access.writeDebugRegister(DEBUG_REG.DHCSR, control);
  if (method === 'vectreset' && !wasHalted) {
    const halted = await pollUntil(clock, context.timeoutMs, async () =>
      (await dhcsr.read()) & DHCSR.S_HALT ? true : undefined,
    );
    if (halted === undefined)
      throw notSeen(method, 'the core would not halt first (VECTRESET needs it halted)');
  }
  const catchBit = halt ? DEMCR.VC_CORERESET : 0;
  await access.write32(DEBUG_REG.DEMCR, ((demcr & ~DEMCR.VC_CORERESET) | catchBit) >>> 0);
  // DFSR is cleared so that afterwards it tells the vector catch (VCATCH) from an older halt.
  await access.write32(DEBUG_REG.DFSR, DFSR_ALL);
  const resetsBefore = dhcsr.resetReads;
  try {
    await trigger(context, method);
    const after = await pollUntil(clock, context.timeoutMs, async () => {
      const value = await dhcsr.read();
      if (dhcsr.resetReads === resetsBefore) return undefined;
      // S_RESET_ST reads 1 once more after the reset, and on every read while reset lasts.
      if (value & DHCSR.S_RESET_ST) return undefined;
      if (halt && (value & DHCSR.S_HALT) === 0) return undefined;
      return value;
    });
    if (after === undefined) {
      const seen = dhcsr.resetReads !== resetsBefore;
      throw notSeen(
        method,
        seen
          ? halt
            ? `the core did not halt at the reset vector (DHCSR ${hex32(dhcsr.last)})`
            : `the core did not come out of reset (DHCSR ${hex32(dhcsr.last)})`
          : `DHCSR never showed S_RESET_ST (DHCSR ${hex32(dhcsr.last)})`,
      );
    }
    if (!halt && after & DHCSR.S_HALT) {
      await access.writeDebugRegister(DEBUG_REG.DHCSR, DHCSR.DBGKEY | DHCSR.C_DEBUGEN);
    }
  } finally {
    await restoreVectorCatch(access, demcr).catch(() => undefined);
  }
}

/** DEMCR.VC_CORERESET back to its value in `demcr`, the other bits as they are now. */
async function restoreVectorCatch(access: DebugAccess, demcr: number): Promise<void> {
  const now = (await access.read32(DEBUG_REG.DEMCR)) >>> 0;
  const next = ((now & ~DEMCR.VC_CORERESET) | (demcr & DEMCR.VC_CORERESET)) >>> 0;
  if (next !== now) await access.write32(DEBUG_REG.DEMCR, next);
}

async function trigger(context: ResetContext, method: CoreResetMethod): Promise<void> {
  const { access, clock } = context;
  if (method === 'nrst') {
    await access.driveNrst('low');
    await clock.sleep(context.nrstLowMs);
    await access.driveNrst('high');
    return;
  }
  const request = method === 'sysresetreq' ? AIRCR.SYSRESETREQ : AIRCR.VECTRESET;
  try {
    await access.write32(SCB_REG.AIRCR, (AIRCR.VECTKEY | request) >>> 0);
  } catch (error) {
    // The reset may start before the AP's write response comes back: a failed status is expected
    // here on some chips and probes; whether the reset happened is what DHCSR says next.
    if (!(error instanceof SwdkitError) || error.errorClass !== 'target') throw error;
  }
}

function notSeen(method: CoreResetMethod, what: string): TargetError {
  const name = { nrst: 'NRST', sysresetreq: 'SYSRESETREQ', vectreset: 'VECTRESET' }[method];
  return new TargetError('reset-not-seen', `reset by ${name}: ${what}`, {
    hint:
      method === 'nrst'
        ? 'Check that the probe’s NRST pin is wired to the target (on a Discovery board it is, through SB11).'
        : 'Try `--method nrst`; a core that is locked up or held by a watchdog may ignore AIRCR.',
  });
}
