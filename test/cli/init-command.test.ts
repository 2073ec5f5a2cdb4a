/**
 * `swdkit init platformio|vscode|eclipse` in-process on `--probe sim`: a new file is written, an
 * existing one only with --yes or a TTY's yes (exit 6 and the file untouched otherwise, the diff shown
 * either way), --print writes nothing, the user's other settings survive, and the JSON shape.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { cli, lastJson } from '../support/cli.js';
import { multiline, parseIniAsPlatformio, parseXml } from '../support/python-config.js';

const root = mkdtempSync(join(tmpdir(), 'swdkit-init-'));
let projects = 0;

function project(files: Record<string, string> = {}): string {
  const dir = join(root, `project-${++projects}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const USER_INI = `; my board
[env:disco_f407vg]
platform = ststm32
board = disco_f407vg
framework = stm32cube
upload_protocol = stlink ; the old way
`;

describe('swdkit init platformio', () => {
  it('writes a new platformio.ini for the board found, without asking (nothing is replaced)', async () => {
    const dir = project();
    const r = await cli([
      '--probe',
      `sim:state=${join(dir, 'board.state')}`,
      'init',
      'platformio',
      '--dir',
      dir,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\+\+\+ b\/platformio\.ini/m);
    assert.match(r.stdout, /created .*platformio\.ini for STM32F407VG \(STM32F4DISCOVERY\)/);
    const env = parseIniAsPlatformio(readFileSync(join(dir, 'platformio.ini'), 'utf8'))['env:disco_f407vg'];
    assert.equal(env?.['board'], 'disco_f407vg');
    // The state file lies in the project, so the commands name it as PlatformIO will find it from there.
    assert.equal(env['upload_command'], 'swdkit flash --probe sim:state=board.state $SOURCE');
    assert.deepEqual(multiline(env['debug_server']), [
      'swdkit',
      'gdbserver',
      '--port',
      '3333',
      '--probe',
      'sim:state=board.state',
    ]);
    assert.equal(env['debug_port'], 'localhost:3333');
  });

  it('an existing file without --yes and without a TTY: the diff, exit 6, the file untouched', async () => {
    const dir = project({ 'platformio.ini': USER_INI });
    const r = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir]);
    assert.equal(r.status, 6, r.stderr);
    assert.match(r.stdout, /^-upload_protocol = stlink ; the old way$/m);
    assert.match(r.stdout, /^\+upload_protocol = custom$/m);
    assert.match(r.stderr, /needs your consent \(--yes\)/);
    assert.equal(readFileSync(join(dir, 'platformio.ini'), 'utf8'), USER_INI);
  });

  it('--yes writes, keeping the comments and the other options', async () => {
    const dir = project({ 'platformio.ini': USER_INI });
    const r = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir, '--yes', '--port', '4242']);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(join(dir, 'platformio.ini'), 'utf8');
    assert.ok(text.startsWith('; my board\n[env:disco_f407vg]\nplatform = ststm32\nboard = disco_f407vg\n'));
    const env = parseIniAsPlatformio(text)['env:disco_f407vg'];
    assert.equal(env?.['framework'], 'stm32cube');
    assert.equal(env['upload_protocol'], 'custom');
    assert.equal(env['debug_port'], 'localhost:4242');
    assert.match(r.stdout, /updated/);
    const again = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir, '--port', '4242']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /nothing written/);
  });

  it("a TTY's answer decides", async () => {
    const dir = project({ 'platformio.ini': USER_INI });
    const no = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir], { ttyAnswers: 'n\n' });
    assert.equal(no.status, 6);
    assert.equal(readFileSync(join(dir, 'platformio.ini'), 'utf8'), USER_INI);
    const yes = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir], { ttyAnswers: 'y\n' });
    assert.equal(yes.status, 0, yes.stderr);
    assert.match(yes.stderr, /Write these changes to platformio\.ini\? \[y\/N\]/);
    assert.match(readFileSync(join(dir, 'platformio.ini'), 'utf8'), /^upload_protocol = custom$/m);
  });

  it('--print prints the file and writes nothing; --json says what it would write', async () => {
    const dir = project({ 'platformio.ini': USER_INI });
    const r = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir, '--print']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      parseIniAsPlatformio(r.stdout)['env:disco_f407vg']?.['upload_command']?.startsWith('swdkit flash'),
    );
    assert.equal(readFileSync(join(dir, 'platformio.ini'), 'utf8'), USER_INI);
    const j = await cli(['--json', '--probe', 'sim', 'init', 'platformio', '--dir', dir, '--print']);
    const body = lastJson(j.stdout);
    assert.equal(body['action'], 'printed');
    assert.equal(body['chip'], 'STM32F405/407/415/417');
    assert.deepEqual(body['device'], {
      part: 'STM32F407VG',
      board: 'STM32F4DISCOVERY',
      platformioBoard: 'disco_f407vg',
      svd: 'STM32F407',
      basis: (body['device'] as { basis: string }).basis,
    });
    assert.match(String(body['diff']), /^\+upload_protocol = custom$/m);
    assert.match(String(body['content']), /^debug_tool = custom$/m);
    assert.equal(readFileSync(join(dir, 'platformio.ini'), 'utf8'), USER_INI);
    // --print on a project that has no file creates none.
    const empty = project();
    assert.equal((await cli(['--probe', 'sim', 'init', 'vscode', '--dir', empty, '--print'])).status, 0);
    assert.ok(!existsSync(join(empty, '.vscode')));
  });

  it('no probe: exit 4 and nothing written; no such --dir: exit 2 before any probe is opened', async () => {
    const dir = project();
    assert.equal((await cli(['init', 'platformio', '--dir', dir])).status, 4);
    assert.ok(!existsSync(join(dir, 'platformio.ini')));
    const r = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', join(dir, 'nope')]);
    assert.equal(r.status, 2);
    assert.equal((await cli(['--probe', 'sim', 'init', 'idea'])).status, 2);
  });
});

describe('swdkit init vscode', () => {
  it("adds Cortex-Debug configurations next to the user's, the ELF from platformio.ini's env", async () => {
    const user =
      '{\n  // mine\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "PIO Debug", "type": "platformio-debug", "request": "launch" }\n  ]\n}\n';
    const dir = project({
      '.vscode/launch.json': user,
      'platformio.ini': USER_INI,
      'STM32F407.svd': '<device/>',
    });
    const refused = await cli(['--probe', 'sim', 'init', 'vscode', '--dir', dir]);
    assert.equal(refused.status, 6);
    assert.equal(readFileSync(join(dir, '.vscode/launch.json'), 'utf8'), user);
    const r = await cli(['--probe', 'sim', 'init', 'vscode', '--dir', dir, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(join(dir, '.vscode/launch.json'), 'utf8');
    assert.ok(text.includes('// mine'));
    const launch = parse(text) as { configurations: Record<string, unknown>[] };
    assert.deepEqual(
      launch.configurations.map((c) => c['name']),
      ['PIO Debug', 'swdkit: debug', 'swdkit: attach'],
    );
    const debug = launch.configurations[1];
    assert.equal(debug?.['type'], 'cortex-debug');
    assert.equal(debug['servertype'], 'external');
    assert.equal(debug['gdbTarget'], 'localhost:3333');
    assert.equal(debug['device'], 'STM32F407VG');
    assert.equal(debug['executable'], '${workspaceFolder}/.pio/build/disco_f407vg/firmware.elf');
    assert.equal(debug['svdFile'], '${workspaceFolder}/STM32F407.svd');
    assert.match(r.stdout, /start `swdkit gdbserver --port 3333 --probe sim` first/);
  });
});

describe('swdkit init eclipse', () => {
  it('writes swdkit.launch (GDB Hardware Debugging) and shows the dialog settings', async () => {
    const dir = project();
    const r = await cli([
      '--probe',
      'sim',
      'init',
      'eclipse',
      '--dir',
      dir,
      '--port',
      '3334',
      '--gdb',
      'gdb-multiarch',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /JTAG Device: +Generic TCP\/IP/);
    const xml = parseXml(readFileSync(join(dir, 'swdkit.launch'), 'utf8'));
    assert.equal(xml.attrib['type'], 'org.eclipse.cdt.debug.gdbjtag.launchConfigurationType');
    const port = xml.children.find((c) => c.key === 'org.eclipse.cdt.debug.gdbjtag.core.portNumber');
    assert.equal(port?.value, '3334');
  });
});
