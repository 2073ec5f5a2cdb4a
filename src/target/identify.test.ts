import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHIPS } from './chips.js';
import { chipInfo, matchIdcode, unknownChipError } from './identify.js';
import { STM32F40X } from './stm32f4/stm32f40x.js';

const UID = Uint8Array.from([0x21, 0x00, 0x33, 0x00, 0x04, 0x51, 0x33, 0x31, 0x37, 0x35, 0x30, 0x39]);
const M4 = 0xc24;
const M3 = 0xc23;

test('DEV_ID 0x413 is the F405/407/415/417, REV_ID 0x1007 its revision 2', () => {
  const match = matchIdcode(CHIPS, 0xe004_2000, 0x1007_6413, M4);
  assert.equal(match?.chip, STM32F40X);
  const info = chipInfo(match, 0x1007_6413, 1024, UID);
  assert.equal(info.name, 'STM32F405/407/415/417');
  assert.equal(info.devId, 0x413);
  assert.equal(info.revision, '2');
  assert.equal(info.flashSize, 1024 * 1024);
  assert.equal(info.flashSizeSource, 'register');
  assert.equal(info.uniqueId, '393035373133510400330021');
  assert.equal(info.sectors.length, 12);
  assert.deepEqual(info.notes, []);
});

test('0x411 on a Cortex-M4 is the F40x erratum; on a Cortex-M3 it is an F2, which swdkit does not know', () => {
  const match = matchIdcode(CHIPS, 0xe004_2000, 0x1000_6411, M4);
  assert.equal(match?.chip, STM32F40X);
  assert.match(match.notes[0]!, /0x411.*Cortex-M4/);
  assert.equal(chipInfo(match, 0x1000_6411, 1024, UID).devId, 0x413);
  assert.equal(matchIdcode(CHIPS, 0xe004_2000, 0x1000_6411, M3), undefined);
});

test('an unprogrammed F_SIZE means the family maximum, and says so; a 512 KiB part has 8 sectors', () => {
  const match = matchIdcode(CHIPS, 0xe004_2000, 0x1007_6413, M4)!;
  for (const fSize of [0, 0xffff]) {
    const info = chipInfo(match, 0x1007_6413, fSize, UID);
    assert.equal(info.flashSize, 1024 * 1024);
    assert.equal(info.flashSizeSource, 'assumed');
    assert.match(info.notes.join(), /F_SIZE .* reads 0x(0|ffff): assuming the family's largest, 1024 KiB/);
  }
  assert.equal(chipInfo(match, 0x1007_6413, 512, UID).sectors.length, 8);
  assert.throws(() => chipInfo(match, 0x1007_6413, 2048, UID), { code: 'target.flash-size-invalid' });
  assert.throws(() => chipInfo(match, 0x1007_6413, 100, UID), { code: 'target.flash-size-invalid' });
  assert.equal(chipInfo(match, 0x1234_6413, 1024, UID).revision, 'REV_ID 0x1234');
});

test('an unknown IDCODE names itself and the families swdkit knows', () => {
  assert.equal(matchIdcode(CHIPS, 0xe004_2000, 0x1001_6419, M4), undefined);
  const error = unknownChipError(CHIPS, [{ address: 0xe004_2000, idcode: 0x1001_6419 }], 'Cortex-M4');
  assert.equal(error.code, 'target.unknown-chip');
  assert.match(
    error.message,
    /DBGMCU_IDCODE 0x10016419 \(DEV_ID 0x419\) at 0xe0042000, on a Cortex-M4; swdkit knows STM32F405\/407\/415\/417 \(DEV_ID 0x413\)/i,
  );
});
