import { BadInputError } from '../util/errors.js';

/**
 * What swdkit knows about a chip, as data: how to recognise it, where its memories are, how its
 * flash is laid out and which flash driver programs it. One ChipDescription per family of parts that
 * share a die (same DEV_ID, memory map and flash layout; the parts differ in flash size, which the
 * chip reports itself, and in peripherals swdkit does not drive). Every description is checked by
 * `defineChip` (validate.ts) when its module loads.
 */

/** The flash drivers swdkit has (flash/), by name. */
export type FlashDriverName = 'stm32f4';

export type MemoryKind = 'ram' | 'system' | 'otp' | 'option-bytes';

/** A memory other than main flash, as the reference manual's memory map gives it. */
export interface MemoryRegion {
  readonly kind: MemoryKind;
  readonly base: number;
  /** In bytes. */
  readonly size: number;
  /** Whether the core can fetch instructions from it (the F4's CCM is on the data bus only). */
  readonly executable: boolean;
}

/** `count` consecutive erase sectors (or pages) of `size` bytes each. */
export interface SectorRun {
  readonly count: number;
  readonly size: number;
}

/** A contiguous run of main flash with its own sector layout, lowest address first. */
export interface FlashBank {
  readonly base: number;
  readonly sectors: readonly SectorRun[];
}

export interface FlashDescription {
  readonly driver: FlashDriverName;
  /** In address order. A part's flash is the first bytes of these, as many as it reports. */
  readonly banks: readonly [FlashBank, ...FlashBank[]];
  /** The address where the chip reports its flash size, as a 16-bit count of KiB. */
  readonly sizeRegister: number;
  /** The largest size any part of the family reports, in bytes. */
  readonly maxSize: number;
  /** Where main flash is visible again when the chip boots from it (the boot alias). */
  readonly bootAlias: number;
  /** What an erased byte reads as. */
  readonly erasedByte: number;
}

/** How the chip is told apart: DBGMCU_IDCODE's DEV_ID, and the REV_ID values it may carry. */
export interface ChipIdentification {
  /** DBGMCU_IDCODE's address. */
  readonly idcodeAddress: number;
  /** DEV_ID, IDCODE bits 11:0. */
  readonly devId: number;
  /** REV_ID (IDCODE bits 31:16) and the silicon revision it stands for. */
  readonly revisions: readonly { readonly revId: number; readonly name: string }[];
  /**
   * Other DEV_IDs some silicon of this family reports (an erratum), recognised only together with the
   * core's CPUID.PARTNO, so the family that owns that DEV_ID is not mistaken for this one.
   */
  readonly devIdAliases?: readonly {
    readonly devId: number;
    readonly corePartno: number;
    readonly note: string;
  }[];
}

/**
 * A debug-unit register whose `bits` swdkit sets while it is attached and puts back as they were
 * when it leaves: keep the debug logic clocked in low-power modes, freeze watchdogs while halted.
 */
export interface DebugHoldRegister {
  /** As the reference manual names it: "DBGMCU_CR". */
  readonly name: string;
  readonly address: number;
  readonly bits: number;
  /** Why, for messages and `-v`. */
  readonly purpose: string;
}

export interface ChipDescription {
  /** The family as ST groups it: "STM32F405/407/415/417". */
  readonly name: string;
  /** The parts it covers, without package and flash-size letters. */
  readonly parts: readonly string[];
  /** The reference manual the facts come from. */
  readonly referenceManual: string;
  readonly identification: ChipIdentification;
  readonly flash: FlashDescription;
  /** Every memory but main flash, by the reference manual's name ("SRAM1", "CCM", "OTP"). */
  readonly memory: { readonly [name: string]: MemoryRegion };
  /** The 96-bit unique device ID's address (12 bytes). */
  readonly uniqueIdAddress: number;
  /** Set while attached, restored on disconnect (in this order). */
  readonly debugHold: readonly DebugHoldRegister[];
}

/** One erase sector of main flash at its absolute address. */
export interface FlashSector {
  readonly index: number;
  readonly address: number;
  readonly size: number;
}

/** Main flash as one extent: where a part's flash is and how big. */
export interface FlashExtent {
  /** The chip or part, for messages. */
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** Where the same bytes are visible when the chip boots from flash. */
  readonly bootAlias: number;
}

export const KIB = 1024;

/** Where main flash starts. */
export function mainFlashBase(chip: ChipDescription): number {
  return chip.flash.banks[0].base;
}

/**
 * The sectors of a part with `size` bytes of flash (the flash-size register's value × 1 KiB),
 * across banks, numbered from 0. `size` must end on a sector boundary.
 */
export function flashSectors(chip: ChipDescription, size: number = chip.flash.maxSize): FlashSector[] {
  const sectors: FlashSector[] = [];
  let remaining = size;
  for (const bank of chip.flash.banks) {
    let address = bank.base;
    for (const run of bank.sectors) {
      for (let i = 0; i < run.count && remaining > 0; i++) {
        sectors.push({ index: sectors.length, address, size: run.size });
        address += run.size;
        remaining -= run.size;
      }
    }
  }
  if (remaining !== 0) {
    throw new BadInputError(
      'flash-size',
      `${chip.name}: ${size} bytes of flash do not end on a sector boundary (at most ${chip.flash.maxSize})`,
      { hint: 'The flash size read from the chip does not fit its family; check the chip is what it seems.' },
    );
  }
  return sectors;
}

/** Main flash of a part with `size` bytes of it (default the family's largest). */
export function flashExtent(
  chip: ChipDescription,
  size: number = chip.flash.maxSize,
  name: string = chip.name,
): FlashExtent {
  return { name, base: mainFlashBase(chip), size, bootAlias: chip.flash.bootAlias };
}
