import { BadInputError } from '../util/errors.js';
import type { ChipDescription } from './chip.js';

/**
 * Checks a chip description and freezes it: `defineChip` is how every description in target/ is
 * made, so a wrong entry fails when its module loads, before any probe is touched. TypeScript checks
 * the shape; this checks what types cannot: that numbers are addresses, that memories do not
 * overlap, that the sector layout adds up to the flash size.
 */
export function defineChip<T extends ChipDescription>(description: T): T {
  const problems = chipProblems(description);
  if (problems.length > 0) {
    throw new BadInputError(
      'chip-description',
      `the chip description "${description.name}" is wrong: ${problems.join('; ')}`,
      { hint: 'Fix the entry in src/target/ against the reference manual.' },
    );
  }
  return deepFreeze(description);
}

const U32_END = 2 ** 32;

interface Extent {
  readonly what: string;
  readonly base: number;
  readonly size: number;
}

/** Every problem found, in words; empty when the description is consistent. */
export function chipProblems(chip: ChipDescription): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string): void => {
    if (!ok) problems.push(problem);
  };
  const isUint = (value: number, bits: number): boolean =>
    Number.isInteger(value) && value >= 0 && value < 2 ** bits;
  const isPowerOfTwo = (value: number): boolean =>
    isUint(value, 32) && value > 0 && (value & (value - 1)) === 0;
  const extents: Extent[] = [];
  const extent = (what: string, base: number, size: number): void => {
    const fits = isUint(base, 32) && Number.isInteger(size) && size > 0 && base + size <= U32_END;
    check(fits, `${what}: base 0x${base.toString(16)} size ${size} is not a 32-bit address range`);
    if (fits) extents.push({ what, base, size });
  };

  check(chip.name.trim() !== '', 'the name is empty');
  check(chip.parts.length > 0, 'it lists no parts');
  check(chip.referenceManual.trim() !== '', 'it names no reference manual');

  const id = chip.identification;
  check(isUint(id.idcodeAddress, 32) && id.idcodeAddress % 4 === 0, 'DBGMCU_IDCODE is not a word address');
  check(isUint(id.devId, 12), `DEV_ID 0x${id.devId.toString(16)} is not 12 bits`);
  const revIds = new Set<number>();
  for (const revision of id.revisions) {
    check(isUint(revision.revId, 16), `REV_ID 0x${revision.revId.toString(16)} is not 16 bits`);
    check(!revIds.has(revision.revId), `REV_ID 0x${revision.revId.toString(16)} is listed twice`);
    check(revision.name.trim() !== '', `REV_ID 0x${revision.revId.toString(16)} has no name`);
    revIds.add(revision.revId);
  }

  for (const alias of id.devIdAliases ?? []) {
    check(isUint(alias.devId, 12), `the DEV_ID alias 0x${alias.devId.toString(16)} is not 12 bits`);
    check(alias.devId !== id.devId, 'a DEV_ID alias repeats the DEV_ID');
    check(
      isUint(alias.corePartno, 12),
      `the alias's core PARTNO 0x${alias.corePartno.toString(16)} is not 12 bits`,
    );
  }
  for (const hold of chip.debugHold) {
    check(
      isUint(hold.address, 32) && hold.address % 4 === 0,
      `${hold.name}: 0x${hold.address.toString(16)} is not a word address`,
    );
    check(isUint(hold.bits, 32) && hold.bits !== 0, `${hold.name}: no bits to hold`);
    check(hold.purpose.trim() !== '', `${hold.name}: no purpose given`);
  }

  const flash = chip.flash;
  check(flash.banks.length > 0, 'main flash has no bank');
  let total = 0;
  flash.banks.forEach((bank, b) => {
    check(bank.sectors.length > 0, `flash bank ${b} has no sectors`);
    let size = 0;
    for (const run of bank.sectors) {
      check(
        Number.isInteger(run.count) && run.count > 0,
        `flash bank ${b}: a sector run has count ${run.count}`,
      );
      check(isPowerOfTwo(run.size), `flash bank ${b}: sector size ${run.size} is not a power of two`);
      size += run.count * run.size;
    }
    extent(`flash bank ${b}`, bank.base, size);
    total += size;
  });
  check(
    Number.isInteger(flash.maxSize) && flash.maxSize > 0 && flash.maxSize <= total,
    `the largest flash size ${flash.maxSize} is more than the banks' ${total} bytes`,
  );
  check(flash.maxSize % 1024 === 0, 'the largest flash size is not a whole number of KiB');
  check(
    isUint(flash.sizeRegister, 32) && flash.sizeRegister % 2 === 0,
    'the flash-size register is not a halfword address',
  );
  extent('the flash-size register', flash.sizeRegister, 2);
  check(isUint(flash.bootAlias, 32), 'the boot alias is not an address');
  check(isUint(flash.erasedByte, 8), 'the erased value is not a byte');

  for (const [name, region] of Object.entries(chip.memory))
    extent(`memory ${name}`, region.base, region.size);
  check(
    isUint(chip.uniqueIdAddress, 32) && chip.uniqueIdAddress % 4 === 0,
    'the unique ID is not at a word address',
  );
  extent('the unique ID', chip.uniqueIdAddress, 12);

  let before: Extent | undefined;
  for (const after of [...extents].sort((a, b) => a.base - b.base)) {
    if (before) check(before.base + before.size <= after.base, `${before.what} overlaps ${after.what}`);
    before = after;
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
