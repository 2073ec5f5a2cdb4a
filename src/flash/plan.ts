/**
 * Where an image's bytes go on a chip, decided before anything touches the target: which flash
 * sectors it covers (and which of its bytes fall in each), which bytes load into RAM, and a refusal,
 * naming the segment, for bytes that land anywhere else. A plan never reads or writes the target, so a
 * bad image is rejected with the target untouched.
 */
import { BadInputError } from '../util/errors.js';
import { hex32 } from '../util/bytes.js';
import type { FlashSector } from '../target/chip.js';
import type { Image, Segment } from './image/types.js';

/** One erasable unit of main flash, as the chip description lays them out (target/ flashSectors). */
export type { FlashSector } from '../target/chip.js';

/** A region of memory the image may load into: main flash (with its sectors) or a RAM. */
export interface PlanMemory {
  readonly flash: {
    readonly address: number;
    readonly size: number;
    readonly sectors: readonly FlashSector[];
  };
  /** RAMs that ELF segments may load into (e.g. SRAM1+SRAM2, CCM). */
  readonly ram: readonly { readonly name: string; readonly address: number; readonly size: number }[];
}

/** The image's bytes within one sector, as the runs the image gives (never padded). */
export interface SectorPlan {
  readonly sector: FlashSector;
  readonly runs: readonly Segment[];
  /** Bytes of image data in this sector. */
  readonly bytes: number;
}

export interface FlashPlan {
  /** The sectors the image touches, in address order. */
  readonly sectors: readonly SectorPlan[];
  /** Image data that loads into RAM (written as is, after flashing). */
  readonly ram: readonly Segment[];
  /** Bytes of image data in flash. */
  readonly flashBytes: number;
}

const end = (region: { readonly address: number; readonly size: number }): number =>
  region.address + region.size;

function describe(segment: Segment): string {
  return `${hex32(segment.address)}–${hex32(segment.address + segment.data.length - 1)} (${segment.data.length} bytes)`;
}

/**
 * Splits `image` over `memory`. Throws BadInputError `image-outside-memory` (target untouched) when a
 * segment is not entirely inside main flash or entirely inside one RAM, naming the segment and the
 * chip's regions, so the user can see which link address is wrong.
 */
export function planFlash(source: string, image: Image, memory: PlanMemory): FlashPlan {
  const { flash } = memory;
  const ram: Segment[] = [];
  const inFlash: Segment[] = [];
  for (const segment of image.segments) {
    const last = segment.address + segment.data.length;
    if (segment.address >= flash.address && last <= end(flash)) {
      inFlash.push(segment);
    } else if (memory.ram.some((r) => segment.address >= r.address && last <= end(r))) {
      ram.push(segment);
    } else {
      const regions = [
        `flash ${hex32(flash.address)}–${hex32(end(flash) - 1)}`,
        ...memory.ram.map((r) => `${r.name} ${hex32(r.address)}–${hex32(end(r) - 1)}`),
      ].join(', ');
      const beyondFlash = segment.address >= flash.address && segment.address < end(flash);
      throw new BadInputError(
        'image-outside-memory',
        `${source}: the segment at ${describe(segment)} ${
          beyondFlash ? 'runs past the end of flash' : 'is outside the chip’s flash and RAM'
        } (this chip has ${regions}); nothing was written to the target`,
        {
          hint: beyondFlash
            ? 'The image is larger than this chip’s flash: check that it was built for this part.'
            : 'Check the linker script’s memory regions (or --address for a .bin) against the chip.',
        },
      );
    }
  }

  const sectors: SectorPlan[] = [];
  for (const sector of flash.sectors) {
    const runs: Segment[] = [];
    for (const segment of inFlash) {
      const from = Math.max(segment.address, sector.address);
      const to = Math.min(segment.address + segment.data.length, end(sector));
      if (from < to) {
        runs.push({
          address: from,
          data: segment.data.subarray(from - segment.address, to - segment.address),
        });
      }
    }
    if (runs.length > 0) sectors.push({ sector, runs, bytes: runs.reduce((n, r) => n + r.data.length, 0) });
  }
  return { sectors, ram, flashBytes: inFlash.reduce((n, s) => n + s.data.length, 0) };
}
