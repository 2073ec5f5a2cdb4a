/**
 * Unmodified OpenOCD 0.12 checks what swdkit did to the virtual Discovery (issue 12, Proof): after
 * `swdkit flash` through the same stlink-server, OpenOCD's `dump_image` of the flashed range is
 * byte-identical to the image, and OpenOCD's `flash info` shows swdkit's option-byte changes (a
 * write-protected sector, read protection). swdkit runs as a child process, as a user runs it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { describeRun, requireOpenOcd, runOpenOcd } from '../support/openocd.js';
import { repoRoot } from '../support/paths.js';
import { virtualBoardFor } from '../support/virtual-board-server.js';

const swdkit = join(repoRoot, 'bin/swdkit');

function swdkitRun(args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [swdkit, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
        out: `${stdout}${stderr}`,
      });
    });
  });
}

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'swdkit-peer-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function image(length: number, seed: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    return x >>> 24;
  });
}

describe('OpenOCD 0.12 reads back what swdkit wrote', { timeout: 240_000 }, () => {
  it('dump_image of the range swdkit flashed is byte-identical to the image', async (t) => {
    const openocd = requireOpenOcd(t);
    if (openocd === undefined) return;
    const dir = scratch(t);
    const data = image(150 * 1024 + 37, 5);
    const bin = join(dir, 'image.bin');
    writeFileSync(bin, data);
    const sim = await virtualBoardFor(t);
    const flashed = await swdkitRun(['flash', bin, '--probe', `tcp://127.0.0.1:${sim.port}`, '--no-reset']);
    assert.equal(flashed.code, 0, flashed.out);
    const dump = join(dir, 'dump.bin');
    const result = await runOpenOcd(openocd, {
      serverPort: sim.port,
      commands: ['init', 'reset halt', `dump_image ${dump} 0x08000000 ${data.length}`, 'exit'],
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, describeRun(result));
    assert.deepEqual(new Uint8Array(readFileSync(dump)), data);
  });

  it("OpenOCD's flash info shows the sector swdkit write-protected, and read protection", async (t) => {
    const openocd = requireOpenOcd(t);
    if (openocd === undefined) return;
    const sim = await virtualBoardFor(t);
    const probe = ['--probe', `tcp://127.0.0.1:${sim.port}`, '--yes'];
    const wrp = await swdkitRun(['options', '--protect-sectors', '5', ...probe]);
    assert.equal(wrp.code, 0, wrp.out);
    const reset = await swdkitRun(['reset', '--halt', ...probe]);
    assert.equal(reset.code, 0, reset.out);
    const info = await runOpenOcd(openocd, {
      serverPort: sim.port,
      commands: ['init', 'reset halt', 'echo [flash info 0]', 'exit'],
      timeoutMs: 60_000,
    });
    assert.equal(info.code, 0, describeRun(info));
    // OpenOCD lists each sector as "#  5: 0x00020000 (0x20000 128kB) protected" when its nWRP bit is 0.
    assert.match(info.output, /#\s*5: 0x00020000 \(0x20000 128kB\) protected/, describeRun(info));
    assert.doesNotMatch(info.output, /#\s*4: 0x00010000 \(0x10000 64kB\) protected/);

    const locked = await swdkitRun(['protect', ...probe]);
    assert.equal(locked.code, 0, locked.out);
    await swdkitRun(['reset', ...probe]);
    const after = await runOpenOcd(openocd, {
      serverPort: sim.port,
      commands: ['init', 'reset halt', 'echo [flash info 0]', 'exit'],
      timeoutMs: 60_000,
    });
    assert.match(after.output, /Device Security Bit Set/, describeRun(after));
  });
});
