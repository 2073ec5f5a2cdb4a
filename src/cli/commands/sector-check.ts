import { UsageError } from '../../util/errors.js';
import type { ChipInfo } from '../../session.js';

/** Sector numbers the user gave must exist on this chip (checked once the chip is known). */
export function checkSectors(list: readonly number[], chip: ChipInfo, option: string): void {
  const count = chip.sectors.length;
  const missing = list.filter((s) => s >= count);
  if (missing.length > 0) {
    throw new UsageError(
      'no-such-sector',
      `${option}: the ${chip.name} has sectors 0-${count - 1}; there is no sector ${missing.join(', ')}`,
      { hint: "'swdkit info' lists the chip's sectors." },
    );
  }
}
