import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bareMachineWithElf, runUntil } from '../support/bare-machine.js';
import { firmwareElf, fixturePath } from '../support/paths.js';

/**
 * The cpu-suite firmware (firmware/src/cpu-suite) on our core must give, at every optimisation
 * level, exactly the result array QEMU gives (test/fixtures/cpu-suite-results.json, captured and
 * re-checked against live QEMU by test/peers/qemu-cpu-suite.test.ts).
 */
const DONE = 0xd0e0d0e0;
const reference = JSON.parse(readFileSync(fixturePath('cpu-suite-results.json'), 'utf8')) as {
  results: string[];
};
const expected = reference.results.map((word) => Number.parseInt(word, 16) >>> 0);

describe('cpu-suite on the virtual Cortex-M4F matches QEMU', () => {
  for (const level of ['O0', 'O2', 'Os', 'O3']) {
    it(`at -${level}`, () => {
      const { machine, elf } = bareMachineWithElf(firmwareElf(`cpu-suite-${level}`));
      const finished = elf.requireSymbol('cpu_suite_finished').address;
      runUntil(machine, finished, 2_000_000);
      assert.equal(machine.cpu.pc, finished, 'cpu_suite_finished was not reached');
      assert.equal(machine.read32(elf.requireSymbol('cpu_done').address) >>> 0, DONE);
      const results = elf.requireSymbol('cpu_results');
      assert.equal(results.size / 4, expected.length);
      const actual = expected.map((_, i) => machine.read32(results.address + 4 * i) >>> 0);
      // Compare as hex strings so a failure names the slot and both values readably.
      assert.deepEqual(
        actual.map((w) => w.toString(16)),
        expected.map((w) => w.toString(16)),
      );
    });
  }
});
