import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32Mpeg2 } from './crc32-mpeg2.js';

test('CRC-32/MPEG-2 check value of "123456789" is 0x0376E6E7 (the catalogue of parametrised CRCs)', () => {
  assert.equal(crc32Mpeg2(new TextEncoder().encode('123456789')), 0x0376_e6e7);
});

test('a CRC continued over two halves equals the CRC of the whole', () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
  assert.equal(crc32Mpeg2(bytes.subarray(300), crc32Mpeg2(bytes.subarray(0, 300))), crc32Mpeg2(bytes));
});

test('the CRC of nothing is the initial value', () => {
  assert.equal(crc32Mpeg2(new Uint8Array(0)), 0xffff_ffff);
});
