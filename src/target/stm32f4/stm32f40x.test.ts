import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwdkitError } from '../../util/errors.js';
import { flashExtent, flashSectors, mainFlashBase, type ChipDescription } from '../chip.js';
import { CHIPS } from '../index.js';
import { STM32F40X } from './stm32f40x.js';
import { chipProblems, defineChip } from '../validate.js';

const KIB = 1024;

describe('STM32F405/407/415/417 description (RM0090)', () => {
  it('is consistent, frozen, and listed', () => {
    assert.deepEqual(chipProblems(STM32F40X), []);
    assert.ok(Object.isFrozen(STM32F40X) && Object.isFrozen(STM32F40X.flash.banks[0].sectors));
    assert.ok(CHIPS.includes(STM32F40X));
  });

  it('identifies as DEV_ID 0x413 at DBGMCU_IDCODE 0xE0042000', () => {
    assert.equal(STM32F40X.identification.idcodeAddress, 0xe004_2000);
    assert.equal(STM32F40X.identification.devId, 0x413);
    assert.deepEqual(
      STM32F40X.identification.revisions.map((r) => r.revId),
      [0x1000, 0x1001, 0x1003, 0x1007, 0x100f],
    );
  });

  it('1 MiB of flash at 0x08000000 is sectors 4 × 16 KiB, 1 × 64 KiB, 7 × 128 KiB (table 5)', () => {
    assert.equal(mainFlashBase(STM32F40X), 0x0800_0000);
    const sectors = flashSectors(STM32F40X, 1024 * KIB);
    assert.equal(sectors.length, 12);
    assert.deepEqual(sectors[4], { index: 4, address: 0x0801_0000, size: 64 * KIB });
    assert.deepEqual(sectors[5], { index: 5, address: 0x0802_0000, size: 128 * KIB });
    assert.deepEqual(sectors[11], { index: 11, address: 0x080e_0000, size: 128 * KIB });
    assert.equal(
      sectors.reduce((sum, s) => sum + s.size, 0),
      1024 * KIB,
    );
  });

  it('a 512 KiB part has sectors 0–7; a size off a sector boundary is refused', () => {
    assert.equal(flashSectors(STM32F40X, 512 * KIB).length, 8);
    assert.throws(
      () => flashSectors(STM32F40X, 100 * KIB),
      (e: unknown) => e instanceof SwdkitError && e.code === 'bad-input.flash-size',
    );
  });

  it('says where the flash size, the unique ID and the other memories are', () => {
    assert.equal(STM32F40X.flash.sizeRegister, 0x1fff_7a22);
    assert.equal(STM32F40X.uniqueIdAddress, 0x1fff_7a10);
    const { SRAM1, SRAM2, CCM, SYSTEM, OTP, OPTION_BYTES } = STM32F40X.memory;
    assert.deepEqual(
      [SRAM1.base, SRAM1.size, SRAM2.base, SRAM2.size],
      [0x2000_0000, 0x1_c000, 0x2001_c000, 0x4000],
    );
    assert.deepEqual([CCM.base, CCM.size, CCM.executable], [0x1000_0000, 0x1_0000, false]);
    assert.deepEqual(
      [SYSTEM.base, OTP.base, OTP.size, OPTION_BYTES.base],
      [0x1fff_0000, 0x1fff_7800, 0x210, 0x1fff_c000],
    );
    assert.equal(STM32F40X.flash.driver, 'stm32f4');
    assert.deepEqual(flashExtent(STM32F40X), {
      name: 'STM32F405/407/415/417',
      base: 0x0800_0000,
      size: 1024 * KIB,
      bootAlias: 0,
    });
  });
});

describe('defineChip', () => {
  const broken = (change: (chip: ChipDescription) => ChipDescription): string[] =>
    chipProblems(change(structuredClone(STM32F40X)));

  it('finds overlapping memories, a layout smaller than the flash size, and fields out of range', () => {
    assert.match(
      broken((c) => ({
        ...c,
        memory: { ...c.memory, CCM: { ...c.memory['CCM']!, base: 0x2001_0000 } },
      })).join(),
      /overlaps/,
    );
    assert.match(
      broken((c) => ({ ...c, flash: { ...c.flash, maxSize: 2048 * KIB } })).join(),
      /more than the banks' 1048576 bytes/,
    );
    assert.match(
      broken((c) => ({ ...c, identification: { ...c.identification, devId: 0x1413 } })).join(),
      /DEV_ID 0x1413 is not 12 bits/,
    );
    assert.match(
      broken((c) => ({
        ...c,
        flash: { ...c.flash, banks: [{ base: 0x0800_0000, sectors: [{ count: 12, size: 3000 }] }] },
      })).join(),
      /sector size 3000 is not a power of two/,
    );
  });

  it('throws bad-input.chip-description naming every problem', () => {
    const wrong = { ...structuredClone(STM32F40X), uniqueIdAddress: 0x1fff_7a20 } as ChipDescription;
    assert.throws(
      () => defineChip(wrong),
      (e: unknown) =>
        e instanceof SwdkitError &&
        e.code === 'bad-input.chip-description' &&
        /the unique ID overlaps the flash-size register/.test(e.message),
    );
  });
});
