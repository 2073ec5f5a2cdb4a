import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadInputError } from '../../../util/errors.js';
import { FlashStorage } from './flash-storage.js';
import { decodeOptionBytes, encodeOptionBytes, optionBytesConsistent } from './option-bytes.js';
import { rdpLevelOf } from '../../../target/stm32f4/flash-registers.js';

describe('option bytes', () => {
  test('RDP: 0xAA is level 0, 0xCC level 2, every other value level 1 (RM0090 3.7.3)', () => {
    assert.equal(rdpLevelOf(0xaa), 0);
    assert.equal(rdpLevelOf(0xcc), 2);
    for (const rdp of [0x00, 0x55, 0xab, 0xff, 0xcd]) assert.equal(rdpLevelOf(rdp), 1);
  });

  test('encode/decode keep BOR_LEV, USER, RDP and nWRP, and drop OPTLOCK, OPTSTRT and reserved bits', () => {
    const bytes = new Uint8Array(16);
    encodeOptionBytes(0xffff_5fff, bytes);
    assert.equal(decodeOptionBytes(bytes), 0x0fff_5fec);
    encodeOptionBytes(0x0123_4564, bytes);
    assert.equal(decodeOptionBytes(bytes), 0x0123_4564);
    assert.deepEqual([...bytes.subarray(8, 12)], [0x23, 0x01, 0xdc, 0xfe]);
    assert.equal(optionBytesConsistent(bytes), true);
  });

  test('a byte that is not its partner’s complement, or a reserved byte not erased, is inconsistent', () => {
    const bytes = new FlashStorage().optionBytes.slice();
    assert.equal(optionBytesConsistent(bytes), true);
    bytes[3] = 0x54;
    assert.equal(optionBytesConsistent(bytes), false);
    const reserved = new FlashStorage().optionBytes.slice();
    reserved[5] = 0;
    assert.equal(optionBytesConsistent(reserved), false);
    assert.equal(optionBytesConsistent(new Uint8Array(15)), false);
  });
});

describe('FlashStorage', () => {
  test('starts erased with the factory option bytes (OPTCR-equivalent 0x0FFFAAEC + OPTLOCK)', () => {
    const storage = new FlashStorage();
    assert.equal(storage.main.length, 0x10_0000);
    assert.equal(storage.otp.length, 528);
    assert.ok(storage.main.every((b) => b === 0xff) && storage.otp.every((b) => b === 0xff));
    assert.equal(storage.optionWord, 0x0fff_aaec);
  });

  test('preload places an image in main flash (either alias) or OTP, and refuses anything else', () => {
    const storage = new FlashStorage();
    storage.preload(0x0800_4000, Uint8Array.of(1, 2, 3));
    storage.preload(0x0000_0000, Uint8Array.of(9));
    storage.preload(0x1fff_7a00, Uint8Array.of(0));
    assert.deepEqual([...storage.main.subarray(0x4000, 0x4003)], [1, 2, 3]);
    assert.equal(storage.main[0], 9);
    assert.equal(storage.otp[0x200], 0);
    assert.throws(() => {
      storage.preload(0x080f_fffe, Uint8Array.of(1, 2, 3));
    }, BadInputError);
    assert.throws(() => {
      storage.preload(0x2000_0000, Uint8Array.of(1));
    }, /do not fit/);
  });
});
