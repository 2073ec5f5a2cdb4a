/**
 * Reading and writing the STM32F4 option bytes through the probe: every field decoded, write
 * protection set and cleared, RDP level 1 and back (which erases the chip), level 2 refused without
 * its confirmation, and OPTCR checked after each write.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyOptionChange,
  decodeOptcr,
  readOptions,
  writeOptions,
} from '../../src/flash/stm32f4/option-bytes.js';
import { SwdkitError } from '../../src/util/errors.js';
import { flashBytes, image, pattern, rig, type Rig } from '../support/flash-rig.js';

const context = (r: Rig) => ({
  sleep: async () => {
    r.board.runFor(20e6);
    await Promise.resolve();
  },
  now: () => r.board.now / 1e6,
});

/** SYSRESETREQ with VC_CORERESET: the new option bytes load at reset (RM0090 3.7), core halted. */
async function resetHalt(r: Rig): Promise<void> {
  await r.core.reset('sysresetreq', true);
  assert.ok(await r.core.isHalted());
}

describe('STM32F4 option bytes', () => {
  test('the factory OPTCR 0x0FFFAAED decodes as level 0, nothing protected, BOR off, software watchdog', () => {
    const o = decodeOptcr(0x0fff_aaed);
    assert.equal(o.rdpLevel, 0);
    assert.equal(o.rdp, 0xaa);
    assert.deepEqual(o.writeProtected, new Array(12).fill(false));
    assert.equal(o.borLevel, 3);
    assert.equal(o.watchdogSoftware, true);
    assert.equal(o.resetOnStop, false);
    assert.equal(o.resetOnStandby, false);
    assert.equal(decodeOptcr(0x0fff_55ed).rdpLevel, 1);
    assert.equal(decodeOptcr(0x0fff_cced).rdpLevel, 2);
    assert.deepEqual(
      decodeOptcr(0x0ffb_aa0d)
        .writeProtected.map((p, i) => (p ? i : -1))
        .filter((i) => i >= 0),
      [2],
    );
    assert.equal(decodeOptcr(0x0fff_aa0d).resetOnStop, true);
  });

  test('applyOptionChange touches only what it is asked to', () => {
    assert.equal(applyOptionChange(0x0fff_aaed, { protectSectors: [0, 11] }), 0x07fe_aaec);
    assert.equal(applyOptionChange(0x07fe_aaec, { unprotectSectors: [11] }), 0x0ffe_aaec);
    assert.equal(applyOptionChange(0x0fff_aaed, { rdp: 0x00 }), 0x0fff_00ec);
  });

  test('write protection is written, read back, takes effect at reset, and is cleared again', async () => {
    const r = await rig();
    const before = await readOptions(r.stlink);
    await writeOptions(r.stlink, applyOptionChange(before.optcr, { protectSectors: [3] }), context(r));
    await resetHalt(r);
    const after = await readOptions(r.stlink);
    assert.deepEqual(
      after.writeProtected.map((p, i) => (p ? i : -1)).filter((i) => i >= 0),
      [3],
    );
    await writeOptions(r.stlink, applyOptionChange(after.optcr, { unprotectSectors: [3] }), context(r));
    await resetHalt(r);
    assert.ok((await readOptions(r.stlink)).writeProtected.every((p) => !p));
  });

  test('RDP level 1, then back to 0: leaving level 1 erases all flash', async () => {
    const r = await rig(image([0x0800_0000, pattern(64 * 1024, 4)]));
    const o = await readOptions(r.stlink);
    await writeOptions(r.stlink, applyOptionChange(o.optcr, { rdp: 0x00 }), context(r));
    await resetHalt(r);
    assert.equal((await readOptions(r.stlink)).rdpLevel, 1);
    await writeOptions(
      r.stlink,
      applyOptionChange((await readOptions(r.stlink)).optcr, { rdp: 0xaa }),
      context(r),
    );
    await resetHalt(r);
    assert.equal((await readOptions(r.stlink)).rdpLevel, 0);
    assert.ok(
      flashBytes(r.board, 0x0800_0000, 64 * 1024).every((b) => b === 0xff),
      'flash erased',
    );
  });

  test('RDP level 2 is refused unless the caller says it is permanent; nothing is written', async () => {
    const r = await rig();
    const o = await readOptions(r.stlink);
    await assert.rejects(
      writeOptions(r.stlink, applyOptionChange(o.optcr, { rdp: 0xcc }), context(r)),
      (error: unknown) => error instanceof SwdkitError && error.code === 'internal.rdp2-without-consent',
    );
    assert.equal((await readOptions(r.stlink)).optcr, o.optcr);
  });
});
