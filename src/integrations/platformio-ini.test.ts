import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiline, parseIniAsPlatformio } from '../../test/support/python-config.js';
import { UsageError } from '../util/errors.js';
import { ideDevice } from './device.js';
import { DEBUG_INIT_CMDS, editPlatformioIni, platformioEnvName } from './platformio-ini.js';

const device = ideDevice({ name: 'STM32F405/407/415/417', devId: 0x413, flashSize: 1024 * 1024 });
const invocation = { program: 'swdkit', port: 3333 };

/** The seed's kind of file: PlatformIO's header, a board env, OpenOCD through the server, comments. */
const SEED = `; PlatformIO Project Configuration File
;
; Please visit documentation for the other options and examples
; https://docs.platformio.org/page/projectconf.html

[platformio]
default_envs = disco_f407vg

[env]
monitor_speed = 115200  ; the ST-Link's virtual COM port

[env:disco_f407vg]
platform = ststm32
board = disco_f407vg
framework = stm32cube
build_flags =
  -DUSE_HAL_DRIVER
  -Wall
; OpenOCD through swdkit's server
debug_tool = custom
debug_server = openocd
  -f interface/stlink.cfg
  -c hla_stlink_backend tcp 7184
  -f target/stm32f4x.cfg
upload_protocol = custom
upload_command = openocd -f interface/stlink.cfg -c "hla_stlink_backend tcp 7184" -f target/stm32f4x.cfg -c "program $SOURCE verify reset exit"

[env:native]
platform = native  # unit tests on the host
`;

function checkSwdkitOptions(env: Record<string, string | undefined> | undefined, probe?: string): void {
  assert.ok(env !== undefined);
  const probeWords = probe === undefined ? [] : ['--probe', probe];
  assert.equal(env['upload_protocol'], 'custom');
  assert.equal(env['upload_command'], ['swdkit', 'flash', ...probeWords, '$SOURCE'].join(' '));
  assert.equal(env['debug_tool'], 'custom');
  assert.deepEqual(multiline(env['debug_server']), ['swdkit', 'gdbserver', '--port', '3333', ...probeWords]);
  assert.equal(env['debug_port'], 'localhost:3333');
  assert.deepEqual(
    multiline(env['debug_init_cmds']),
    DEBUG_INIT_CMDS.map((l) => l.trim()),
  );
}

describe('platformio.ini', () => {
  it('a new file: one env for the board found, the swdkit upload and debug options, parsed by configparser', () => {
    const edit = editPlatformioIni(undefined, { device, invocation });
    const ini = parseIniAsPlatformio(edit.text);
    assert.equal(edit.env, 'disco_f407vg');
    assert.equal(edit.createdSection, true);
    assert.equal(ini['env:disco_f407vg']?.['platform'], 'ststm32');
    assert.equal(ini['env:disco_f407vg']['board'], 'disco_f407vg');
    checkSwdkitOptions(ini['env:disco_f407vg']);
    assert.ok(edit.text.endsWith('\n'));
  });

  it("edits the seed's file: swdkit's options replace OpenOCD's in place, every other line stays", () => {
    const edit = editPlatformioIni(SEED, { device, invocation });
    const ini = parseIniAsPlatformio(edit.text);
    checkSwdkitOptions(ini['env:disco_f407vg']);
    assert.equal(ini['env:disco_f407vg']?.['framework'], 'stm32cube');
    assert.deepEqual(multiline(ini['env:disco_f407vg']['build_flags']), ['-DUSE_HAL_DRIVER', '-Wall']);
    assert.equal(ini['env']?.['monitor_speed'], '115200');
    assert.deepEqual(ini['env:native'], { platform: 'native' });
    // Everything but the four replaced options is there, in order, byte for byte.
    const replaced = /^(debug_tool|debug_server|upload_protocol|upload_command) =|^ {2}-[fc] /;
    const kept = SEED.split('\n').filter((l) => !replaced.test(l));
    const out = edit.text.split('\n');
    let at = 0;
    for (const line of kept) {
      const found = out.indexOf(line, at);
      assert.ok(found >= at, `line kept in order: ${JSON.stringify(line)}`);
      at = found + 1;
    }
    assert.ok(!edit.text.includes('openocd'));
    assert.deepEqual(
      edit.options.filter((o) => o.replaced).map((o) => o.key),
      ['upload_protocol', 'upload_command', 'debug_tool', 'debug_server'],
    );
  });

  it('a second edit changes nothing', () => {
    const once = editPlatformioIni(SEED, { device, invocation }).text;
    assert.equal(editPlatformioIni(once, { device, invocation }).text, once);
  });

  it('the probe goes into both commands; CRLF line ends stay CRLF', () => {
    const crlf = SEED.replaceAll('\n', '\r\n');
    const edit = editPlatformioIni(crlf, {
      device,
      invocation: { ...invocation, probe: 'tcp://10.0.0.2:7184' },
    });
    assert.ok(!/[^\r]\n/.test(edit.text));
    checkSwdkitOptions(parseIniAsPlatformio(edit.text)['env:disco_f407vg'], 'tcp://10.0.0.2:7184');
  });

  it('chooses default_envs, else the only env; several without a default need --env', () => {
    const two = '[env:a]\nboard = disco_f407vg\n\n[env:b]\nboard = disco_f407vg\n';
    assert.throws(
      () => editPlatformioIni(two, { device, invocation }),
      (e: unknown) => e instanceof UsageError && e.code === 'usage.ambiguous-env',
    );
    const edit = editPlatformioIni(two, { device, invocation, env: 'b' });
    const ini = parseIniAsPlatformio(edit.text);
    checkSwdkitOptions(ini['env:b']);
    assert.deepEqual(ini['env:a'], { board: 'disco_f407vg' });
    assert.equal(platformioEnvName('[env:only]\nboard = x\n'), 'only');
    assert.equal(platformioEnvName(SEED), 'disco_f407vg');
  });

  it('--env NAME that is not there: a new section after the others', () => {
    const edit = editPlatformioIni(SEED, { device, invocation, env: 'swdkit' });
    const ini = parseIniAsPlatformio(edit.text);
    checkSwdkitOptions(ini['env:swdkit']);
    assert.ok(edit.text.startsWith(SEED));
  });

  it('says so when the env builds for another board, and leaves the board alone', () => {
    const edit = editPlatformioIni('[env:x]\nboard = nucleo_f401re\n', { device, invocation });
    assert.match(edit.notes.join('\n'), /nucleo_f401re.*STM32F407VG/);
    assert.equal(parseIniAsPlatformio(edit.text)['env:x']?.['board'], 'nucleo_f401re');
  });

  it('a key given twice (which configparser rejects) ends up once', () => {
    const edit = editPlatformioIni('[env:x]\ndebug_tool = stlink\ndebug_tool = jlink\n', {
      device,
      invocation,
    });
    assert.equal(parseIniAsPlatformio(edit.text)['env:x']?.['debug_tool'], 'custom');
  });

  it('refuses a probe that configparser would cut at a comment sign', () => {
    assert.throws(
      () => editPlatformioIni(undefined, { device, invocation: { ...invocation, probe: 'sim:state=a ;b' } }),
      (e: unknown) => e instanceof UsageError && e.code === 'usage.ini-unsafe-value',
    );
  });
});
