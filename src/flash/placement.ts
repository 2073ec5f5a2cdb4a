import { hex32 } from '../util/bytes.js';
import { BadInputError } from '../util/errors.js';
import type { FlashExtent } from '../target/chip.js';
import type { Segment } from './image/types.js';

/**
 * Where an image's bytes go in main flash. A segment at main flash's own addresses stays; one inside
 * the boot alias (an image linked at 0x00000000, where STM32 flash also appears when the chip boots
 * from it) moves to the same offset in main flash. Anything else cannot be flashed:
 * `bad-input.image-outside-flash`.
 */
export function placeInFlash(segments: readonly Segment[], flash: FlashExtent, source: string): Segment[] {
  return segments.map((segment) => {
    let address = segment.address >>> 0;
    const length = segment.data.length;
    const aliasOffset = address - flash.bootAlias;
    if (aliasOffset >= 0 && aliasOffset + length <= flash.size) address = flash.base + aliasOffset;
    const offset = address - flash.base;
    if (offset < 0 || offset + length > flash.size) {
      throw new BadInputError(
        'image-outside-flash',
        `${source}: ${length} bytes at ${hex32(address)} are not in the ${flash.name}'s flash (${hex32(flash.base)}–${hex32(flash.base + flash.size - 1)})`,
        {
          hint: `Link the firmware for flash at ${hex32(flash.base)} (check the linker script), or pass a .bin that goes there.`,
        },
      );
    }
    return { address, data: segment.data };
  });
}
