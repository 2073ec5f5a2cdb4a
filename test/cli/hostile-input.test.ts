/**
 * Issue 11 as a user meets it, in child processes: firmware "files" that are not files or are far
 * too large, Ctrl-C while the probe is busy with a slow command, an unwritable --stats, --listen
 * beyond loopback with and without --allow.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { StLink } from '../../src/probe/stlink.js';
import { connectStLinkServer } from '../../src/transport/stlink-server/client.node.js';
import { encodeRequest, usbCommandRequest } from '../../src/transport/stlink-server/wire.js';
import { firmwareElf, repoRoot } from '../support/paths.js';

const SWDKIT = join(repoRoot, 'bin/swdkit');
const BLINKY = firmwareElf('blinky');

interface Child {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the ready event's port once the server is listening. */
  readonly ready: Promise<number>;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [SWDKIT, '--json', ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      resolve(code);
    }),
  );
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (line.includes('"event":"ready"')) resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then((code) => {
      reject(new Error(`swdkit exited (${code}) before it was ready:\n${stdout}${stderr}`));
    });
  });
  ready.catch(() => undefined);
  return { child, exited, ready, stdout: () => stdout, stderr: () => stderr };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('hostile input to swdkit (issue 11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swdkit-hostile-'));
  const children: ChildProcessWithoutNullStreams[] = [];
  const run = (args: string[]): Child => {
    const c = start(args);
    children.push(c.child);
    return c;
  };
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  test('--firmware that is not a regular file, or far too large, is bad input (exit 3) before it is read', async () => {
    const fifo = join(dir, 'firmware.fifo');
    execFileSync('mkfifo', [fifo]); // a stream that never ends, like /dev/zero, and one open() would wait on
    const huge = join(dir, 'huge.elf');
    writeFileSync(huge, '');
    truncateSync(huge, 64 * 1024 * 1024); // sparse
    const cases: [string, RegExp][] = [
      ['/dev/zero', /bad-input\.file-not-regular/],
      [fifo, /bad-input\.file-not-regular/],
      [dir, /bad-input\.file-is-directory/],
      [join(dir, 'missing.elf'), /bad-input\.file-missing/],
      [huge, /bad-input\.file-too-large/],
    ];
    for (const [firmware, code] of cases) {
      const started = Date.now();
      const c = run(['sim', '--port', '0', '--firmware', firmware]);
      assert.equal(await c.exited, 3, `${firmware}: ${c.stdout()}${c.stderr()}`);
      assert.match(c.stdout(), code);
      assert.ok(Date.now() - started < 10_000, `${firmware} took ${Date.now() - started} ms`);
    }
  });

  test('SIGINT stops swdkit sim promptly while the probe is busy with commands modelled to take minutes', async () => {
    const sim = run(['sim', '--port', '0', '--firmware', BLINKY]);
    const port = await sim.ready;
    const stlink = await StLink.open(await connectStLinkServer({ port }));
    await stlink.enterSwd();
    await stlink.close();
    // A raw client: the slowest clock V2 has (divisor 798, 5 kHz), then ten 6 KiB reads pipelined:
    // each is ~15 s of modelled wire time.
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(encodeRequest({ command: 'OPEN_DEV', deviceId: 1 }));
    const connectId = await new Promise<number>((resolve) => {
      socket.once('data', (b: Buffer) => {
        resolve(b.readUInt32LE(4));
      });
    });
    const block = (...head: number[]): Uint8Array => {
      const b = new Uint8Array(16);
      b.set(head);
      return b;
    };
    socket.write(encodeRequest(usbCommandRequest(connectId, block(0xf2, 0x30, 0xa3), 1, 2)));
    socket.write(encodeRequest(usbCommandRequest(connectId, block(0xf2, 0x43, 0x1e, 0x03), 1, 2)));
    const read6k = block(0xf2, 0x07, 0x00, 0x00, 0x00, 0x20, 0x00, 0x18);
    for (let i = 0; i < 10; i++) socket.write(encodeRequest(usbCommandRequest(connectId, read6k, 1, 6144)));
    await sleep(500);
    const signalled = Date.now();
    sim.child.kill('SIGINT');
    assert.equal(await sim.exited, 0, sim.stderr());
    const ms = Date.now() - signalled;
    assert.ok(ms < 2500, `exited ${ms} ms after SIGINT`);
    socket.destroy();
  });

  test('--stats to an unwritable path: a clear error and exit 4 at start', async () => {
    const c = run(['sim', '--port', '0', '--stats', join(dir, 'no-such-dir', 'stats.jsonl')]);
    assert.equal(await c.exited, 4);
    assert.match(c.stdout(), /unavailable\.stats-unwritable/);
    assert.match(c.stdout(), /no-such-dir/);
  });

  test('--stats that fails later: reported once on stderr; the session and the exit status are kept', async () => {
    const stats = join(dir, 'later.jsonl');
    const sim = run(['sim', '--port', '0', '--stats', stats]);
    const port = await sim.ready;
    rmSync(stats);
    mkdirSync(stats); // appending to a directory fails, even for root
    for (let i = 0; i < 2; i++) {
      const stlink = await StLink.open(await connectStLinkServer({ port }));
      assert.equal(stlink.versionString, 'V2J40M27');
      await stlink.close();
    }
    await sleep(200);
    sim.child.kill('SIGINT');
    assert.equal(await sim.exited, 0, sim.stderr());
    const warnings = sim
      .stderr()
      .split('\n')
      .filter((line) => line.includes('stats file'));
    assert.equal(warnings.length, 1, sim.stderr());
    assert.match(warnings[0]!, /^swdkit: warning: Writing the stats file .* failed/);
  });

  test('--listen 0.0.0.0 warns plainly; --allow refuses other clients at accept and logs them', async () => {
    const open = run(['sim', '--port', '0', '--listen', '0.0.0.0']);
    await open.ready;
    assert.match(open.stderr(), /warning: listening on 0\.0\.0\.0.*anyone who can reach port \d+/);
    assert.match(open.stderr(), /reset, halt, read, erase and reprogram the board/);
    assert.match(open.stderr(), /ssh -L \d+:127\.0\.0\.1:\d+/);
    open.child.kill('SIGTERM');
    assert.equal(await open.exited, 0);

    const guarded = run([
      'sim',
      '--port',
      '0',
      '--listen',
      '0.0.0.0',
      '--allow',
      '10.9.9.0/24',
      '--allow',
      'fd00::/8',
    ]);
    const port = await guarded.ready;
    assert.match(guarded.stderr(), /Only clients in 10\.9\.9\.0\/24, fd00::\/8 are accepted/);
    const refused = await new Promise<{ bytes: number }>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      let bytes = 0;
      socket.on('data', (b: Buffer) => (bytes += b.length));
      socket.on('error', () => undefined);
      socket.on('connect', () =>
        socket.write(encodeRequest({ command: 'GET_SERVER_VERSION', clientApi: 3 })),
      );
      socket.on('close', () => {
        resolve({ bytes });
      });
    });
    assert.equal(refused.bytes, 0);
    await sleep(100);
    assert.match(guarded.stderr(), /refused a connection from 127\.0\.0\.1:\d+: not in --allow/);
    guarded.child.kill('SIGTERM');
    assert.equal(await guarded.exited, 0);

    const allowed = run(['sim', '--port', '0', '--listen', '0.0.0.0', '--allow', '127.0.0.1,::1']);
    const allowedPort = await allowed.ready;
    const stlink = await StLink.open(await connectStLinkServer({ port: allowedPort }));
    assert.equal(stlink.versionString, 'V2J40M27');
    await stlink.close();
    allowed.child.kill('SIGTERM');
    assert.equal(await allowed.exited, 0);

    const bad = run(['sim', '--port', '0', '--allow', 'example.com']);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stdout(), /not an IP address or CIDR range/);
  });

  test('loopback (the default) prints no warning', async () => {
    const sim = run(['sim', '--port', '0']);
    await sim.ready;
    assert.doesNotMatch(sim.stderr(), /warning/);
    sim.child.kill('SIGTERM');
    assert.equal(await sim.exited, 0);
  });
});
