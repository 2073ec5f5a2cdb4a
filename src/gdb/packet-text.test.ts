import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHexDigits } from '../util/bytes.js';
import { toHex } from './packet-text.js';

const every = Uint8Array.from({ length: 256 }, (_, i) => i);

test('hex: two lower-case digits per byte, high nibble first, for every byte value', () => {
  assert.equal(toHex(Uint8Array.of(0x00, 0x0f, 0xa5, 0xff)), '000fa5ff');
  assert.equal(toHex(every), [...every].map((b) => b.toString(16).padStart(2, '0')).join(''));
  assert.equal(toHex(new Uint8Array(0)), '');
  assert.deepEqual(parseHexDigits(toHex(every)), every);
});
