import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, stripComments } from 'jsonc-parser';
import { BadInputError } from '../util/errors.js';
import { ideDevice } from './device.js';
import { ATTACH_NAME, LAUNCH_NAME, cortexDebugConfigurations, editLaunchJson } from './launch-json.js';

const device = ideDevice({ name: 'STM32F405/407/415/417', devId: 0x413, flashSize: 1024 * 1024 });
const configurations = cortexDebugConfigurations({
  device,
  gdbTarget: 'localhost:3333',
  executable: '${workspaceFolder}/.pio/build/disco_f407vg/firmware.elf',
  svdFile: '${workspaceFolder}/STM32F407.svd',
});

interface Launch {
  version: string;
  configurations: Record<string, unknown>[];
}
const read = (text: string): Launch => JSON.parse(stripComments(text)) as Launch;

const USER_FILE = `{
\t// Use IntelliSense to learn about possible attributes.
\t"version": "0.2.0",
\t"configurations": [
\t\t{
\t\t\t"name": "PIO Debug", // PlatformIO's own
\t\t\t"type": "platformio-debug",
\t\t\t"request": "launch"
\t\t}
\t]
}
`;

describe('.vscode/launch.json', () => {
  it('a new file: Cortex-Debug launch and attach against the external swdkit gdbserver', () => {
    const edit = editLaunchJson(undefined, configurations);
    const launch = read(edit.text);
    assert.equal(launch.version, '0.2.0');
    assert.deepEqual(
      launch.configurations.map((c) => c['name']),
      [LAUNCH_NAME, ATTACH_NAME],
    );
    for (const c of launch.configurations) {
      assert.equal(c['type'], 'cortex-debug');
      assert.equal(c['servertype'], 'external');
      assert.equal(c['gdbTarget'], 'localhost:3333');
      assert.equal(c['device'], 'STM32F407VG');
      assert.equal(c['executable'], '${workspaceFolder}/.pio/build/disco_f407vg/firmware.elf');
      assert.equal(c['svdFile'], '${workspaceFolder}/STM32F407.svd');
    }
    assert.deepEqual(
      launch.configurations.map((c) => c['request']),
      ['launch', 'attach'],
    );
    assert.equal(launch.configurations[0]?.['runToEntryPoint'], 'main');
    assert.deepEqual(edit.added, [LAUNCH_NAME, ATTACH_NAME]);
  });

  it("keeps the user's configurations, comments and tabs; a second run replaces swdkit's own", () => {
    const edit = editLaunchJson(USER_FILE, configurations);
    assert.ok(edit.text.includes('// Use IntelliSense to learn about possible attributes.'));
    assert.ok(edit.text.includes('"name": "PIO Debug", // PlatformIO\'s own'));
    assert.ok(!/^ +"/m.test(edit.text), 'indented with tabs, as the file was');
    const launch = read(edit.text);
    assert.deepEqual(
      launch.configurations.map((c) => c['name']),
      ['PIO Debug', LAUNCH_NAME, ATTACH_NAME],
    );
    const moved = cortexDebugConfigurations({ device, gdbTarget: 'localhost:4444', executable: 'x.elf' });
    const again = editLaunchJson(edit.text, moved);
    assert.deepEqual(again.replaced, [LAUNCH_NAME, ATTACH_NAME]);
    const relaunch = read(again.text);
    assert.equal(relaunch.configurations.length, 3);
    assert.equal(relaunch.configurations[1]?.['gdbTarget'], 'localhost:4444');
    assert.equal(relaunch.configurations[1]['svdFile'], undefined);
    assert.equal(editLaunchJson(again.text, moved).text, again.text);
  });

  it('trailing commas (JSONC) are fine; a file without "configurations" gets one', () => {
    const edit = editLaunchJson('{ "version": "0.2.0", /* x */ }', configurations);
    const launch = parse(edit.text) as Launch;
    assert.equal(launch.configurations.length, 2);
    assert.ok(edit.text.includes('/* x */'));
  });

  it('refuses a file it cannot read rather than guessing', () => {
    for (const text of ['{ "configurations": [ }', '[]', '{ "configurations": {} }']) {
      assert.throws(
        () => editLaunchJson(text, configurations),
        (e: unknown) => e instanceof BadInputError && e.code === 'bad-input.launch-json-invalid',
        text,
      );
    }
  });
});
