/**
 * The committed logs of test/fixtures/logs/ — real OpenOCD 0.12 output captured against the virtual
 * board's fault firmware by capture.ts, and hand-written samples for the tools not installed here —
 * still get the right explanation: the tool, the entry, the line that matters and the first cause.
 * Re-capturing is capture.ts's job; this only reads what is committed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fixturePath } from '../../../test/support/paths.js';
import { explainLog, type LogVerdict } from './explain.js';
import type { DiagnosisCode, ToolId } from './codes.js';

interface Expected {
  readonly verdict: LogVerdict;
  readonly tool: ToolId;
  readonly entry: string;
  /** In the log's body, after the `# ---` header. */
  readonly line: number;
  readonly firstCause?: DiagnosisCode;
  /** Causes the log itself rules out. */
  readonly ruledOut?: readonly DiagnosisCode[];
}

const INIT_FAILED = {
  verdict: 'failure',
  tool: 'openocd',
  entry: 'openocd-init-mode-failed',
  line: 12,
  firstCause: 'firmware-disables-swd-pins',
  ruledOut: ['no-target-power'],
} as const;
const LOST = {
  verdict: 'failure',
  tool: 'openocd',
  entry: 'openocd-lost-target',
  line: 22,
  firstCause: 'firmware-low-power',
} as const;
const VERIFIED = { verdict: 'success', tool: 'openocd', entry: 'openocd-verified' } as const;
const HALTED = { verdict: 'success', tool: 'openocd', entry: 'openocd-halted', line: 18 } as const;

const EXPECTED: Readonly<Record<string, Expected>> = {
  'openocd-blinky-program-ok': { ...VERIFIED, line: 27 },
  'openocd-swd-off-program': INIT_FAILED,
  'openocd-swd-off-reset-halt': INIT_FAILED,
  'openocd-swd-off-dap-program': { ...INIT_FAILED, line: 10 },
  'openocd-swd-off-under-reset-ok': { ...VERIFIED, line: 30 },
  'openocd-standby-program': INIT_FAILED,
  'openocd-stop-program': INIT_FAILED,
  'openocd-stop-reset-halt': INIT_FAILED,
  'openocd-watchdog-program': { ...VERIFIED, line: 27 },
  'openocd-watchdog-reset-halt': HALTED,
  'openocd-rdp1-program': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-device-protected',
    line: 25,
    firstCause: 'read-protected',
  },
  'openocd-rdp1-reset-halt': {
    verdict: 'hint',
    tool: 'openocd',
    entry: 'openocd-vectors-erased',
    line: 19,
    firstCause: 'flash-empty',
  },
  'openocd-hardfault-program': { ...VERIFIED, line: 27 },
  'openocd-hardfault-reset-halt': HALTED,
  'openocd-lockup-program': { ...VERIFIED, line: 27 },
  'openocd-lockup-reset-halt': {
    verdict: 'hint',
    tool: 'openocd',
    entry: 'openocd-thumb-bit-clear',
    line: 19,
    firstCause: 'core-lockup',
  },
  'openocd-erased-reset-halt': {
    verdict: 'hint',
    tool: 'openocd',
    entry: 'openocd-vectors-erased',
    line: 19,
    firstCause: 'flash-empty',
  },
  'openocd-no-power-program': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-target-voltage-low',
    line: 11,
    firstCause: 'no-target-power',
  },
  'openocd-no-server': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-stlink-server-refused',
    line: 8,
    firstCause: 'no-probe',
  },
  'openocd-write-protected-program': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-device-protected',
    line: 25,
    firstCause: 'write-protected',
  },
  'openocd-cut-link-program': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-tcp-error',
    line: 20,
    firstCause: 'no-probe',
  },
  'openocd-cut-power-program': LOST,
  'openocd-wrong-target-cfg': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-wrong-target-config',
    line: 12,
  },
  'openocd-standby-lost-while-running': LOST,
  'openocd-swd-off-lost-while-running': LOST,
  'openocd-second-instance-program': { ...VERIFIED, line: 29 },
  'hand-written-platformio-seed': {
    verdict: 'failure',
    tool: 'platformio',
    entry: 'openocd-init-mode-failed',
    line: 28,
    firstCause: 'firmware-disables-swd-pins',
  },
  'hand-written-openocd-busy': {
    verdict: 'failure',
    tool: 'openocd',
    entry: 'openocd-libusb-busy',
    line: 8,
    firstCause: 'probe-busy',
  },
  'hand-written-st-flash': {
    verdict: 'failure',
    tool: 'st-flash',
    entry: 'st-flash-unknown-chip-id',
    line: 3,
    firstCause: 'firmware-disables-swd-pins',
  },
  'hand-written-stm32cubeprogrammer': {
    verdict: 'failure',
    tool: 'stm32cubeprogrammer',
    entry: 'cubeprogrammer-no-core-id',
    line: 9,
    firstCause: 'firmware-disables-swd-pins',
    ruledOut: ['no-target-power'],
  },
  'hand-written-pyocd': {
    verdict: 'failure',
    tool: 'pyocd',
    entry: 'pyocd-dp-error',
    line: 2,
    firstCause: 'firmware-disables-swd-pins',
  },
  'hand-written-probe-rs': {
    verdict: 'failure',
    tool: 'probe-rs',
    entry: 'probe-rs-dp-wait',
    line: 2,
    firstCause: 'firmware-low-power',
  },
};

const HEADER_END = '# ---\n';

/** A fixture's header (how it was made) and its body (the log itself). */
function readFixture(name: string): { header: string; body: string } {
  const text = readFileSync(fixturePath(`logs/${name}.log`), 'utf8');
  const end = text.indexOf(HEADER_END);
  assert.ok(end !== -1, `${name}.log has no "# ---" header end`);
  return { header: text.slice(0, end), body: text.slice(end + HEADER_END.length) };
}

describe('the committed log fixtures', () => {
  it('every fixture has an expectation here, and every expectation a fixture', () => {
    const files = readdirSync(fixturePath('logs'))
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.slice(0, -'.log'.length))
      .sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  it('each says in its header whether it was captured from the real tool or written by hand', () => {
    for (const name of Object.keys(EXPECTED)) {
      const { header } = readFixture(name);
      if (name.startsWith('hand-written-')) assert.match(header, /HAND-WRITTEN/, name);
      else
        assert.match(
          header,
          /REAL output, captured by test\/fixtures\/logs\/capture\.ts[^]*# tool: Open On-Chip Debugger 0\.12/,
          name,
        );
    }
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.entry} at line ${expected.line}${expected.firstCause === undefined ? '' : `, ${expected.firstCause} first`}`, () => {
      const e = explainLog(readFixture(name).body);
      const summary = JSON.stringify({
        verdict: e.verdict,
        key: e.key?.id,
        line: e.keyLine,
        causes: e.causes.map((c) => c.code),
      });
      assert.equal(e.verdict, expected.verdict, summary);
      assert.equal(e.tool?.id, expected.tool, summary);
      assert.equal(e.key?.id, expected.entry, summary);
      assert.equal(e.keyLine?.number, expected.line, summary);
      if (expected.firstCause !== undefined) assert.equal(e.causes[0]?.code, expected.firstCause, summary);
      for (const code of expected.ruledOut ?? [])
        assert.ok(
          e.ruledOut.some((c) => c.code === code),
          `${code} ruled out: ${summary}`,
        );
    });
  }
});
