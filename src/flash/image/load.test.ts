import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { SwdkitError } from '../../util/errors.js';
import { detectFormat, loadImage } from './load.js';
import { MAX_IMAGE_FILE_BYTES, readImageFile } from './load.node.js';
import type { Image } from './types.js';

// The repository root, from src/flash/image or its compiled copy under dist/.
const root = fileURLToPath(new URL('.', import.meta.url)).replace(/(dist\/)?src\/flash\/image\/$/, '');
const file = (path: string): string => `${root}${path}`;
const BLINKY = [
  'firmware/bin/blinky.elf',
  'firmware/bin/blinky.hex',
  'firmware/bin/blinky.bin',
  'test/fixtures/images/blinky.srec',
];

function code(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof SwdkitError, `expected a SwdkitError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('no error');
}

describe('image loaders', () => {
  it('read blinky as ELF, Intel HEX, raw binary and S-records into the same bytes', () => {
    const images = BLINKY.map((path) => readImageFile(file(path)));
    assert.deepEqual(
      images.map((i) => i.format),
      ['elf', 'ihex', 'bin', 'srec'],
    );
    const reference = images[0]!;
    // Facts from `arm-none-eabi-readelf -l firmware/bin/blinky.elf`: 0x2e4 bytes of code at
    // 0x08000000; the RW segment has no file bytes (only .bss), so nothing else is loaded.
    assert.equal(reference.segments.length, 1);
    assert.equal(reference.segments[0]!.address, 0x0800_0000);
    assert.equal(reference.segments[0]!.data.length, 0x2e4);
    assert.equal(reference.entry, 0x0800_0259);
    for (const image of images.slice(1)) {
      assert.equal(image.segments.length, 1, image.format);
      assert.equal(image.segments[0]!.address, 0x0800_0000, image.format);
      assert.deepEqual(image.segments[0]!.data, reference.segments[0]!.data, image.format);
    }
  });

  it('detects formats by content, and raw binaries only by extension', () => {
    assert.equal(detectFormat(readFileSync(file('firmware/bin/blinky.elf'))), 'elf');
    assert.equal(detectFormat(new TextEncoder().encode('\r\n:00000001FF\r\n')), 'ihex');
    assert.equal(detectFormat(new TextEncoder().encode('S00600004844521B\n')), 'srec');
    assert.equal(detectFormat(new Uint8Array([0, 1, 2]), 'app.BIN'), 'bin');
    assert.equal(
      code(() => loadImage(new Uint8Array([0, 1, 2]), { fileName: 'app.img' })),
      'bad-input.image-unknown-format',
    );
    assert.equal(
      loadImage(new Uint8Array([1, 2]), { format: 'bin', baseAddress: 0x2000_0000 }).segments[0]!.address,
      0x2000_0000,
    );
  });

  it('Intel HEX: extended linear address, start address, merging and every error', () => {
    const hex = (text: string): Image =>
      loadImage(new TextEncoder().encode(text), { fileName: 't.hex', format: 'ihex' });
    // 02 bytes at 0x08001000 then 02 at 0x08001002 merge into one run; entry from type 05.
    const image = hex(
      ':020000040800F2\n:02100000AABB89\n:02100200CCDD43\n:040000050800019955\n:00000001FF\n',
    );
    assert.deepEqual(image.segments, [
      { address: 0x0800_1000, data: Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]) },
    ]);
    assert.equal(image.entry, 0x0800_0199);
    assert.equal(
      code(() => hex(':02100000AABB88\n')),
      'bad-input.ihex-checksum',
    );
    assert.equal(
      code(() => hex('02100000AABB89\n')),
      'bad-input.ihex-bad-record',
    );
    assert.equal(
      code(() => hex(':03100000AABB89\n')),
      'bad-input.ihex-bad-record',
    );
    assert.equal(
      code(() => hex(':00000001FF\n:02100000AABB89\n')),
      'bad-input.ihex-after-eof',
    );
    assert.equal(
      code(() => hex(':00000001FF\n')),
      'bad-input.image-empty',
    );
    assert.equal(
      code(() => hex(':02100000AABB89\n:02100100CCDD44\n:00000001FF\n')),
      'bad-input.image-overlap',
    );
  });

  it('S-records: error messages name the line', () => {
    const srec = (text: string): Image =>
      loadImage(new TextEncoder().encode(text), { fileName: 't.srec', format: 'srec' });
    assert.throws(() => srec('S00600004844521B\nS1051000AABB00\n'), /t\.srec:2: checksum mismatch/);
    assert.equal(
      code(() => srec('S4051000AABB00\n')),
      'bad-input.srec-bad-record',
    );
    assert.equal(
      code(() => srec('S1061000AABB00\n')),
      'bad-input.srec-bad-record',
    );
  });

  it('ELF: rejects non-ARM and non-executable files with a hint', () => {
    const elf = readFileSync(file('firmware/bin/blinky.elf'));
    const wrongMachine = Uint8Array.from(elf);
    wrongMachine[18] = 62; // EM_X86_64
    assert.equal(
      code(() => loadImage(wrongMachine)),
      'bad-input.elf-not-arm',
    );
    const relocatable = Uint8Array.from(elf);
    relocatable[16] = 1; // ET_REL
    assert.equal(
      code(() => loadImage(relocatable)),
      'bad-input.elf-not-executable',
    );
    assert.equal(
      code(() => loadImage(elf.subarray(0, 40))),
      'bad-input.elf-malformed',
    );
  });

  it('a missing file or a directory is bad input (the name the user gave is wrong), not a crash', () => {
    assert.equal(
      code(() => readImageFile('/nonexistent/app.elf')),
      'bad-input.file-missing',
    );
    assert.equal(
      code(() => readImageFile(file('firmware/bin'))),
      'bad-input.file-is-directory',
    );
  });

  it('/dev/zero is refused before it is read: not a regular file', () => {
    assert.equal(
      code(() => readImageFile('/dev/zero')),
      'bad-input.file-not-regular',
    );
  });

  it('a file larger than any STM32 image is refused unread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swdkit-image-'));
    const big = join(dir, 'huge.bin');
    writeFileSync(big, '');
    truncateSync(big, MAX_IMAGE_FILE_BYTES + 1); // sparse: nothing is written, nothing must be read
    assert.equal(
      code(() => readImageFile(big)),
      'bad-input.file-too-large',
    );
  });

  it('Intel HEX without its end-of-file record is truncated: the error names the last line', () => {
    const text = readFileSync(file('firmware/bin/blinky.hex'), 'latin1');
    const first10 = text.split('\n').slice(0, 10).join('\n') + '\n';
    assert.throws(
      () => loadImage(new TextEncoder().encode(first10), { fileName: 'blinky.hex' }),
      (e: unknown) =>
        e instanceof SwdkitError &&
        e.code === 'bad-input.ihex-truncated' &&
        /^blinky\.hex:10: the file ends without its end-of-file record \(type 01\): it is truncated$/.test(
          e.message,
        ),
    );
    // Data after the end-of-file record is an error too (not silently dropped).
    assert.equal(
      code(() => loadImage(new TextEncoder().encode(`${text}:02100000AABB89\n`), { fileName: 'blinky.hex' })),
      'bad-input.ihex-after-eof',
    );
  });

  it('S-records without a termination record (S7/S8/S9) are truncated; records after it are refused', () => {
    const text = readFileSync(file('test/fixtures/images/blinky.srec'), 'latin1');
    const lines = text.trimEnd().split('\n');
    const cut = lines.slice(0, -1).join('\n') + '\n';
    assert.throws(
      () => loadImage(new TextEncoder().encode(cut), { fileName: 'blinky.srec' }),
      (e: unknown) =>
        e instanceof SwdkitError &&
        e.code === 'bad-input.srec-truncated' &&
        e.message.startsWith(`blinky.srec:${lines.length - 1}: the file ends without its termination record`),
    );
    assert.equal(
      code(() => loadImage(new TextEncoder().encode(`${text}S1051000AABB85\n`), { fileName: 'blinky.srec' })),
      'bad-input.srec-after-end',
    );
  });

  // Damaged files must only ever produce a SwdkitError (or load), never a TypeError/RangeError.
  it('truncated and mutated copies of real files never throw anything but SwdkitError', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (const path of BLINKY.concat(['firmware/bin/cpu-suite-O2.elf'])) {
      const original = readFileSync(file(path));
      for (let i = 0; i < 150; i++) {
        const copy = Uint8Array.from(
          original.subarray(0, i % 3 === 0 ? random(original.length) : original.length),
        );
        for (let k = 0; k < 4; k++) if (copy.length > 0) copy[random(copy.length)] = random(256);
        try {
          loadImage(copy, { fileName: path });
        } catch (error) {
          assert.ok(error instanceof SwdkitError, `${path} mutation ${i}: ${String(error)}`);
        }
      }
    }
  });
});
