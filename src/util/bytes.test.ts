import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fromHex,
  fromLatin1,
  hex32,
  hexBytes,
  latin1,
  parseHexDigits,
  setU16be,
  setU16le,
  setU24le,
  setU32le,
  u16be,
  u16le,
  u24le,
  u32le,
} from './bytes.js';

describe('bytes', () => {
  it('reads and writes each width in its declared byte order', () => {
    const b = new Uint8Array(8);
    setU32le(b, 0, 0xe000edf0);
    setU16be(b, 4, 0x2a1b);
    setU16le(b, 6, 0x374b);
    assert.equal(hexBytes(b), 'f0 ed 00 e0 2a 1b 4b 37');
    assert.equal(u32le(b, 0), 0xe000edf0);
    assert.equal(u16be(b, 4), 0x2a1b);
    assert.equal(u16le(b, 6), 0x374b);
    setU24le(b, 0, 0xa20000);
    assert.equal(hexBytes(b.subarray(0, 3)), '00 00 a2');
    assert.equal(u24le(b, 0), 0xa20000);
  });

  it('refuses values that do not fit and offsets outside the buffer', () => {
    const b = new Uint8Array(4);
    assert.throws(() => {
      setU16le(b, 0, 0x10000);
    }, RangeError);
    assert.throws(() => {
      setU32le(b, 1, 0);
    }, RangeError);
    assert.throws(() => {
      setU32le(b, 0, -1);
    }, RangeError);
    assert.throws(() => u32le(b, 1), RangeError);
  });

  it('formats and parses hex', () => {
    assert.equal(hex32(0x800), '0x00000800');
    assert.deepEqual(fromHex('2A 1B 83 04'), new Uint8Array([0x2a, 0x1b, 0x83, 0x04]));
    assert.throws(() => fromHex('2A 1'), RangeError);
  });

  it('decodes Latin-1 byte for byte, as Node does', () => {
    const bytes = [0x6f, 0x6b, 0x0d, 0x0a, 0x00, 0x7f, 0xa9, 0xff];
    assert.equal(latin1(bytes), Buffer.from(bytes).toString('latin1'));
    assert.equal(latin1(new Uint8Array(70_000).fill(0x41)).length, 70_000);
  });

  it('Latin-1 back to bytes: every byte value, across the 8 KiB slices, low 8 bits of a character', () => {
    const long = Uint8Array.from({ length: 0x5000 }, (_, i) => (i * 31) & 0xff);
    assert.deepEqual(fromLatin1(latin1(long)), long);
    assert.equal(latin1(Uint8Array.of(0x24, 0xe9)), '$\u00e9');
    assert.deepEqual(fromLatin1('\u0100A'), Uint8Array.of(0x00, 0x41));
  });

  it('parses hex digit pairs from outside input: either case; odd lengths and other characters refused', () => {
    assert.deepEqual(parseHexDigits('DEADbeef'), Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    assert.deepEqual(parseHexDigits(''), new Uint8Array(0));
    for (const bad of ['abc', '0g', 'g0', ' 0', '0x12', '+1', '2A 1B']) {
      assert.equal(parseHexDigits(bad), undefined, bad);
    }
  });
});
