import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SECTORS, mainFlashOffset, sectorIndexAt } from './sectors.js';

describe('main flash sectors (RM0090 table 5)', () => {
  test('4 × 16 KiB, 1 × 64 KiB, 7 × 128 KiB, contiguous, 1 MiB in all', () => {
    assert.deepEqual(
      SECTORS.map((s) => s.size / 1024),
      [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128],
    );
    assert.deepEqual(
      SECTORS.map((s) => s.offset),
      [
        0, 0x4000, 0x8000, 0xc000, 0x1_0000, 0x2_0000, 0x4_0000, 0x6_0000, 0x8_0000, 0xa_0000, 0xc_0000,
        0xe_0000,
      ],
    );
    const last = SECTORS[SECTORS.length - 1]!;
    assert.equal(last.offset + last.size, 0x10_0000);
  });

  test('sectorIndexAt agrees with the table at every boundary', () => {
    for (const sector of SECTORS) {
      assert.equal(sectorIndexAt(sector.offset), sector.index);
      assert.equal(sectorIndexAt(sector.offset + sector.size - 1), sector.index);
    }
  });

  test('mainFlashOffset accepts 0x08000000… and the boot alias at 0, nothing else', () => {
    assert.equal(mainFlashOffset(0x0800_0000), 0);
    assert.equal(mainFlashOffset(0x080f_ffff), 0xf_ffff);
    assert.equal(mainFlashOffset(0x0000_1234), 0x1234);
    assert.equal(mainFlashOffset(0x0810_0000), -1);
    assert.equal(mainFlashOffset(0x0010_0000), -1);
    assert.equal(mainFlashOffset(0x1fff_7800), -1);
  });
});
