import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { SwdkitError } from '../../util/errors.js';
import { FlashStorage } from '../soc/flash/flash-storage.js';
import { decodeState, encodeState, loadState, saveState } from './state-file.node.js';

const dir = mkdtempSync(join(tmpdir(), 'swdkit-state-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
let counter = 0;
const freshPath = () => join(dir, `board-${counter++}.nvm`);

function usedStorage(): FlashStorage {
  const storage = new FlashStorage();
  storage.main.set([0x00, 0x10, 0x00, 0x20, 0x41, 0x01, 0x00, 0x08], 0);
  storage.main[0xf_ffff] = 0x5a;
  storage.otp[3] = 0x12;
  storage.otp[0x200] = 0x00; // OTP block 0 locked
  storage.optionWord = 0x0ffe_55ec; // RDP level 1, sector 0 protected
  return storage;
}

function expectCode(action: () => unknown, code: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof SwdkitError, `expected a SwdkitError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.hint !== undefined && error.hint.length > 0, 'every state-file error has a hint');
    return true;
  });
}

describe('state file', () => {
  test('a missing file loads as undefined (a board never run with --state)', () => {
    assert.equal(loadState(join(dir, 'does-not-exist.nvm')), undefined);
  });

  test('round trip: main flash, OTP and option bytes come back byte for byte', () => {
    const path = freshPath();
    const storage = usedStorage();
    saveState(path, storage);
    const loaded = loadState(path);
    assert.ok(loaded !== undefined);
    assert.deepEqual(loaded.main, storage.main);
    assert.deepEqual(loaded.otp, storage.otp);
    assert.deepEqual(loaded.optionBytes, storage.optionBytes);
    assert.equal(loaded.optionWord, 0x0ffe_55ec);
  });

  test('the header is the documented one: magic, version 1, sizes, then the CRC', () => {
    const file = encodeState(new FlashStorage());
    assert.equal(file.subarray(0, 8).toString('latin1'), 'SWDKNVM\n');
    assert.equal(file.readUInt32LE(8), 1);
    assert.equal(file.readUInt32LE(12), 0x10_0000);
    assert.equal(file.readUInt32LE(16), 528);
    assert.equal(file.readUInt32LE(20), 16);
    assert.equal(file.length, 28 + 0x10_0000 + 528 + 16);
    assert.equal(file[28], 0xff, 'main flash starts erased');
  });

  test('saving replaces an existing state file atomically and leaves no temporary file', () => {
    const path = freshPath();
    saveState(path, new FlashStorage());
    saveState(path, usedStorage());
    assert.equal(loadState(path)?.main[0xf_ffff], 0x5a);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  test('saving refuses to overwrite a file that is not a state file, and leaves it intact', () => {
    const path = freshPath();
    writeFileSync(path, 'ELF firmware, not a state file');
    expectCode(() => {
      saveState(path, new FlashStorage());
    }, 'bad-input.state-overwrite-refused');
    assert.equal(readFileSync(path, 'utf8'), 'ELF firmware, not a state file');
  });

  test('saving into a missing directory is an UnavailableError, and leaves nothing behind', () => {
    const path = join(dir, 'no-such-dir', 'board.nvm');
    expectCode(() => {
      saveState(path, new FlashStorage());
    }, 'unavailable.state-write-failed');
    assert.equal(existsSync(join(dir, 'no-such-dir')), false);
  });

  const good = encodeState(usedStorage());

  const badFiles: readonly [string, () => Buffer, string][] = [
    ['an empty file', () => Buffer.alloc(0), 'bad-input.state-not-a-state-file'],
    [
      'another format',
      () => Buffer.from('\x7fELF\x01\x01\x01\x00 rest of an ELF'),
      'bad-input.state-not-a-state-file',
    ],
    ['a file cut inside its header', () => good.subarray(0, 20), 'bad-input.state-truncated'],
    ['a file cut inside main flash', () => good.subarray(0, 4096), 'bad-input.state-truncated'],
    ['a file missing its last byte', () => good.subarray(0, good.length - 1), 'bad-input.state-truncated'],
    [
      'a file with bytes appended',
      () => Buffer.concat([good, Buffer.from([0])]),
      'bad-input.state-trailing-bytes',
    ],
    [
      'a version 2 file',
      () => {
        const file = Buffer.from(good);
        file.writeUInt32LE(2, 8);
        return file;
      },
      'bad-input.state-unsupported-version',
    ],
    [
      'a file for a 512 KiB chip',
      () => {
        const file = Buffer.from(good);
        file.writeUInt32LE(0x8_0000, 12);
        return file;
      },
      'bad-input.state-layout-mismatch',
    ],
    [
      'a flipped bit in main flash',
      () => {
        const file = Buffer.from(good);
        file[28 + 0x1234]! ^= 0x01;
        return file;
      },
      'bad-input.state-corrupt',
    ],
    [
      'a flipped bit in the option bytes',
      () => {
        const file = Buffer.from(good);
        file[file.length - 15]! ^= 0x80;
        return file;
      },
      'bad-input.state-corrupt',
    ],
  ];
  for (const [name, make, code] of badFiles) {
    test(`${name} is refused with ${code}, and the file is left as it was`, () => {
      const path = freshPath();
      const bytes = make();
      writeFileSync(path, bytes);
      expectCode(() => loadState(path), code);
      assert.deepEqual(readFileSync(path), bytes);
    });
  }

  test('option bytes whose complements disagree are refused even with a valid checksum', () => {
    const file = Buffer.from(good);
    const optionStart = file.length - 16;
    file[optionStart + 2] = 0x00; // ~USER no longer the complement of USER
    // Re-seal the CRC as the format documents it: everything but bytes 24–27.
    const crc = crc32(file.subarray(28), crc32(file.subarray(0, 24))) >>> 0;
    file.writeUInt32LE(crc, 24);
    expectCode(() => decodeState(file, 'edited.nvm'), 'bad-input.state-option-bytes');
  });

  test('error messages name the file', () => {
    assert.throws(() => decodeState(Buffer.alloc(3), '/some/board.nvm'), /\/some\/board\.nvm/);
  });
});
