/**
 * `swdkit sim` as a user runs it: a child process that prints a ready line, serves the virtual probe
 * over the stlink-server protocol, and stops cleanly on SIGTERM — saving flash with --state.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { StLink } from '../../src/probe/stlink.js';
import { connectStLinkServer } from '../../src/transport/stlink-server/client.node.js';
import { join as joinPath } from 'node:path';
import { firmwareElf, repoRoot } from '../support/paths.js';

const SWDKIT = joinPath(repoRoot, 'bin/swdkit');
const BLINKY = firmwareElf('blinky');

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ready: { host: string; port: number; probe: { serial: string } };
  readonly exited: Promise<number | null>;
  stderr(): string;
}

async function startSim(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [SWDKIT, '--json', 'sim', '--port', '0', ...args]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      resolve(code);
    }),
  );
  const ready = await new Promise<Running['ready']>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (line.includes('"event":"ready"')) resolve(JSON.parse(line) as Running['ready']);
      }
    });
    void exited.then((code) => {
      reject(new Error(`swdkit sim exited (${code}) before it was ready:\n${stdout}${stderr}`));
    });
  });
  return { child, ready, exited, stderr: () => stderr };
}

describe('swdkit sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swdkit-sim-'));
  const children: ChildProcessWithoutNullStreams[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  test('serves the virtual probe: a TCP client identifies it, enters SWD and reads CPUID', async () => {
    const sim = await startSim(['--firmware', BLINKY]);
    children.push(sim.child);
    assert.equal(sim.ready.host, '127.0.0.1');
    const stlink = await StLink.open(await connectStLinkServer({ port: sim.ready.port }));
    assert.equal(stlink.versionString, 'V2J40M27');
    assert.ok((await stlink.targetVoltage()) > 2.5);
    await stlink.enterSwd();
    assert.equal((await stlink.read32(0xe000ed00)) >>> 0, 0x410fc241);
    await stlink.close();
    sim.child.kill('SIGTERM');
    assert.equal(await sim.exited, 0);
  });

  test('--state keeps flash across runs; the second run boots what the first one had', async () => {
    const state = join(dir, 'board.nvm');
    const first = await startSim(['--firmware', BLINKY, '--state', state]);
    children.push(first.child);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.stderr());
    assert.ok(existsSync(state));

    const second = await startSim(['--state', state]);
    children.push(second.child);
    const stlink = await StLink.open(await connectStLinkServer({ port: second.ready.port }));
    await stlink.enterSwd();
    const vectors = await stlink.readMemory(0x0800_0000, 8);
    assert.notDeepEqual([...vectors], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await stlink.close();
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });

  test('--no-power: the probe measures 0 V and ENTER finds no target (status 0x09)', async () => {
    const sim = await startSim(['--no-power']);
    children.push(sim.child);
    const stlink = await StLink.open(await connectStLinkServer({ port: sim.ready.port }));
    assert.ok((await stlink.targetVoltage()) < 0.1);
    await assert.rejects(stlink.enterSwd(), /0x09/);
    await stlink.close();
    sim.child.kill('SIGTERM');
    assert.equal(await sim.exited, 0);
  });

  test('swdkit list finds the virtual probe through the server it runs', async () => {
    const sim = await startSim([]);
    children.push(sim.child);
    const listed = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [
        SWDKIT,
        '--json',
        'list',
        '--server-port',
        String(sim.ready.port),
      ]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', () => {
        resolve(out);
      });
    });
    const listing = JSON.parse(listed) as { probes: { via: string; serial: string }[] };
    assert.deepEqual(
      listing.probes.filter((p) => p.via === 'server').map((p) => p.serial),
      [sim.ready.probe.serial],
    );
    sim.child.kill('SIGTERM');
    assert.equal(await sim.exited, 0);
  });

  test('bad input: an unreadable firmware, an image too big for flash, a corrupt state file, a bad port — each with its exit status', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [SWDKIT, '--json', 'sim', ...args]);
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('close', (code) => {
          resolve({ code, out });
        });
      });
    const missing = await run(['--firmware', join(dir, 'nope.elf'), '--port', '0']);
    assert.equal(missing.code, 3, 'a missing input file is bad input: the name given is wrong');
    assert.match(missing.out, /bad-input\.file-missing/);
    const corrupt = join(dir, 'corrupt.nvm');
    writeFileSync(corrupt, 'not a state file');
    const bad = await run(['--state', corrupt, '--port', '0']);
    assert.equal(bad.code, 3);
    assert.match(bad.out, /bad-input\.state-/);
    const big = join(dir, 'too-big.bin');
    writeFileSync(big, new Uint8Array(0x10_0000 + 4)); // 4 bytes more than the 1 MiB of flash
    const outside = await run(['--firmware', big, '--port', '0']);
    assert.equal(outside.code, 3);
    assert.match(outside.out, /image-outside-flash/);
    const port = await run(['--port', '70000']);
    assert.equal(port.code, 2);
    assert.match(port.out, /not a TCP port/);
  });
});
