import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexDump } from './hex-dump.js';

test('hex dump: 16 bytes a line, a gap after eight, printable ASCII on the right', () => {
  const data = Uint8Array.from(
    Array.from(new TextEncoder().encode('Hello, world!\n')).concat([0, 1, 0xff, 0x41, 0x42]),
  );
  assert.equal(
    hexDump(0x2000_0000, data),
    '0x20000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|\n' +
      '0x20000010  ff 41 42                                          |.AB|',
  );
});
