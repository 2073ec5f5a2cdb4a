import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { cliProgressReporter } from './progress.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

test('without a TTY each phase is two plain lines on stderr: what, then how long and how fast', () => {
  const err = capture();
  const out = capture();
  let t = 0;
  const progress = cliProgressReporter(
    { stderr: err.stream, stdout: out.stream },
    { json: false, now: () => t },
  );
  progress.start('program', 64 * 1024, '4 sectors');
  progress.update('program', 32 * 1024);
  t = 500;
  progress.update('program', 64 * 1024);
  progress.end('program');
  assert.equal(err.text(), 'program: 64 KiB (4 sectors)\nprogram: done in 0.50 s, 128 KiB/s\n');
  assert.equal(out.text(), '');
});

test('a phase that ends early says where it stopped', () => {
  const err = capture();
  let t = 0;
  const progress = cliProgressReporter(
    { stderr: err.stream, stdout: capture().stream },
    { json: false, now: () => t },
  );
  progress.start('verify', 100 * 1024);
  progress.update('verify', 40 * 1024);
  t = 1000;
  progress.end('verify');
  assert.match(err.text(), /verify: done in 1\.00 s, 40 KiB\/s \(stopped at 40 of 100 KiB\)/);
});

test('with --json progress is JSON Lines on stdout, updates throttled to one per 100 ms', () => {
  const out = capture();
  let t = 0;
  const progress = cliProgressReporter(
    { stderr: capture().stream, stdout: out.stream },
    { json: true, now: () => t },
  );
  progress.start('erase', 1000);
  progress.update('erase', 10);
  t = 150;
  progress.update('erase', 500);
  t = 160;
  progress.update('erase', 600);
  progress.end('erase');
  const events = out
    .text()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(events, [
    { event: 'progress', phase: 'erase', state: 'start', total: 1000 },
    { event: 'progress', phase: 'erase', state: 'update', done: 500, total: 1000 },
    { event: 'progress', phase: 'erase', state: 'end', done: 600, total: 1000 },
  ]);
});

test('on a TTY a bar shows the phase, the bytes, the rate and the ETA', () => {
  const err = capture();
  const tty = Object.assign(err.stream, { isTTY: true, columns: 120 });
  let t = 0;
  const progress = cliProgressReporter(
    { stderr: tty, stdout: capture().stream },
    { json: false, now: () => t },
  );
  progress.start('program', 256 * 1024);
  t = 1000;
  progress.update('program', 128 * 1024);
  progress.end('program');
  assert.match(err.text(), /program +\|.*\| +\d+% 128\/256 KiB 128 KiB\/s ETA/);
});
