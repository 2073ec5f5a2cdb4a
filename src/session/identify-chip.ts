import type { CoreIdentity } from '../arm/core-identity.js';
import type { MemoryAccess } from '../arm/memory-access.js';
import { CHIPS } from '../target/chips.js';
import type { ChipDescription } from '../target/chip.js';
import {
  chipInfo,
  matchIdcode,
  unknownChipError,
  type ChipInfo,
  type IdcodeMatch,
} from '../target/identify.js';
import { SwdkitError } from '../util/errors.js';

export interface ChipMatch extends IdcodeMatch {
  readonly idcode: number;
}

/**
 * Reads DBGMCU_IDCODE at each address the known families use and picks the description (target/'s
 * pure matching). Only debug-domain registers are read, so it works while NRST holds the chip in
 * reset. Throws TargetError `unknown-chip` when nothing matches.
 */
export async function matchChip(
  memory: MemoryAccess,
  core: CoreIdentity,
  chips: readonly ChipDescription[] = CHIPS,
): Promise<ChipMatch> {
  const read: { address: number; idcode: number }[] = [];
  for (const address of [...new Set(chips.map((c) => c.identification.idcodeAddress))]) {
    let idcode: number;
    try {
      idcode = (await memory.read32(address)) >>> 0;
    } catch (error) {
      // Another family's DBGMCU address may be unmapped here: a bus fault says "not this one".
      if (error instanceof SwdkitError && error.errorClass === 'target') continue;
      throw error;
    }
    read.push({ address, idcode });
    const match = matchIdcode(chips, address, idcode, core.partno);
    if (match !== undefined) return { ...match, idcode };
  }
  throw unknownChipError(chips, read, core.name);
}

/** F_SIZE (a 16-bit read) and the 96-bit unique ID of a matched chip. */
export async function describeChip(memory: MemoryAccess, match: ChipMatch): Promise<ChipInfo> {
  const flash = match.chip.flash;
  const fSize = await memory.read16(flash.sizeRegister);
  const uid = await memory.readMemory(match.chip.uniqueIdAddress, 12);
  return chipInfo(match, match.idcode, fSize, uid);
}
