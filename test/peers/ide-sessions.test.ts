/**
 * The debug halves of `swdkit init`, run as the IDEs run them, against real gdb-multiarch on the
 * virtual Discovery (issue 13: "drop-in debug server" for PlatformIO and VS Code). Neither IDE is
 * installed here, so each test does the IDE's part from what its documentation and source say it does:
 *
 * - PlatformIO (`debug_tool = custom`): starts the `debug_server` lines as one argv with swdkit on
 *   PATH, waits for `debug_server_ready_pattern` on its output, writes `debug_init_cmds` into a gdb
 *   script with its variables substituted ($DEBUG_PORT, $LOAD_CMDS = `load`, $INIT_BREAK =
 *   `tbreak main`, PlatformIO's defaults), runs gdb on the ELF with that script, then continues, and
 *   ends the server with SIGTERM.
 * - VS Code with Cortex-Debug (`servertype: external`): gdb over GDB/MI with the commands Cortex-Debug's
 *   external server controller sends for a launch (target-select extended-remote to `gdbTarget`,
 *   `monitor reset halt`, target-download, `monitor reset halt`, then runToEntryPoint's temporary
 *   breakpoint and continue), then what its views ask for: the register names and values (s0–s31
 *   among them), the call stack, memory, next, and a pause of the running program.
 * - Eclipse CDT GDB Hardware Debugging (Generic TCP/IP): the launch file's attributes turned into what
 *   CDT's jtag launch sequence sends over GDB/MI: `target remote HOST:PORT`, the initialization
 *   commands, `load`, `symbol-file`, `tbreak` at the stop-at symbol, the run commands and `continue` (CDT's order); then a kill, which
 *   ends a `target remote` session.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { parse } from 'jsonc-parser';
import { SWDKIT, cli } from '../support/cli.js';
import { runGdbBatch } from '../support/gdb-batch.js';
import { GdbMi } from '../support/gdb-mi.js';
import { freePort } from '../support/openocd.js';
import { firmwareElf } from '../support/paths.js';
import { requireGdbAndFirmware } from '../support/peers.js';
import { multiline, parseIniAsPlatformio, parseXml } from '../support/python-config.js';
import { startSwdkit, type SwdkitProcess } from '../support/swdkit-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'swdkit-ide-'));
const cleanups: (() => Promise<unknown>)[] = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const peers = (t: TestContext): string | undefined => requireGdbAndFirmware(t, ['blinky']);

/** A project directory with `swdkit` on a PATH of its own, as an installed swdkit would be. */
function project(name: string): { dir: string; path: string } {
  const dir = join(scratch, name);
  const bin = join(scratch, `${name}-bin`);
  mkdirSync(dir);
  mkdirSync(bin);
  symlinkSync(SWDKIT, join(bin, 'swdkit'));
  return { dir, path: `${bin}${delimiter}${process.env['PATH'] ?? ''}` };
}

describe('IDE debug sessions against swdkit gdbserver', { timeout: 5 * 60_000 }, () => {
  it('PlatformIO: debug_server started as PlatformIO starts it, debug_init_cmds run by gdb: load, stop at main', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const { dir, path } = project('pio');
    const port = await freePort();
    const init = await cli(['--probe', 'sim', 'init', 'platformio', '--dir', dir, '--port', String(port)]);
    assert.equal(init.status, 0, init.stderr);
    const env = parseIniAsPlatformio(readFileSync(join(dir, 'platformio.ini'), 'utf8'))['env:disco_f407vg'];
    assert.ok(env !== undefined, readFileSync(join(dir, 'platformio.ini'), 'utf8'));
    const [program = '', ...args] = multiline(env['debug_server']);
    const ready = env['debug_server_ready_pattern'] ?? '';
    assert.notEqual(ready, '');

    const server = spawn(program, args, {
      cwd: dir,
      env: { ...process.env, PATH: path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout.on('data', (c: Buffer) => (out += c.toString()));
    server.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
    cleanups.push(async () => {
      if (server.exitCode === null) server.kill('SIGKILL');
      return exited;
    });
    for (let i = 0; i < 600 && !new RegExp(ready).test(out) && server.exitCode === null; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(out, new RegExp(ready), out);

    const script = multiline(env['debug_init_cmds'])
      .map((line) =>
        line
          .replaceAll('$DEBUG_PORT', env['debug_port'] ?? '')
          .replaceAll('$LOAD_CMDS', 'load')
          .replaceAll('$INIT_BREAK', 'tbreak main'),
      )
      .join('\n');
    writeFileSync(join(dir, '.pioinit'), `${script}\n`);
    const run = await runGdbBatch({
      gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 90_000,
      commands: [`source ${join(dir, '.pioinit')}`, 'continue', 'bt', 'detach'],
    });
    const context = `gdb exited ${String(run.code)}\n${run.stdout}\n${run.stderr}\nswdkit:\n${out}`;
    assert.equal(run.code, 0, context);
    assert.match(run.stdout, /Loading section \.text/, context);
    assert.match(`${run.stdout}${run.stderr}`, /reset: halted at the reset vector/, context);
    assert.match(run.stdout, /Temporary breakpoint 1, main \(\) at src\/blinky\.c:\d+/, context);
    assert.match(run.stdout, /#0 {2}main \(\) at src\/blinky\.c:\d+/, context);
    assert.doesNotMatch(
      `${run.stdout}${run.stderr}`,
      /unknown monitor command|Remote failure|error/i,
      context,
    );
    // PlatformIO ends the server with SIGTERM when the session ends.
    server.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  });

  it('VS Code + Cortex-Debug (external server at gdbTarget): the launch sequence over GDB/MI, registers with s0–s31, stack, memory, next, pause', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const { dir } = project('vscode');
    const port = await freePort();
    const init = await cli(['--probe', 'sim', 'init', 'vscode', '--dir', dir, '--port', String(port)]);
    assert.equal(init.status, 0, init.stderr);
    const launch = parse(readFileSync(join(dir, '.vscode', 'launch.json'), 'utf8')) as {
      configurations: Record<string, unknown>[];
    };
    const debug = launch.configurations.find((c) => c['request'] === 'launch');
    assert.equal(debug?.['servertype'], 'external');
    assert.equal(debug['runToEntryPoint'], 'main');
    const gdbTarget = String(debug['gdbTarget']);
    assert.equal(gdbTarget, `localhost:${port}`);

    // servertype external: the user (or a task) starts the server the init output names.
    const server: SwdkitProcess = await startSwdkit(['--probe', 'sim', 'gdbserver', '--port', String(port)]);
    cleanups.push(() => server.stop());
    const mi = new GdbMi(gdb);
    cleanups.push(() => mi.close());
    const context = (): string => `${mi.log()}\nswdkit:\n${server.output()}`;

    await mi.expect('-gdb-set mi-async on');
    await mi.expect(`-file-exec-and-symbols "${firmwareElf('blinky')}"`);
    await mi.expect(`-target-select extended-remote ${gdbTarget}`, 'connected');
    await mi.expect('-interpreter-exec console "monitor reset halt"');
    await mi.expect('-target-download', 'done', 120_000);
    await mi.expect('-interpreter-exec console "monitor reset halt"');
    await mi.expect('-break-insert -t --function main');
    await mi.expect('-exec-continue', 'running');
    const atMain = await mi.stopped();
    assert.match(atMain, /reason="breakpoint-hit"/, context());
    assert.match(atMain, /func="main"/, context());

    const names = await mi.expect('-data-list-register-names');
    const list = [...names.body.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
    for (const name of [
      'r0',
      'sp',
      'pc',
      'xpsr',
      'msp',
      'psp',
      'primask',
      'control',
      'fpscr',
      'd15',
      's0',
      's31',
    ])
      assert.ok(list.includes(name), `${name} among ${list.join(',')}\n${context()}`);
    const values = await mi.expect('-data-list-register-values x');
    const value = (name: string): string => {
      const number = list.indexOf(name);
      const m = new RegExp(`\\{number="${number}",value="([^"]*)"\\}`).exec(values.body);
      assert.ok(m !== null, `${name} (${number}) has a value\n${values.body}`);
      return m[1] ?? '';
    };
    const main = /addr="(0x[0-9a-f]+)"/.exec(atMain)?.[1] ?? '';
    assert.equal(BigInt(value('pc')), BigInt(main), context());
    for (const name of ['s0', 's31', 'fpscr', 'd0']) assert.match(value(name), /^0x[0-9a-f]+$/, context());

    const frames = await mi.expect('-stack-list-frames');
    assert.match(frames.body, /frame=\{level="0",addr="0x[0-9a-f]+",func="main"/, context());
    const memory = await mi.expect('-data-read-memory-bytes 0x08000000 16');
    assert.match(memory.body, /begin="0x0*8000000".*contents="[0-9a-f]{32}"/, context());

    await mi.expect('-exec-next', 'running');
    const stepped = await mi.stopped();
    assert.match(stepped, /reason="end-stepping-range"/, context());
    assert.match(stepped, /func="main"/, context());

    await mi.expect('-exec-continue', 'running');
    await new Promise((r) => setTimeout(r, 500));
    await mi.expect('-exec-interrupt');
    const paused = await mi.stopped();
    assert.match(paused, /reason="signal-received",signal-name="SIGINT"/, context());
    const ticks = await mi.expect('-data-evaluate-expression blinky_ticks');
    assert.match(ticks.body, /value="[1-9]\d*"/, context());

    await mi.expect('-target-detach');
    await mi.close();
    assert.equal(await server.stop(), 0, server.output());
  });

  it('Eclipse CDT (GDB Hardware Debugging, Generic TCP/IP): the launch file run as CDT runs it on a blank chip: target remote, init commands, load, run commands, stop at main, kill', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const { dir } = project('eclipse');
    const port = await freePort();
    const init = await cli(['--probe', 'sim', 'init', 'eclipse', '--dir', dir, '--port', String(port)]);
    assert.equal(init.status, 0, init.stderr);
    const xml = parseXml(readFileSync(join(dir, 'swdkit.launch'), 'utf8'));
    const attribute = (key: string): string =>
      xml.children.find((c) => c.key === `org.eclipse.cdt.debug.gdbjtag.core.${key}`)?.value ?? '';
    assert.equal(attribute('jtagDeviceId'), 'org.eclipse.cdt.debug.gdbjtag.core.jtagdevice.genericDevice');
    assert.equal(attribute('loadImage'), 'true');
    assert.equal(attribute('setStopAt'), 'true');

    const server = await startSwdkit(['--probe', 'sim', 'gdbserver', '--port', attribute('portNumber')]);
    cleanups.push(() => server.stop());
    const mi = new GdbMi(gdb);
    cleanups.push(() => mi.close());
    const context = (): string => `${mi.log()}\nswdkit:\n${server.output()}`;
    const elf = firmwareElf('blinky');
    const cliCommand = (command: string): string => `-interpreter-exec console ${JSON.stringify(command)}`;

    await mi.expect(`-file-exec-and-symbols ${JSON.stringify(elf)}`);
    await mi.expect(cliCommand(`target remote ${attribute('ipAddress')}:${attribute('portNumber')}`));
    for (const command of attribute('initCommands').split('\n')) await mi.expect(cliCommand(command));
    await mi.expect(cliCommand(`load ${elf}`), 'done', 120_000);
    await mi.expect(cliCommand(`symbol-file ${elf}`));
    await mi.expect(cliCommand(`tbreak ${attribute('stopAt')}`));
    for (const command of attribute('runCommands').split('\n')) await mi.expect(cliCommand(command));
    await mi.expect(cliCommand('continue'), 'running');
    const stop = await mi.stopped();
    assert.match(stop, /reason="breakpoint-hit",disp="del"/, context());
    assert.match(stop, /func="main"/, context());
    assert.match(mi.log(), /reset: halted at the reset vector/, context());
    assert.match(mi.log(), /Loading section \.text/, context());
    // Terminate: CDT kills the inferior, which ends a `target remote` connection.
    await mi.expect(cliCommand('kill'));
    await mi.close();
    assert.equal(await server.stop(), 0, server.output());
  });
});
