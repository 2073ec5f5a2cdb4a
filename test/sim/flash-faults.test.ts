/**
 * Issue 12's fault proof: 100 flash runs, each cut at a random point of erase, program or verify —
 * the probe's USB link unplugged, or the target's power lost — must each end in a clear error (never a
 * hang, a crash or a success over a half-written image), and the next flash must complete and verify.
 * Cut points are drawn from a fixed seed over the probe commands a whole flash takes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFlash } from '../../src/flash/plan.js';
import { FlashIncompleteError, flashImage } from '../../src/flash/program-image.js';
import { SwdkitError } from '../../src/util/errors.js';
import { ERASE_TIMES, KiB, MEMORY, SECTORS, flashBytes, image, pattern, rig } from '../support/flash-rig.js';

const OLD = pattern(40 * KiB, 21);
const NEW = pattern(40 * KiB, 22);
const plan = planFlash('new.bin', image([0x0800_0000, NEW]), MEMORY);
const options = { allSectors: SECTORS, eraseTimes: ERASE_TIMES };

test('100 flashes cut at random points by a link or power loss: each fails clearly, the next flash succeeds', async () => {
  const calibration = await rig(image([0x0800_0000, OLD]));
  const start = calibration.commands;
  await flashImage(plan, calibration.flash, calibration.stlink, options);
  const total = calibration.commands - start;
  assert.ok(total > 50, `a whole flash takes ${total} probe commands`);

  let seed = 0x2545_f491;
  const random = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const outcomes = { incomplete: 0, plain: 0, link: 0, power: 0, powerNamed: 0 };
  for (let run = 0; run < 100; run++) {
    const kind = run % 2 === 0 ? 'link' : 'power';
    const r = await rig(image([0x0800_0000, OLD]));
    const at = r.commands + 1 + Math.floor(random() * (total - 1));
    if (kind === 'link') r.cutAfter = at;
    else r.cutPowerAfter = at;
    outcomes[kind]++;
    let succeeded = false;
    try {
      await flashImage(plan, r.flash, r.stlink, { ...options, supplyVolts: () => r.stlink.targetVoltage() });
      succeeded = true;
    } catch (thrown) {
      assert.ok(thrown instanceof SwdkitError, `run ${run} (${kind} at ${at - start}): ${String(thrown)}`);
      assert.notEqual(thrown.errorClass, 'internal', `run ${run}: ${thrown.code} ${thrown.message}`);
      // A power cut is named as one (the probe still answers: it measures 0 V), never as an SWD fault.
      if (kind === 'power') {
        const cause = thrown instanceof FlashIncompleteError ? thrown.cause : thrown;
        assert.equal((cause as SwdkitError).code, 'target.power-lost', `run ${run}: ${thrown.message}`);
        outcomes.powerNamed++;
      }
      if (thrown instanceof FlashIncompleteError) {
        outcomes.incomplete++;
        assert.match(thrown.message, /NOT on the target/);
      } else {
        outcomes.plain++;
      }
    }
    if (succeeded) {
      // Only a cut after the last command that mattered may succeed, and then the image is there.
      assert.deepEqual(flashBytes(r.board, 0x0800_0000, NEW.length), NEW, `run ${run} reported success`);
    }
    // Plug the probe back in / restore power, connect again and flash: it must complete and verify.
    const again = await rig(undefined, r.board);
    const report = await flashImage(plan, again.flash, again.stlink, options);
    assert.equal(report.verified === 'crc' || report.written.length === 0, true);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, NEW.length), NEW, `run ${run}: the next flash`);
  }
  assert.equal(outcomes.link + outcomes.power, 100);
  assert.ok(
    outcomes.incomplete > 0,
    `some cuts leave sectors behind and say so (${JSON.stringify(outcomes)})`,
  );
});
