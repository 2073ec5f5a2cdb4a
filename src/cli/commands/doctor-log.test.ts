import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { exitStatusFor } from '../exit-status.js';
import type { CommandContext } from '../context.js';
import { BadInputError } from '../../util/errors.js';
import { runDoctorLog } from './doctor-log.js';

const SEED = 'Error: init mode failed (unable to connect to the target)\n** Unable to reset target **\n';

/** A command context whose output is collected; only io is used by runDoctorLog. */
function context(stdin?: NodeJS.ReadableStream & { isTTY?: boolean }): {
  ctx: CommandContext;
  out: () => string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  stderr.resume();
  const ctx = {
    io: { stdout, stderr, ...(stdin === undefined ? {} : { stdin }) },
  } as unknown as CommandContext;
  return { ctx, out: () => text };
}

describe('runDoctorLog', () => {
  it('explains a log file in words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swdkit-log-'));
    try {
      const file = join(dir, 'upload.log');
      writeFileSync(file, SEED);
      const { ctx, out } = context();
      await runDoctorLog(ctx, file, { json: false });
      assert.match(out(), /line 1: Error: init mode failed/);
      assert.match(out(), /Next, run:\n {2}swdkit doctor/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads standard input for -, and prints one JSON document with --json', async () => {
    const { ctx, out } = context(
      Readable.from([Buffer.from(SEED.slice(0, 20)), Buffer.from(SEED.slice(20))]),
    );
    await runDoctorLog(ctx, '-', { json: true });
    const json = JSON.parse(out()) as {
      verdict: string;
      line: { number: number };
      diagnoses: { code: string }[];
    };
    assert.equal(json.verdict, 'failure');
    assert.equal(json.line.number, 1);
    assert.equal(json.diagnoses[0]?.code, 'firmware-disables-swd-pins');
  });

  it('a missing file is bad input (exit 3) that says what to do', async () => {
    const { ctx } = context();
    await assert.rejects(runDoctorLog(ctx, '/nonexistent/upload.log', { json: false }), (error: unknown) => {
      assert.ok(error instanceof BadInputError);
      assert.equal(error.code, 'bad-input.file-missing');
      assert.match(error.message, /log file \/nonexistent\/upload\.log does not exist/);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      assert.equal(exitStatusFor(error.errorClass), 3);
      return true;
    });
  });

  it('a directory is bad input too', async () => {
    const { ctx } = context();
    await assert.rejects(runDoctorLog(ctx, tmpdir(), { json: false }), {
      code: 'bad-input.file-is-directory',
    });
  });
});
