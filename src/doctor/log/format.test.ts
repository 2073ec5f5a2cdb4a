import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIAGNOSIS_CODES } from './codes.js';
import { explainLog } from './explain.js';
import { explanationJson, formatExplanation } from './format.js';

const LOG = [
  'Open On-Chip Debugger 0.12.0',
  'Info : Target voltage: 3.000000',
  'Error: init mode failed (unable to connect to the target)',
  '** Unable to reset target **',
].join('\n');

describe('formatExplanation', () => {
  it('quotes the line that matters, numbers the causes and ends with the command to copy', () => {
    const text = formatExplanation(explainLog(LOG));
    assert.match(text, /^OpenOCD log: failed — the target does not answer over SWD\./);
    assert.match(
      text,
      /The line that matters:\n {2}line 3: Error: init mode failed \(unable to connect to the target\)/,
    );
    assert.match(text, /\n {2}1\. The firmware reconfigures PA13\/PA14 .* \[firmware-disables-swd-pins\]\n/);
    assert.match(text, /\n {2}2\. .*\[firmware-low-power\]/);
    assert.match(text, /Run: {2}swdkit flash --connect under-reset FIRMWARE\.elf/);
    assert.match(text, /Unlikely, from the log itself:\n {2}- The target is unpowered.* Line 2 shows/);
    assert.match(text, /line 4: \*\* Unable to reset target \*\* {2}\(the target could not be reset\)/);
    assert.match(text, /Next, run:\n {2}swdkit doctor\n/);
  });

  it('an unknown log says so and suggests swdkit doctor', () => {
    const text = formatExplanation(explainLog('nothing here\n'));
    assert.match(text, /swdkit does not recognise anything in this log \(1 lines\)/);
    assert.match(text, /Next, run:\n {2}swdkit doctor/);
  });
});

describe('explanationJson', () => {
  it('stable fields, and diagnoses with a code, evidence and a command each', () => {
    const json = explanationJson(explainLog(LOG));
    assert.equal(json.verdict, 'failure');
    assert.equal(json.tool, 'openocd');
    assert.deepEqual(json.line, {
      number: 3,
      text: 'Error: init mode failed (unable to connect to the target)',
    });
    assert.equal(json.matches[0]?.id, 'openocd-init-mode-failed');
    assert.deepEqual(
      json.ruledOut.map((c) => c.code),
      ['no-target-power'],
    );
    assert.ok(json.diagnoses.length >= 4);
    assert.equal(json.diagnoses[0]?.code, 'firmware-disables-swd-pins');
    for (const d of json.diagnoses) {
      assert.ok((DIAGNOSIS_CODES as readonly string[]).includes(d.code), d.code);
      assert.ok(d.command.length > 0);
      assert.equal(d.evidence[0]?.step, 'log');
      assert.equal(d.evidence[0].result, 'line 3: Error: init mode failed (unable to connect to the target)');
    }
    assert.equal(
      new Set(json.diagnoses.map((d) => d.code)).size,
      json.diagnoses.length,
      'one diagnosis per code',
    );
    // It is JSON: it survives a round trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });

  it('a successful run is one healthy diagnosis; an unknown log has none', () => {
    const ok = explanationJson(explainLog('Open On-Chip Debugger 0.12.0\n** Verified OK **\n'));
    assert.deepEqual(
      ok.diagnoses.map((d) => d.code),
      ['healthy'],
    );
    assert.deepEqual(explanationJson(explainLog('?')).diagnoses, []);
  });
});
