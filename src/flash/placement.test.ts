import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwdkitError } from '../util/errors.js';
import { flashExtent, STM32F40X } from '../target/index.js';
import { placeInFlash } from './placement.js';

const flash = flashExtent(STM32F40X, 0x10_0000, 'STM32F407VG');
const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(0xa5);

describe('placeInFlash', () => {
  it('keeps segments at main flash addresses and moves boot-alias ones to main flash', () => {
    const placed = placeInFlash(
      [
        { address: 0x0800_0000, data: bytes(8) },
        { address: 0x0000_4000, data: bytes(4) },
        { address: 0x080f_fffc, data: bytes(4) },
      ],
      flash,
      'image.elf',
    );
    assert.deepEqual(
      placed.map((s) => s.address),
      [0x0800_0000, 0x0800_4000, 0x080f_fffc],
    );
  });

  it('refuses bytes outside flash, naming the part and its range', () => {
    for (const segment of [
      { address: 0x2000_0000, data: bytes(4) },
      { address: 0x080f_fffc, data: bytes(8) },
      { address: 0, data: bytes(0x10_0004) },
    ]) {
      assert.throws(
        () => placeInFlash([segment], flash, 'image.elf'),
        (e: unknown) =>
          e instanceof SwdkitError &&
          e.code === 'bad-input.image-outside-flash' &&
          e.message.includes("STM32F407VG's flash (0x08000000–0x080fffff)"),
      );
    }
  });
});
