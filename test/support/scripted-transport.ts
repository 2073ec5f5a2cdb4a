import assert from 'node:assert/strict';
import { fromHex, hexBytes } from '../../src/util/bytes.js';
import type { DataPhase, ProbeIdentity, StLinkTransport } from '../../src/protocol/link.js';

/**
 * A StLinkTransport that plays a script: each step names the exact 16-byte block and data phase the
 * driver must send next and the bytes the probe answers. For unit tests of probe/ (and cross-layer
 * tests that want to pin exact bytes); a mismatch fails with both sides in hex.
 */
export interface ScriptStep {
  readonly command: Uint8Array;
  readonly phase:
    | { readonly kind: 'none' }
    | { readonly kind: 'write'; readonly data: Uint8Array }
    | { readonly kind: 'read'; readonly reply: Uint8Array };
  /** Reject the exchange with this error instead of answering. */
  readonly error?: Error;
}

type Bytes = string | Uint8Array;
const bytes = (b: Bytes): Uint8Array => (typeof b === 'string' ? fromHex(b) : b);
const block = (b: Bytes): Uint8Array => {
  const head = bytes(b);
  const out = new Uint8Array(16);
  out.set(head);
  return out;
};

/** A command with no data phase (`f2 21`). */
export const noData = (command: Bytes): ScriptStep => ({ command: block(command), phase: { kind: 'none' } });
/** A command whose read phase the probe answers with `reply` (its length is the read length). */
export const reads = (command: Bytes, reply: Bytes): ScriptStep => ({
  command: block(command),
  phase: { kind: 'read', reply: bytes(reply) },
});
/** A command followed by a write phase of exactly `data`. */
export const writes = (command: Bytes, data: Bytes): ScriptStep => ({
  command: block(command),
  phase: { kind: 'write', data: bytes(data) },
});
/** A command the transport fails (unplugged, timeout). */
export const fails = (step: ScriptStep, error: Error): ScriptStep => ({ ...step, error });

export const SCRIPT_IDENTITY: ProbeIdentity = {
  vid: 0x0483,
  pid: 0x374b,
  serial: 'SCRIPTED',
  location: 'script',
};

export class ScriptedTransport implements StLinkTransport {
  private index = 0;
  closed = false;
  /** Every block sent, in hex, for assertions on counts. */
  readonly sent: string[] = [];

  constructor(
    private readonly script: ScriptStep[],
    readonly identity: ProbeIdentity = SCRIPT_IDENTITY,
  ) {}

  /** Appends steps (a test can script in stages). */
  expect(...steps: ScriptStep[]): void {
    this.script.push(...steps);
  }

  exchange(command: Uint8Array, phase: DataPhase): Promise<Uint8Array> {
    this.sent.push(hexBytes(command));
    const step = this.script[this.index];
    const position = `step ${this.index + 1}`;
    this.index++;
    assert.ok(step !== undefined, `${position}: unexpected extra command ${hexBytes(command)}`);
    assert.equal(hexBytes(command), hexBytes(step.command), `${position}: command block`);
    if (step.phase.kind === 'read') {
      assert.deepEqual(phase, { kind: 'read', length: step.phase.reply.length }, `${position}: data phase`);
    } else if (step.phase.kind === 'write') {
      assert.equal(phase.kind, 'write', `${position}: data phase`);
      assert.equal(hexBytes(phase.data), hexBytes(step.phase.data), `${position}: write data`);
    } else {
      assert.deepEqual(phase, { kind: 'none' }, `${position}: data phase`);
    }
    if (step.error !== undefined) return Promise.reject(step.error);
    return Promise.resolve(step.phase.kind === 'read' ? step.phase.reply.slice() : new Uint8Array(0));
  }

  readTrace(): Promise<Uint8Array> {
    return Promise.reject(new Error('no trace in a script'));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Asserts the whole script was played. */
  done(): void {
    assert.equal(
      this.index,
      this.script.length,
      `${this.script.length - this.index} scripted commands were never sent`,
    );
  }
}
