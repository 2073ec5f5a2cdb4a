/**
 * `swdkit gdbserver --probe sim` as a user runs it: a child process whose ready line says how to
 * connect gdb, serving the remote protocol (here spoken by test/support's client) to two connections
 * at once, and Ctrl-C closing it cleanly with the target let go.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { SWDKIT } from '../support/cli.js';
import { GdbRemoteClient } from '../support/gdb-remote-client.js';
import { readElf } from '../support/elf.js';
import { firmwareElf, repoRoot } from '../support/paths.js';

test(
  'swdkit gdbserver --probe sim: the ready line, two gdb connections, a breakpoint, Ctrl-C',
  { timeout: 60_000 },
  async () => {
    const child = spawn(
      process.execPath,
      [SWDKIT, 'gdbserver', '--probe', `sim:firmware=${firmwareElf('blinky')}`, '--port', '0', '-v'],
      { cwd: repoRoot },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const found = /gdb on 127\.0\.0\.1:(\d+)/.exec(stdout);
        if (found !== null) resolve(Number(found[1]));
      });
      void exited.then((code) => {
        reject(new Error(`gdbserver exited (${code}) before it was ready:\n${stdout}${stderr}`));
      });
    });
    assert.match(stdout, /swdkit gdbserver: STM32F405\/407\/415\/417 through virtual ST-LINK\/V2-1/);
    assert.match(
      stdout,
      new RegExp(`gdb-multiarch FIRMWARE\\.elf -ex "target extended-remote 127\\.0\\.0\\.1:${port}"`),
    );

    const main = readElf(firmwareElf('blinky')).requireSymbol('main').address & ~1;
    const first = await GdbRemoteClient.connect('127.0.0.1', port);
    const second = await GdbRemoteClient.connect('127.0.0.1', port);
    try {
      assert.equal((await first.haltReason()).code, 5);
      await first.monitor('reset halt');
      await first.insertBreakpoint(main);
      const stop = await first.continue(20_000);
      assert.equal(stop.info.has('swbreak'), true, stop.raw);
      // The second connection reads memory too (as Cortex-Debug's live watch does).
      const vectors = await second.readMemory(0x0800_0000, 8);
      assert.equal(vectors.length, 8);
      assert.equal(new DataView(vectors.buffer, vectors.byteOffset).getUint32(0, true), 0x2002_0000);
    } finally {
      first.close();
      second.close();
    }
    child.kill('SIGINT');
    assert.equal(await exited, 0, `${stdout}\n${stderr}`);
    assert.match(stderr, /gdb 127\.0\.0\.1:\d+ connected \(2 connected\)/);
  },
);
