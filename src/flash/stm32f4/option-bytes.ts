import type { MemoryAccess } from '../../arm/memory-access.js';
import {
  FLASH_OPTCR,
  FLASH_OPTKEY,
  FLASH_R_BASE,
  FLASH_REG,
  FLASH_SR,
  FLASH_SR_ERRORS,
  FLASH_SR_W1C,
  OPTCR_OPTION_BITS,
  RDP_LEVEL_0,
  rdpLevelOf,
  type RdpLevel,
} from '../../target/stm32f4/flash-registers.js';
import { hex32 } from '../../util/bytes.js';
import { InternalError, TargetError, TimeoutError } from '../../util/errors.js';
import { flashStatusError } from './flash-status.js';

const OPTCR = FLASH_R_BASE + FLASH_REG.OPTCR;
const OPTKEYR = FLASH_R_BASE + FLASH_REG.OPTKEYR;
const SR = FLASH_R_BASE + FLASH_REG.SR;

/** BOR_LEV (RM0090 3.7.1): the reset threshold. 3 = off (reset at POR/PDR only, about 1.8 V). */
export const BOR_LEVELS = [
  'level 3 (2.70-3.60 V)',
  'level 2 (2.40-2.70 V)',
  'level 1 (2.10-2.40 V)',
  'off',
] as const;

/** The STM32F4 user option bytes as FLASH_OPTCR presents them (RM0090 3.9.6). */
export interface Stm32f4Options {
  readonly optcr: number;
  /** The RDP byte and its level: 0xAA = 0, 0xCC = 2 (permanent), anything else 1. */
  readonly rdp: number;
  readonly rdpLevel: RdpLevel;
  /** Per sector: true when write-protected (its nWRP bit is 0). */
  readonly writeProtected: readonly boolean[];
  /** BOR_LEV field, 0-3. */
  readonly borLevel: number;
  /** WDG_SW: true = the IWDG is started by software; false = hardware watchdog, running from reset. */
  readonly watchdogSoftware: boolean;
  /** nRST_STOP / nRST_STDBY: true = entering Stop / Standby resets the chip instead. */
  readonly resetOnStop: boolean;
  readonly resetOnStandby: boolean;
}

export function decodeOptcr(optcr: number, sectors = 12): Stm32f4Options {
  const rdp = (optcr & FLASH_OPTCR.RDP_MASK) >>> FLASH_OPTCR.RDP_SHIFT;
  const nwrp = (optcr & FLASH_OPTCR.nWRP_MASK) >>> FLASH_OPTCR.nWRP_SHIFT;
  return {
    optcr: optcr >>> 0,
    rdp,
    rdpLevel: rdpLevelOf(rdp),
    writeProtected: Array.from({ length: sectors }, (_, i) => (nwrp & (1 << i)) === 0),
    borLevel: (optcr & FLASH_OPTCR.BOR_LEV_MASK) >>> FLASH_OPTCR.BOR_LEV_SHIFT,
    watchdogSoftware: (optcr & FLASH_OPTCR.WDG_SW) !== 0,
    resetOnStop: (optcr & FLASH_OPTCR.nRST_STOP) === 0,
    resetOnStandby: (optcr & FLASH_OPTCR.nRST_STDBY) === 0,
  };
}

/** The change to make; unspecified fields keep their value. */
export interface OptionChange {
  readonly rdp?: number;
  readonly protectSectors?: readonly number[];
  readonly unprotectSectors?: readonly number[];
}

/** The OPTCR option fields after `change` (control bits OPTLOCK/OPTSTRT clear). */
export function applyOptionChange(optcr: number, change: OptionChange): number {
  let next = optcr & OPTCR_OPTION_BITS;
  if (change.rdp !== undefined) {
    next = (next & ~FLASH_OPTCR.RDP_MASK) | ((change.rdp & 0xff) << FLASH_OPTCR.RDP_SHIFT);
  }
  for (const s of change.protectSectors ?? []) next &= ~(1 << (FLASH_OPTCR.nWRP_SHIFT + s));
  for (const s of change.unprotectSectors ?? []) next |= 1 << (FLASH_OPTCR.nWRP_SHIFT + s);
  return next >>> 0;
}

export async function readOptions(memory: MemoryAccess): Promise<Stm32f4Options> {
  return decodeOptcr(await memory.read32(OPTCR));
}

export interface WriteOptionsContext {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Required to write RDP 0xCC (level 2, irreversible: debug access is gone for good). */
  readonly permanent?: boolean;
}

/**
 * Writes the option fields with the OPTKEYR / OPTSTRT sequence of RM0090 3.7.2 and checks OPTCR
 * afterwards. Leaving RDP level 1 mass-erases the chip first (up to 32 s at x8), which is why the
 * wait is long. The new values take effect at the next reset (the loaded options stay until then).
 */
export async function writeOptions(
  memory: MemoryAccess,
  value: number,
  context: WriteOptionsContext,
): Promise<void> {
  const fields = value & OPTCR_OPTION_BITS;
  if (rdpLevelOf(fields >>> FLASH_OPTCR.RDP_SHIFT) === 2 && context.permanent !== true) {
    // The session's consent gate passes `permanent` only after the chip-bound confirmation; this
    // layer never writes level 2 by accident.
    throw new InternalError('rdp2-without-consent', 'RDP level 2 was requested without its confirmation');
  }
  if ((await memory.read32(OPTCR)) & FLASH_OPTCR.OPTLOCK) {
    await memory.write32(OPTKEYR, FLASH_OPTKEY.OPTKEY1);
    await memory.write32(OPTKEYR, FLASH_OPTKEY.OPTKEY2);
    const optcr = await memory.read32(OPTCR);
    if (optcr & FLASH_OPTCR.OPTLOCK) {
      throw new TargetError(
        'options-unlock-failed',
        `FLASH_OPTCR stays locked after the key sequence (${hex32(optcr)})`,
        {
          hint: 'A wrong key sequence locks OPTCR until the next reset: reset the target (`swdkit reset --halt`) and retry.',
        },
      );
    }
  }
  await memory.write32(SR, FLASH_SR_W1C);
  await memory.write32(OPTCR, fields);
  await memory.write32(OPTCR, fields | FLASH_OPTCR.OPTSTRT);
  const start = context.now();
  for (;;) {
    const sr = await memory.read32(SR);
    if ((sr & FLASH_SR.BSY) === 0) {
      if (sr & FLASH_SR_ERRORS) {
        await memory.write32(SR, sr & FLASH_SR_W1C);
        throw flashStatusError(sr, {
          operation: 'writing the option bytes',
          protectedSectors: decodeOptcr(await memory.read32(OPTCR))
            .writeProtected.map((p, i) => (p ? i : -1))
            .filter((i) => i >= 0),
        });
      }
      break;
    }
    if (context.now() - start > 40_000) {
      throw new TimeoutError('options-busy', 'writing the option bytes: FLASH_SR.BSY still set after 40 s', {
        hint: 'Power-cycle the board and read the option bytes again with `swdkit options`.',
      });
    }
    await context.sleep(20);
  }
  await memory.write32(OPTCR, fields | FLASH_OPTCR.OPTLOCK);
  const readBack = (await memory.read32(OPTCR)) & OPTCR_OPTION_BITS;
  if (readBack !== fields) {
    throw new TargetError(
      'options-not-written',
      `the option bytes read back ${hex32(readBack)} after writing ${hex32(fields)}`,
      { hint: 'Read them with `swdkit options`; a reset or power cycle may be needed, then retry.' },
    );
  }
}

export { RDP_LEVEL_0 };
