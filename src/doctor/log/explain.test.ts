import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainLog } from './explain.js';
import { MAX_LINE_CHARS } from './log-text.js';

const SEED = [
  'Error: init mode failed (unable to connect to the target)',
  'Error: timed out while waiting for target halted',
  "in procedure 'program'",
  '** Unable to reset target **',
].join('\n');

describe('explainLog', () => {
  it("the seed's messages: init mode failed is the line that matters, not the later reset failure", () => {
    const e = explainLog(SEED);
    assert.equal(e.verdict, 'failure');
    assert.equal(e.tool?.id, 'openocd');
    assert.equal(e.key?.id, 'openocd-init-mode-failed');
    assert.deepEqual(e.keyLine, { number: 1, text: SEED.split('\n')[0] });
    assert.equal(e.causes[0]?.code, 'firmware-disables-swd-pins');
    assert.deepEqual(
      e.matches.map((m) => m.id),
      ['openocd-init-mode-failed', 'openocd-timed-out-halt', 'openocd-unable-to-reset'],
    );
    assert.equal(e.next.command, 'swdkit doctor');
  });

  it('a voltage line makes a cause unlikely, and says which line did', () => {
    const e = explainLog(`Info : Target voltage: 3.245312\n${SEED}`);
    assert.equal(e.keyLine?.number, 2);
    const power = e.ruledOut.find((c) => c.code === 'no-target-power');
    assert.equal(power?.ruledOut.line.number, 1);
    assert.ok(!e.causes.some((c) => c.code === 'no-target-power'));
  });

  it('a 0 V target outranks the init failure it causes', () => {
    const e = explainLog(
      `Info : Target voltage: 0.000000\nError: target voltage may be too low for reliable debugging\n${SEED}`,
    );
    assert.equal(e.key?.id, 'openocd-target-voltage-low');
    assert.equal(e.keyLine?.number, 1);
    assert.equal(e.causes[0]?.code, 'no-target-power');
  });

  it('text it does not know: says so, suggests swdkit doctor, invents nothing', () => {
    const e = explainLog('hello\nthe board is blue\n');
    assert.equal(e.verdict, 'unknown');
    assert.equal(e.tool, undefined);
    assert.equal(e.keyLine, undefined);
    assert.deepEqual(e.causes, []);
    assert.equal(e.next.command, 'swdkit doctor');
    assert.equal(e.lineCount, 2);
  });

  it('an error line of a known tool that no entry knows: unexplained, that line quoted', () => {
    const e = explainLog(
      'Open On-Chip Debugger 0.12.0\nInfo : clock speed 2000 kHz\nError: the flux capacitor is empty\n',
    );
    assert.equal(e.verdict, 'unexplained');
    assert.equal(e.tool?.id, 'openocd');
    assert.deepEqual(e.keyLine, { number: 3, text: 'Error: the flux capacitor is empty' });
    assert.equal(e.unexplainedCount, 1);
    assert.deepEqual(e.causes, []);
  });

  it('empty input, and input of blank lines only', () => {
    for (const text of ['', '\n\n  \n']) {
      const e = explainLog(text);
      assert.equal(e.verdict, 'empty');
      assert.deepEqual(e.matches, []);
      assert.equal(e.next.command, 'swdkit doctor');
    }
  });

  it('CRLF line ends are not part of the quoted line', () => {
    const e = explainLog(SEED.replaceAll('\n', '\r\n'));
    assert.equal(e.keyLine?.text, 'Error: init mode failed (unable to connect to the target)');
  });

  it('a 10 MB log with pathological lines is explained in well under a few seconds', () => {
    // Lines made to hurt backtracking patterns: every signature's substring, repeated without the
    // rest of the message, one 1 MB line with no newline, and the real message near the end.
    const noise = [
      `Info : Target voltage: ${'9'.repeat(200)}`,
      `xPSR: ${'0'.repeat(300)} pc`,
      `Polling target ${'x'.repeat(500)}`,
      `Error: ${'init mode failed ('.repeat(40)}`,
      `STLINK V2J${'1'.repeat(100)}`,
      'Info : [stm32f4x.cpu] halted due to' + ' '.repeat(100),
    ].join('\n');
    const parts: string[] = [];
    let size = 0;
    while (size < 9 * 1024 * 1024) {
      parts.push(noise);
      size += noise.length + 1;
    }
    parts.push('x'.repeat(1024 * 1024));
    parts.push(SEED);
    const text = parts.join('\n');
    assert.ok(text.length > 10 * 1024 * 1024);
    const start = performance.now();
    const e = explainLog(text);
    const ms = performance.now() - start;
    assert.equal(e.key?.id, 'openocd-init-mode-failed');
    // The seed's first line, with its three others after it.
    assert.equal(e.keyLine?.number, e.lineCount - 3);
    assert.equal(e.keyLine.text, SEED.split('\n')[0]);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  });

  it('a line longer than MAX_LINE_CHARS is judged on its start', () => {
    const long = `Error: init mode failed (unable to connect to the target)${' '.repeat(MAX_LINE_CHARS * 3)}`;
    const e = explainLog(long);
    assert.equal(e.key?.id, 'openocd-init-mode-failed');
    assert.equal(e.keyLine?.text.length, MAX_LINE_CHARS);
  });
});
