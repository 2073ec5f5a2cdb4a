/**
 * Issue 13's proof line: the upload_command that `swdkit init platformio` writes flashes the virtual
 * board when run as PlatformIO runs it. PlatformIO is not installed here, so this does its part: the
 * option is read with configparser as PlatformIO reads platformio.ini, `$SOURCE` becomes the firmware
 * path as SCons substitutes it (ststm32's custom upload passes $BUILD_DIR/firmware.bin; SCons quotes a
 * path with spaces), and the line runs through `sh -c` in the project directory with `swdkit` on PATH.
 * Then `swdkit read` on the same board (its state file) must show the image in flash.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { SWDKIT, cli, lastJson } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { parseIniAsPlatformio } from '../support/python-config.js';

const BLINKY_BIN = join(repoRoot, 'firmware/bin/blinky.bin');

function sh(line: string, cwd: string, path: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], {
      cwd,
      env: { ...process.env, PATH: `${path}${delimiter}${process.env['PATH'] ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`upload did not finish: ${output}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, output });
    });
  });
}

/** What SCons puts in place of $SOURCE: the path, in double quotes when it has a space. */
const sconsPath = (path: string): string => (/\s/.test(path) ? `"${path}"` : path);

describe('PlatformIO upload through swdkit', () => {
  it('the generated upload_command, run as PlatformIO runs it, puts firmware.bin on the board', async () => {
    // A space in the project's path, as on many desktops, so quoting is exercised.
    const dir = join(mkdtempSync(join(tmpdir(), 'swdkit-pio-')), 'my project');
    mkdirSync(dir);
    const state = join(dir, 'board.state');
    const init = await cli(['--probe', `sim:state=${state}`, 'init', 'platformio', '--dir', dir]);
    assert.equal(init.status, 0, init.stderr);

    const ini = parseIniAsPlatformio(readFileSync(join(dir, 'platformio.ini'), 'utf8'));
    const env = ini['env:disco_f407vg'];
    assert.equal(env?.['upload_protocol'], 'custom');
    const uploadCommand = env['upload_command'] ?? '';
    assert.match(uploadCommand, /^swdkit flash .*\$SOURCE$/);

    // PlatformIO's build output for this env.
    const firmware = join(dir, '.pio', 'build', 'disco_f407vg', 'firmware.bin');
    mkdirSync(join(firmware, '..'), { recursive: true });
    copyFileSync(BLINKY_BIN, firmware);
    const bin = join(dir, '..', 'bin');
    mkdirSync(bin);
    symlinkSync(SWDKIT, join(bin, 'swdkit'));

    const line = uploadCommand.replaceAll('$SOURCE', sconsPath(firmware));
    const upload = await sh(line, dir, bin);
    assert.equal(upload.status, 0, `${line}\n${upload.output}`);
    assert.match(upload.output, /verified/i);

    const image = readFileSync(BLINKY_BIN);
    const read = await cli([
      '--json',
      '--probe',
      `sim:state=${state}`,
      'read',
      '0x08000000',
      String(image.length),
    ]);
    assert.equal(read.status, 0, read.stderr);
    assert.deepEqual(Buffer.from(String(lastJson(read.stdout)['data']), 'hex'), image);
  });
});
