import type { ChipInfo } from '../target/identify.js';
import { mainFlashBase } from '../target/chip.js';
import { hex32 } from '../util/bytes.js';
import { BadInputError } from '../util/errors.js';

interface Region {
  readonly name: string;
  readonly base: number;
  readonly size: number;
}

/**
 * The regions a plain memory write must not touch: main flash, its boot alias, the system memory,
 * OTP and the option bytes. Writing there through the bus does nothing useful (flash is programmed
 * through the flash interface, after an erase) and can trip FLASH_SR errors.
 */
export function nonWritableRegions(chip: ChipInfo): Region[] {
  const d = chip.description;
  const regions: Region[] = [
    { name: 'main flash', base: mainFlashBase(d), size: chip.flashSize },
    { name: 'the boot alias of flash', base: d.flash.bootAlias, size: chip.flashSize },
  ];
  for (const [name, region] of Object.entries(d.memory)) {
    if (region.kind !== 'ram') regions.push({ name, base: region.base, size: region.size });
  }
  return regions;
}

/** BadInputError `write-into-flash` when [address, address + length) overlaps one of them. */
export function checkWritable(chip: ChipInfo, address: number, length: number): void {
  const end = address + length;
  for (const region of nonWritableRegions(chip)) {
    if (address < region.base + region.size && region.base < end) {
      throw new BadInputError(
        'write-into-flash',
        `${hex32(address)}–${hex32(end - 1)} overlaps ${region.name} (${hex32(region.base)}–${hex32(region.base + region.size - 1)}), which a memory write cannot change; nothing was written`,
        {
          hint:
            region.name === 'OPTION_BYTES'
              ? 'Change option bytes with `swdkit protect`, `swdkit unlock` or the write-protection commands.'
              : 'Program flash with `swdkit flash FILE` (a .bin takes --address), which erases and verifies.',
        },
      );
    }
  }
}
