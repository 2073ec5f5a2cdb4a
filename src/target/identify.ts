import { hex32, u32le } from '../util/bytes.js';
import { TargetError } from '../util/errors.js';
import { flashSectors, KIB, type ChipDescription, type FlashSector } from './chip.js';

/**
 * Telling a chip from its own registers, as pure functions of what was read (the session does the
 * reading): DBGMCU_IDCODE → description, then F_SIZE and the unique ID → ChipInfo.
 */

/** DBGMCU_IDCODE's fields (RM0090 §38.6.1; the same layout on every STM32). */
export const IDCODE = { DEV_ID_MASK: 0xfff, REV_ID_SHIFT: 16 } as const;
/** F_SIZE values that mean "not programmed": the chip does not say how much flash it has. */
const F_SIZE_UNSET = [0x0000, 0xffff];

/** The chip on the other end of the probe, as identified from its own registers. */
export interface ChipInfo {
  /** The family name from target/: "STM32F405/407/415/417". */
  readonly name: string;
  /** DEV_ID as the family knows it (0x413, also when the chip read an erratum alias). */
  readonly devId: number;
  /** The silicon revision's name ("1", "Z"), or "REV_ID 0x1234" when target/ does not list it. */
  readonly revision: string;
  /** DBGMCU_IDCODE as read. */
  readonly idcode: number;
  /** Main flash in bytes, from F_SIZE (or the family's largest, see `flashSizeSource`). */
  readonly flashSize: number;
  readonly flashSizeSource: 'register' | 'assumed';
  /** U_ID[95:0] as 24 upper-case hex digits, most significant first (the highest address's word first). */
  readonly uniqueId: string;
  readonly sectors: readonly FlashSector[];
  readonly description: ChipDescription;
  /** What was unusual, for the user: an erratum DEV_ID, an unprogrammed F_SIZE. */
  readonly notes: readonly string[];
}

export interface IdcodeMatch {
  readonly chip: ChipDescription;
  readonly notes: readonly string[];
}

/**
 * The description whose DEV_ID `idcode` (read at `address`) carries, or whose erratum alias it is on
 * a core with CPUID.PARTNO `corePartno`.
 */
export function matchIdcode(
  chips: readonly ChipDescription[],
  address: number,
  idcode: number,
  corePartno: number,
): IdcodeMatch | undefined {
  const devId = idcode & IDCODE.DEV_ID_MASK;
  for (const chip of chips) {
    const id = chip.identification;
    if (id.idcodeAddress !== address) continue;
    if (id.devId === devId) return { chip, notes: [] };
    const alias = id.devIdAliases?.find((a) => a.devId === devId && a.corePartno === corePartno);
    if (alias !== undefined) return { chip, notes: [`${alias.note}; identified as ${chip.name}`] };
  }
  return undefined;
}

/** TargetError `unknown-chip`: what was read, where, and which families swdkit knows. */
export function unknownChipError(
  chips: readonly ChipDescription[],
  read: readonly { readonly address: number; readonly idcode: number }[],
  coreName: string,
): TargetError {
  const seen =
    read.length === 0
      ? 'no DBGMCU_IDCODE could be read'
      : read
          .map(
            (r) =>
              `DBGMCU_IDCODE ${hex32(r.idcode)} (DEV_ID 0x${(r.idcode & IDCODE.DEV_ID_MASK).toString(16)}) at ${hex32(r.address)}`,
          )
          .join(', ');
  const known = chips.map((c) => `${c.name} (DEV_ID 0x${c.identification.devId.toString(16)})`).join(', ');
  return new TargetError('unknown-chip', `unknown chip: ${seen}, on a ${coreName}; swdkit knows ${known}`, {
    hint: 'swdkit can flash only the families it has data for; if this chip should be one of them, report the IDCODE.',
  });
}

/** The ChipInfo of `match` from F_SIZE (16-bit, KiB) and the 12 unique-ID bytes. */
export function chipInfo(
  match: IdcodeMatch,
  idcode: number,
  fSize: number,
  uniqueIdBytes: Uint8Array,
): ChipInfo {
  const { chip } = match;
  const notes = [...match.notes];
  const revId = idcode >>> IDCODE.REV_ID_SHIFT;
  const revision =
    chip.identification.revisions.find((r) => r.revId === revId)?.name ??
    `REV_ID 0x${revId.toString(16).padStart(4, '0')}`;
  let flashSize = fSize * KIB;
  let flashSizeSource: ChipInfo['flashSizeSource'] = 'register';
  if (F_SIZE_UNSET.includes(fSize)) {
    flashSize = chip.flash.maxSize;
    flashSizeSource = 'assumed';
    notes.push(
      `the flash-size register (F_SIZE at ${hex32(chip.flash.sizeRegister)}) reads 0x${fSize.toString(16)}: assuming the family's largest, ${chip.flash.maxSize / KIB} KiB`,
    );
  }
  let sectors: FlashSector[] | undefined;
  try {
    if (flashSize <= chip.flash.maxSize) sectors = flashSectors(chip, flashSize);
  } catch {
    sectors = undefined;
  }
  if (sectors === undefined) {
    throw new TargetError(
      'flash-size-invalid',
      `${chip.name}: F_SIZE at ${hex32(chip.flash.sizeRegister)} reads ${fSize} KiB, which is no flash size of this family (at most ${chip.flash.maxSize / KIB} KiB, ending on a sector boundary)`,
      {
        hint: 'The chip may not be what its IDCODE says, or the probe read garbage: lower --speed and retry.',
      },
    );
  }
  const uniqueId = [8, 4, 0]
    .map((at) => u32le(uniqueIdBytes, at).toString(16).padStart(8, '0'))
    .join('')
    .toUpperCase();
  return {
    name: chip.name,
    devId: chip.identification.devId,
    revision,
    idcode: idcode >>> 0,
    flashSize,
    flashSizeSource,
    uniqueId,
    sectors,
    description: chip,
    notes,
  };
}
