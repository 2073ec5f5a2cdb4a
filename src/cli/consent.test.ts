import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { SwdkitError } from '../util/errors.js';
import { consentFrom } from './consent.js';

function tty(answer: string): PassThrough & { isTTY: boolean } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(answer);
  return stdin;
}

const UID = '0123456789abcdef01234567';

test('without a TTY nothing is asked: --yes decides', async () => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough() };
  assert.equal(consentFrom({ yes: false }, io).ask, undefined);
  assert.equal(consentFrom({ yes: true }, io).yes, true);
  assert.equal(await consentFrom({ yes: true }, io).permanentConfirmation?.(UID), false);
});

test('on a TTY the question is asked on stderr; only y/yes agrees', async () => {
  for (const [answer, agreed] of [
    ['y\n', true],
    ['YES\n', true],
    ['n\n', false],
    ['\n', false],
  ] as const) {
    const stderr = new PassThrough();
    let asked = '';
    stderr.on('data', (c: Buffer) => (asked += c.toString()));
    const consent = consentFrom({ yes: false }, { stdout: new PassThrough(), stderr, stdin: tty(answer) });
    assert.equal(await consent.ask?.('Erase all flash?'), agreed, answer);
    assert.match(asked, /Erase all flash\? \[y\/N\]/);
  }
});

test('RDP level 2: the unique ID given with --permanent must be this chip’s', async () => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough() };
  assert.equal(
    await consentFrom({ yes: true, permanentUid: UID.toUpperCase() }, io).permanentConfirmation?.(UID),
    true,
  );
  await assert.rejects(
    consentFrom({ yes: true, permanentUid: 'ffffffffffffffffffffffff' }, io).permanentConfirmation!(UID),
    (e: unknown) => e instanceof SwdkitError && e.code === 'consent.unique-id-mismatch',
  );
});

test('RDP level 2 on a TTY: the unique ID is typed', async () => {
  const io = (answer: string) => ({
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: tty(answer),
  });
  assert.equal(await consentFrom({ yes: true }, io(`${UID}\n`)).permanentConfirmation?.(UID), true);
  assert.equal(await consentFrom({ yes: true }, io('yes\n')).permanentConfirmation?.(UID), false);
});
