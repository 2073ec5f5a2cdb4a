import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { gdbserverArgv, shellLine, type SwdkitInvocation } from '../../integrations/command-line.js';
import { ideDevice, type IdeDevice } from '../../integrations/device.js';
import { eclipseLaunchXml, eclipseSettingsText } from '../../integrations/eclipse-launch.js';
import { cortexDebugConfigurations, editLaunchJson } from '../../integrations/launch-json.js';
import { editPlatformioIni, platformioEnvName } from '../../integrations/platformio-ini.js';
import { UsageError } from '../../util/errors.js';
import { consentFrom } from '../consent.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { consentToReplace, readIfExists, unifiedDiff, writeChange, type FileChange } from '../file-change.js';
import { probeText } from '../probe-text.js';
import { withTarget } from '../target-options.js';

const IDES = ['platformio', 'vscode', 'eclipse'] as const;
type Ide = (typeof IDES)[number];

interface InitOptions {
  readonly print: boolean;
  readonly dir: string;
  readonly port: number;
  readonly env?: string;
  readonly executable?: string;
  readonly svd?: string;
  readonly gdb: string;
}

export interface InitResult {
  readonly ide: Ide;
  readonly chip: string;
  readonly device: IdeDevice;
  /** The file, relative to --dir. */
  readonly file: string;
  readonly action: 'printed' | 'created' | 'updated' | 'unchanged';
  readonly content: string;
  readonly diff: string;
  readonly notes: readonly string[];
  /** Eclipse: the launch dialog's settings as text. */
  readonly settings?: string;
}

/** What one IDE's generator produced. */
interface Plan {
  readonly change: FileChange;
  readonly notes: readonly string[];
  readonly settings?: string;
}

/** A port the IDE connects to: 1–65535 (0, "any free port", means nothing in a configuration). */
function parseConfigPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`'${value}' is not a TCP port (1–65535).`);
  }
  return port;
}

/** `${workspaceFolder}/FILE` for VS Code, or FILE itself when absolute. */
function inWorkspace(file: string): string {
  return isAbsolute(file) ? file : `\${workspaceFolder}/${file.replaceAll('\\', '/')}`;
}

async function planPlatformio(
  dir: string,
  device: IdeDevice,
  invocation: SwdkitInvocation,
  options: InitOptions,
): Promise<Plan> {
  const path = join(dir, 'platformio.ini');
  const before = await readIfExists(path);
  const edit = editPlatformioIni(before, {
    device,
    invocation,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return { change: { shown: 'platformio.ini', path, before, after: edit.text }, notes: edit.notes };
}

async function planVscode(
  dir: string,
  device: IdeDevice,
  invocation: SwdkitInvocation,
  options: InitOptions,
): Promise<Plan> {
  const notes: string[] = [];
  let executable: string;
  if (options.executable !== undefined) executable = inWorkspace(options.executable);
  else {
    const ini = await readIfExists(join(dir, 'platformio.ini'));
    const env = ini === undefined ? undefined : platformioEnvName(ini, options.env);
    if (env !== undefined) executable = `\${workspaceFolder}/.pio/build/${env}/firmware.elf`;
    else {
      executable = '${workspaceFolder}/build/firmware.elf';
      notes.push(`"executable" is ${executable}: point it at your ELF (or pass --executable FILE)`);
    }
  }
  let svdFile: string | undefined;
  if (options.svd !== undefined) svdFile = inWorkspace(options.svd);
  else if ((await readIfExists(join(dir, `${device.svd}.svd`))) !== undefined)
    svdFile = inWorkspace(`${device.svd}.svd`);
  else {
    notes.push(
      `no "svdFile": put ST's ${device.svd}.svd in the project (or pass --svd FILE) and Cortex-Debug shows the peripheral registers`,
    );
  }
  const path = join(dir, '.vscode', 'launch.json');
  const before = await readIfExists(path);
  const configurations = cortexDebugConfigurations({
    device,
    gdbTarget: `localhost:${invocation.port}`,
    executable,
    ...(svdFile === undefined ? {} : { svdFile }),
  });
  const edit = editLaunchJson(before, configurations);
  notes.push(
    `Cortex-Debug connects to a running server: start \`${shellLine(gdbserverArgv(invocation))}\` first`,
  );
  return { change: { shown: '.vscode/launch.json', path, before, after: edit.text }, notes };
}

async function planEclipse(
  dir: string,
  device: IdeDevice,
  invocation: SwdkitInvocation,
  options: InitOptions,
): Promise<Plan> {
  const project = basename(dir);
  const eclipse = {
    device,
    project,
    program: options.executable ?? `Debug/${project}.elf`,
    host: 'localhost',
    port: invocation.port,
    gdb: options.gdb,
  };
  const path = join(dir, 'swdkit.launch');
  const before = await readIfExists(path);
  return {
    change: { shown: 'swdkit.launch', path, before, after: eclipseLaunchXml(eclipse) },
    notes: [
      `Eclipse lists swdkit.launch under Debug Configurations once the project "${project}" is refreshed; start \`${shellLine(gdbserverArgv(invocation))}\` before debugging`,
    ],
    settings: eclipseSettingsText(eclipse),
  };
}

const PLANNERS = { platformio: planPlatformio, vscode: planVscode, eclipse: planEclipse } as const;

async function checkDirectory(dir: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (found?.isDirectory() !== true) {
    throw new UsageError('no-such-directory', `--dir ${dir}: no such directory`, {
      hint: 'Give the project directory (where platformio.ini or .vscode/ is, or goes).',
    });
  }
}

export function registerInit(program: Command, context: CommandContext): void {
  program
    .command('init')
    .description(
      'write the IDE configuration for the board found: platformio.ini, .vscode/launch.json (Cortex-Debug) or an Eclipse CDT launch',
    )
    .addArgument(new Argument('<ide>', 'platformio | vscode | eclipse').choices(IDES))
    .option('--print', 'print the configuration instead of writing it', false)
    .option('--dir <dir>', 'the project directory', '.')
    .addOption(
      new Option('--port <n>', "the GDB server's port (swdkit gdbserver --port)")
        .argParser(parseConfigPort)
        .default(3333),
    )
    .option(
      '--env <name>',
      'platformio.ini: the [env:NAME] to edit (default: default_envs, else the only one)',
    )
    .option('--executable <file>', 'the ELF to debug, relative to --dir (vscode, eclipse)')
    .option('--svd <file>', "the chip's SVD file, relative to --dir (vscode)")
    .option('--gdb <command>', 'the gdb Eclipse runs', 'arm-none-eabi-gdb')
    .action(async (ide: Ide, options: InitOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = context.output(command);
      const dir = resolve(options.dir);
      await checkDirectory(dir);
      const chip = await withTarget(command, context, ({ session }) => Promise.resolve(session.chip));
      const device = ideDevice(chip);
      const notes: string[] = [`device ${device.part}: ${device.basis}`];
      const probe = globals.probe;
      if (probe?.kind === 'sim' && probe.state === undefined) {
        notes.push(
          '--probe sim without state=FILE: every swdkit command then starts its own fresh virtual board, so what `swdkit flash` writes is gone when `swdkit gdbserver` starts; use sim:state=FILE, or `swdkit sim` and no --probe',
        );
      }
      const invocation: SwdkitInvocation = {
        program: 'swdkit',
        port: options.port,
        ...(probe === undefined ? {} : { probe: probeText(probe, process.cwd(), dir) }),
      };
      const plan = await PLANNERS[ide](dir, device, invocation, options);
      notes.push(...plan.notes);
      const { change } = plan;
      const diff = unifiedDiff(change);
      const result = (action: InitResult['action']): InitResult => ({
        ide,
        chip: chip.name,
        device,
        file: relative(process.cwd(), change.path) || change.shown,
        action,
        content: change.after,
        diff,
        notes,
        ...(plan.settings === undefined ? {} : { settings: plan.settings }),
      });
      if (options.print) {
        if (!output.json) context.io.stderr.write(notes.map((n) => `swdkit: note: ${n}\n`).join(''));
        output.result(result('printed'), (r) =>
          r.settings === undefined
            ? r.content.replace(/\n$/, '')
            : `${r.settings}\n\nOr as the launch file ${change.shown}:\n${r.content.replace(/\n$/, '')}`,
        );
        return;
      }
      if (change.before === change.after) {
        output.result(
          result('unchanged'),
          (r) => `${r.file} already has the swdkit configuration; nothing written`,
        );
        return;
      }
      if (!output.json) context.io.stdout.write(diff.endsWith('\n') ? diff : `${diff}\n`);
      if (change.before !== undefined)
        await consentToReplace(consentFrom({ yes: globals.yes }, context.io), change);
      await writeChange(change);
      const action = change.before === undefined ? 'created' : 'updated';
      output.result(result(action), (r) =>
        [
          `${action === 'created' ? 'created' : 'updated'} ${r.file} for ${device.part}${device.board === undefined ? '' : ` (${device.board})`}`,
          ...r.notes.map((n) => `  note: ${n}`),
          ...(r.settings === undefined ? [] : ['', r.settings]),
        ].join('\n'),
      );
    });
}
