/**
 * The handful of things only a real process shows: `npm start` (the main job) as the script runs it,
 * flashing over `swdkit sim` in another process on the firmware that turns SWD off, exit statuses
 * as a shell sees them, and Ctrl-C in the middle of a flash.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SWDKIT, jsonLines, lastJson, spawnCli } from '../support/cli.js';
import { firmwareElf, repoRoot } from '../support/paths.js';

const BLINKY = 'firmware/bin/blinky.elf';
const dir = mkdtempSync(join(tmpdir(), 'swdkit-process-'));

/** `swdkit sim` in its own process, on a free port; resolves once it is serving. */
async function startSim(args: string[]): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [SWDKIT, '--json', 'sim', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const ready = jsonLines(out).find((l) => l['event'] === 'ready');
      if (ready !== undefined) resolve(ready['port'] as number);
    });
    child.on('close', (code) => {
      reject(new Error(`swdkit sim exited (${code}) before it was ready: ${out}`));
    });
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.on('close', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

describe('swdkit as a process', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops) await stop();
  });

  it('npm start: flashes blinky on the embedded board, verifies, resets, shows the LEDs, exits 0', async () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const start = manifest.scripts['start'] ?? '';
    const [node, script, ...args] = start.split(' ');
    assert.equal(node, 'node');
    assert.equal(script, 'bin/swdkit');
    const r = await spawnCli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /flashed firmware\/bin\/blinky\.elf \(ELF, 740 bytes\) to the STM32F4\S*: sector 0 written \(x32\), verified/,
    );
    assert.match(r.stdout, /reset \(sysresetreq\): running/);
    for (const led of ['green', 'orange', 'red', 'blue'])
      assert.match(r.stdout, new RegExp(`^leds .*● ${led}`, 'm'), led);
    for (const phase of ['erase', 'program', 'verify'])
      assert.match(r.stderr, new RegExp(`^${phase}: done in`, 'm'));
  });

  it('on a board running swd-off (swdkit sim), swdkit flash connects under reset, says why, and blinky runs', async () => {
    const sim = await startSim(['--firmware', firmwareElf('swd-off')]);
    stops.push(sim.stop);
    // Past the firmware's 750 ms: the SWD pins are gone, as on the seed user's board.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const probe = `tcp://127.0.0.1:${sim.port}`;
    const r = await spawnCli(['--probe', probe, 'flash', BLINKY, '--show-leds', '1.5']);
    assert.equal(r.status, 0, r.stderr);
    const why = r.stdout.split('\n').filter((l) => /connected under reset/.test(l));
    assert.equal(why.length, 1, r.stdout);
    assert.match(why[0] ?? '', /^swdkit: connected under reset: the SW-DP did not answer/);
    assert.match(r.stdout, /sector 0 written \(x32\), verified/);
    // blinky runs: its LEDs take turns.
    const lit = new Set(r.stdout.match(/● \w+/g));
    assert.ok(lit.size >= 2, r.stdout);
    const info = await spawnCli(['--json', '--probe', probe, 'info']);
    assert.equal((lastJson(info.stdout)['core'] as Record<string, unknown>)['state'], 'running', info.stdout);
  });

  it('exit statuses reach the shell: 2 for a parse error, 6 for a refusal from inside a command', async () => {
    // Every class's status is checked in-process (target-commands, flash-command); here only that
    // bin/swdkit hands run()'s status to the shell, for an error from commander and one from a command.
    const cases: [string[], number][] = [
      [['--probe', 'sim', 'read', '0x0', 'lots'], 2],
      [['--probe', 'sim', 'erase', '--mass'], 6],
    ];
    for (const [argv, status] of cases) {
      const r = await spawnCli(argv);
      assert.equal(r.status, status, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^swdkit: error: /, argv.join(' '));
    }
  });

  it('--json flash: JSON Lines on stdout, every line an object, the last the result', async () => {
    const r = await spawnCli(['--json', '--probe', 'sim', 'flash', BLINKY]);
    assert.equal(r.status, 0);
    const lines = r.stdout.trim().split('\n');
    for (const line of lines) assert.equal(typeof JSON.parse(line), 'object', line);
    const events = jsonLines(r.stdout);
    assert.deepEqual(
      [...new Set(events.filter((e) => e['event'] === 'progress').map((e) => e['phase']))],
      ['compare', 'erase', 'program', 'verify'],
    );
    assert.equal(events[events.length - 1]?.['event'], 'result');
    assert.equal(r.stderr, '');
  });

  it('Ctrl-C during a flash: exit 130, says what is left, saves the state; the next flash completes', async () => {
    const state = join(dir, 'interrupted.state');
    const image = join(dir, 'big.bin');
    writeFileSync(image, Buffer.alloc(256 * 1024, 0xa5));
    const child = spawn(
      process.execPath,
      [SWDKIT, '--probe', `sim:state=${state},realtime=on,uptime=0`, 'flash', image],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let interrupted = false;
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (interrupted) return;
      // The erase of six sectors takes 2.5 s at the board's pace: Ctrl-C lands in the middle of it.
      if (/^erase: /m.test(stderr)) interrupted = child.kill('SIGINT');
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130, stderr);
    assert.match(stderr, /the image is NOT on the target \(sectors? [\d, ]+ (left erased|partly written)/);
    assert.ok(existsSync(state));
    const next = await spawnCli(['--json', '--probe', `sim:state=${state},uptime=0`, 'flash', image]);
    assert.equal(next.status, 0, next.stdout);
    assert.equal((lastJson(next.stdout)['flash'] as Record<string, unknown>)['verified'], 'crc');
  });
});
