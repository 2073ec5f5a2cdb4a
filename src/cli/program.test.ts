import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { EXIT_STATUS } from './exit-status.js';
import { run } from './program.js';
import { packageVersion } from './version.js';

async function cli(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.out.push(c));
  stderr.on('data', (c: Buffer) => chunks.err.push(c));
  const status = await run(argv, { stdout, stderr });
  return {
    status,
    stdout: Buffer.concat(chunks.out).toString(),
    stderr: Buffer.concat(chunks.err).toString(),
  };
}

describe('swdkit CLI', () => {
  it('prints the package version', async () => {
    const r = await cli('--version');
    assert.equal(r.status, EXIT_STATUS.ok);
    assert.equal(r.stdout.trim(), packageVersion());
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  it('prints help listing the global options', async () => {
    const r = await cli('--help');
    assert.equal(r.status, EXIT_STATUS.ok);
    for (const flag of ['--json', '--verbose', '--version', '--help'])
      assert.ok(r.stdout.includes(flag), flag);
  });

  it('rejects an unknown option with the usage exit status and a hint', async () => {
    const r = await cli('--bogus');
    assert.equal(r.status, EXIT_STATUS.usage);
    assert.match(r.stderr, /unknown option '--bogus'/);
    assert.match(r.stderr, /swdkit --help/);
    assert.equal(r.stdout, '');
  });

  it('names an unknown command as such', async () => {
    const r = await cli('frobnicate');
    assert.equal(r.status, EXIT_STATUS.usage);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  it('reports errors as one JSON document on stdout with --json', async () => {
    const r = await cli('--json', '--bogus');
    assert.equal(r.status, EXIT_STATUS.usage);
    assert.equal(r.stderr, '');
    const body = JSON.parse(r.stdout) as {
      error: { code: string; class: string; message: string; hint: string };
    };
    assert.equal(body.error.code, 'usage.unknown-option');
    assert.equal(body.error.class, 'usage');
    assert.match(body.error.hint, /--help/);
  });

  it('gives every failure class its own exit status', () => {
    const statuses = Object.values(EXIT_STATUS);
    assert.equal(new Set(statuses).size, statuses.length);
  });
});
