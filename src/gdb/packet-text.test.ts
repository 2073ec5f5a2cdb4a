import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromLatin1, hexDigits, latin1, parseHexBytes, toHex } from './packet-text.js';

const every = Uint8Array.from({ length: 256 }, (_, i) => i);

test('hex: two lower-case digits per byte, high nibble first, for every byte value', () => {
  assert.equal(toHex(Uint8Array.of(0x00, 0x0f, 0xa5, 0xff)), '000fa5ff');
  assert.equal(latin1(hexDigits(every)), [...every].map((b) => b.toString(16).padStart(2, '0')).join(''));
  assert.equal(toHex(new Uint8Array(0)), '');
});

test('hex parsing: either case back to the bytes; odd lengths and non-hex characters refused', () => {
  assert.deepEqual(parseHexBytes(toHex(every)), every);
  assert.deepEqual(parseHexBytes('DEADbeef'), Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
  assert.deepEqual(parseHexBytes(''), new Uint8Array(0));
  for (const bad of ['abc', '0g', 'g0', ' 0', '0x12', '+1']) assert.equal(parseHexBytes(bad), undefined, bad);
});

test('Latin-1: one character per byte both ways, every byte value, across the 8 KiB slices', () => {
  const long = Uint8Array.from({ length: 0x5000 }, (_, i) => (i * 31) & 0xff);
  assert.deepEqual(fromLatin1(latin1(long)), long);
  assert.equal(latin1(every).length, 256);
  assert.equal(latin1(Uint8Array.of(0x24, 0xe9)), '$\u00e9');
  assert.deepEqual(fromLatin1('\u0100A'), Uint8Array.of(0x00, 0x41), 'only the low 8 bits of a character');
});
