/**
 * A watchdog that resets the chip while a debugger holds the core: with the IWDG or WWDG running and
 * its DBGMCU_APB1_FZ freeze bit clear, every halt longer than the timeout ends in a reset the
 * debugger did not ask for ("timed out while waiting for target halted", lost breakpoints). The
 * check halts the core with the freeze bits clear for a little longer than the watchdog's timeout
 * and looks for the reset (DHCSR.S_RESET_ST) and its reason (RCC_CSR.IWDGRSTF / WWDGRSTF).
 */
import type { CortexM } from '../arm/cortex-m.js';
import type { Clock } from '../arm/debug-access.js';
import type { MemoryAccess } from '../arm/memory-access.js';
import type { Stm32f4Options } from '../flash/stm32f4/option-bytes.js';
import { DBGMCU_APB1_FZ, DBGMCU_BASE, DBGMCU_REG } from '../target/stm32f4/dbgmcu-registers.js';
import {
  IWDG_BASE,
  IWDG_REG,
  LSI_NOMINAL_HZ,
  RCC_BASE,
  RCC_CSR,
  RCC_REG,
  RESET_FLAGS,
  WWDG_BASE,
  WWDG_CR,
  WWDG_REG,
} from '../target/stm32f4/system-registers.js';
import { hex32 } from '../util/bytes.js';
import type { Evidence } from './report.js';

const APB1_FZ = DBGMCU_BASE + DBGMCU_REG.APB1_FZ;
const FREEZE = DBGMCU_APB1_FZ.DBG_IWDG_STOP | DBGMCU_APB1_FZ.DBG_WWDG_STOP;
const CSR = RCC_BASE + RCC_REG.CSR;
/** The WWDG's longest timeout at the 16 MHz reset clock is about 131 ms (RM0090 §20.3). */
const WWDG_WAIT_MS = 150;
const MAX_WAIT_MS = 3000;

/** RCC_CSR's reset flags by name, with what each reset was. */
export function resetFlagsOf(csr: number): { name: string; meaning: string }[] {
  return RESET_FLAGS.filter(([, bit]) => (csr & bit) !== 0).map(([name, , meaning]) => ({ name, meaning }));
}

export async function readResetFlags(memory: MemoryAccess): Promise<Evidence> {
  const csr = (await memory.read32(CSR)) >>> 0;
  const flags = resetFlagsOf(csr);
  return {
    step: 'reset-flags',
    tried: 'read the reset reason (RCC_CSR)',
    result: `RCC_CSR ${hex32(csr)}: ${flags.length === 0 ? 'no reset flag set (the firmware clears them)' : `last reset(s) by ${flags.map((f) => `${f.meaning} (${f.name})`).join(', ')}`}`,
    ok: (csr & (RCC_CSR.IWDGRSTF | RCC_CSR.WWDGRSTF)) === 0,
    data: { rccCsr: csr, flags: flags.map((f) => f.name) },
  };
}

export interface WatchdogFinding {
  readonly evidence: readonly Evidence[];
  /** The watchdog that reset the chip during the halt, or undefined. */
  readonly resetBy?: 'IWDG' | 'WWDG' | 'unknown';
  readonly timeoutMs?: number;
}

/** The core must be halted; it stays halted (after a watchdog reset: at the reset vector). */
export async function checkWatchdog(
  core: CortexM,
  memory: MemoryAccess,
  clock: Clock,
  options: Stm32f4Options,
): Promise<WatchdogFinding> {
  const csr = (await memory.read32(CSR)) >>> 0;
  const lsiOn = (csr & RCC_CSR.LSIRDY) !== 0;
  const wwdgOn = ((await memory.read32(WWDG_BASE + WWDG_REG.CR)) & WWDG_CR.WDGA) !== 0;
  const hardwareIwdg = !options.watchdogSoftware;
  if (!lsiOn && !wwdgOn && !hardwareIwdg) {
    return {
      evidence: [
        {
          step: 'watchdog',
          tried: 'look for a running watchdog (RCC_CSR.LSIRDY, WWDG_CR.WDGA, option WDG_SW)',
          result: 'none: the LSI is off (no IWDG can run), WWDG not activated, software watchdog option',
          ok: true,
        },
      ],
    };
  }
  const pr = ((await memory.read32(IWDG_BASE + IWDG_REG.PR)) & 7) >>> 0;
  const rlr = ((await memory.read32(IWDG_BASE + IWDG_REG.RLR)) & 0xfff) >>> 0;
  const iwdgMs = ((rlr + 1) * (4 << Math.min(pr, 6)) * 1000) / LSI_NOMINAL_HZ;
  const waitMs = Math.min(
    MAX_WAIT_MS,
    Math.max(lsiOn || hardwareIwdg ? iwdgMs * 1.5 + 20 : 0, wwdgOn ? WWDG_WAIT_MS : 0),
  );
  const fz = (await memory.read32(APB1_FZ)) >>> 0;
  await memory.write32(APB1_FZ, (fz & ~FREEZE) >>> 0);
  await core.status();
  await clock.sleep(waitMs);
  const status = await core.status();
  const after = (await memory.read32(CSR)) >>> 0;
  await memory.write32(APB1_FZ, ((await memory.read32(APB1_FZ)) | (fz & FREEZE)) >>> 0);
  const resetBy =
    after & RCC_CSR.IWDGRSTF && !(csr & RCC_CSR.IWDGRSTF)
      ? 'IWDG'
      : after & RCC_CSR.WWDGRSTF && !(csr & RCC_CSR.WWDGRSTF)
        ? 'WWDG'
        : status.resetSinceLastStatus
          ? 'unknown'
          : undefined;
  const running = [
    lsiOn || hardwareIwdg
      ? `IWDG possible (LSI ${lsiOn ? 'on' : 'off'}, WDG_SW ${hardwareIwdg ? '0: started by hardware' : '1'}; IWDG_PR ${pr}, IWDG_RLR ${rlr}: timeout about ${Math.round(iwdgMs)} ms)`
      : '',
    wwdgOn ? 'WWDG activated (WWDG_CR.WDGA)' : '',
  ].filter((s) => s !== '');
  return {
    evidence: [
      {
        step: 'watchdog',
        tried: `hold the core halted for ${Math.round(waitMs)} ms with the watchdog freezes (DBGMCU_APB1_FZ) clear, as a debugger that does not set them would`,
        result: `${running.join('; ')}; ${resetBy === undefined ? 'no reset came' : `the chip reset${resetBy === 'unknown' ? '' : ` (RCC_CSR ${hex32(after)}: ${resetBy === 'IWDG' ? 'IWDGRSTF' : 'WWDGRSTF'})`}`}`,
        ok: resetBy === undefined,
        data: { rccCsrBefore: csr, rccCsrAfter: after, iwdgPr: pr, iwdgRlr: rlr, waitMs },
      },
    ],
    ...(resetBy === undefined ? {} : { resetBy }),
    ...(lsiOn || hardwareIwdg ? { timeoutMs: Math.round(iwdgMs) } : {}),
  };
}
