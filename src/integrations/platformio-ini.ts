import { UsageError } from '../util/errors.js';
import { flashArgv, gdbserverArgv, shellLine, type SwdkitInvocation } from './command-line.js';
import type { IdeDevice } from './device.js';
import { readSections, renderOption, type IniSection } from './ini-lines.js';

/**
 * platformio.ini for uploading and debugging through swdkit: `upload_protocol = custom` with an
 * `upload_command` that runs `swdkit flash $SOURCE`, and `debug_tool = custom` with a `debug_server`
 * running `swdkit gdbserver` on `debug_port`. An existing file is edited, not regenerated: only these
 * options of one [env:…] section are replaced or added, every other line stays as it was.
 */

export interface PlatformioOptions {
  readonly device: IdeDevice;
  readonly invocation: SwdkitInvocation;
  /** The [env:NAME] to edit; by default [platformio] default_envs, else the only env. */
  readonly env?: string;
}

export interface PlatformioEdit {
  readonly text: string;
  /** The env section written. */
  readonly env: string;
  readonly createdSection: boolean;
  /** Options set, in order, and whether each replaced one that was there. */
  readonly options: readonly { readonly key: string; readonly replaced: boolean }[];
  /** What the user should know: an env whose board is not the chip found, a framework to choose. */
  readonly notes: readonly string[];
}

/**
 * What PlatformIO's generic GDB script does, minus its `monitor init` (an OpenOCD command): connect to
 * debug_port, load, reset halted, break at debug_init_break. `$…` are PlatformIO's own variables.
 */
export const DEBUG_INIT_CMDS = [
  'define pio_reset_halt_target',
  '  monitor reset halt',
  'end',
  'define pio_reset_run_target',
  '  monitor reset',
  'end',
  'target extended-remote $DEBUG_PORT',
  '$LOAD_CMDS',
  'pio_reset_halt_target',
  '$INIT_BREAK',
];

/** The beginning of `swdkit gdbserver`'s ready line (its stdout), which PlatformIO waits for. */
export const GDBSERVER_READY_PATTERN = 'swdkit gdbserver:';

/** The options swdkit owns in the env section, in the order they are added. */
export function platformioSettings(invocation: SwdkitInvocation): [string, string | string[]][] {
  for (const word of [invocation.program, invocation.probe ?? '']) {
    // configparser (inline_comment_prefixes ; and #) would cut the value there.
    if (/\s[;#]/.test(word) || /\n/.test(word)) {
      throw new UsageError('ini-unsafe-value', `'${word}' cannot go into platformio.ini as it is`, {
        hint: 'PlatformIO reads a `;` or `#` after a space as the start of a comment; give a path without them.',
      });
    }
  }
  return [
    ['upload_protocol', 'custom'],
    // SCons replaces $SOURCE with the firmware's path (quoting it if it has spaces) and runs the line with sh.
    ['upload_command', `${shellLine(flashArgv(invocation, '$SOURCE').slice(0, -1))} $SOURCE`],
    ['debug_tool', 'custom'],
    // One argument per line, passed to the program without a shell.
    ['debug_server', gdbserverArgv(invocation)],
    ['debug_port', `localhost:${invocation.port}`],
    ['debug_server_ready_pattern', GDBSERVER_READY_PATTERN],
    ['debug_init_cmds', DEBUG_INIT_CMDS],
  ];
}

function defaultEnvs(sections: readonly IniSection[]): string[] {
  const value = sections
    .find((s) => s.name === 'platformio')
    ?.options.find((o) => o.key === 'default_envs')?.value;
  return (value ?? '')
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function chooseEnv(sections: readonly IniSection[], wanted: string | undefined): IniSection | undefined {
  const envs = sections.filter((s) => s.name.startsWith('env:'));
  const named = (name: string): IniSection | undefined => envs.find((s) => s.name === `env:${name}`);
  if (wanted !== undefined) return named(wanted);
  for (const name of defaultEnvs(sections)) {
    const section = named(name);
    if (section !== undefined) return section;
  }
  if (envs.length <= 1) return envs[0];
  throw new UsageError(
    'ambiguous-env',
    `platformio.ini has ${envs.length} environments (${envs.map((s) => s.name.slice(4)).join(', ')}) and no default_envs`,
    { hint: 'Choose one with --env NAME.' },
  );
}

const MARK = '; upload and debug through swdkit (written by `swdkit init platformio`)';

/** platformio.ini `original` (undefined: no file yet) with swdkit's options in one env. */
export function editPlatformioIni(original: string | undefined, options: PlatformioOptions): PlatformioEdit {
  const { device, invocation } = options;
  const eol = original?.includes('\r\n') === true ? '\r\n' : '\n';
  const lines = original === undefined || original === '' ? [] : original.split(/\r?\n/);
  const hadFinalNewline = lines.length === 0 || lines.at(-1) === '';
  if (lines.at(-1) === '') lines.pop();
  const notes: string[] = [];
  const sections = readSections(lines);
  let section = chooseEnv(sections, options.env);
  let createdSection = false;
  const envName = options.env ?? section?.name.slice(4) ?? device.platformioBoard;
  if (section === undefined) {
    createdSection = true;
    if (lines.length === 0) {
      lines.push(
        '; PlatformIO Project Configuration File',
        '; https://docs.platformio.org/page/projectconf.html',
      );
    }
    if (lines.length > 0 && lines.at(-1)?.trim() !== '') lines.push('');
    lines.push(`[env:${envName}]`, 'platform = ststm32', `board = ${device.platformioBoard}`);
    notes.push(
      `[env:${envName}] is new: add the framework you build with (framework = stm32cube, cmsis, libopencm3, arduino…)`,
    );
    section = readSections(lines).find((s) => s.name === `env:${envName}`);
    if (section === undefined) throw new Error('the new env section was not read back');
  } else {
    const board = section.options.find((o) => o.key === 'board')?.value;
    if (board !== undefined && board !== device.platformioBoard) {
      notes.push(
        `[${section.name}] builds for board ${board}, but the chip found is ${device.part} (PlatformIO's ${device.platformioBoard}); the board was left as it is`,
      );
    }
  }
  // Replace from the bottom up so earlier line numbers stay valid; collect the new options to append.
  const settings = platformioSettings(invocation);
  const written: { key: string; replaced: boolean }[] = [];
  const appended: string[] = [];
  const replacements: { start: number; end: number; lines: string[] }[] = [];
  for (const [key, value] of settings) {
    const existing = section.options.filter((o) => o.key === key);
    const first = existing[0];
    if (first === undefined) {
      appended.push(...renderOption(key, value));
      written.push({ key, replaced: false });
      continue;
    }
    replacements.push({ start: first.start, end: first.end, lines: renderOption(key, value) });
    // configparser rejects a key given twice in one section; drop the repeats.
    for (const repeat of existing.slice(1))
      replacements.push({ start: repeat.start, end: repeat.end, lines: [] });
    written.push({ key, replaced: true });
  }
  const lastOption = section.options.at(-1);
  const insertAt = lastOption?.end ?? section.header + 1;
  if (appended.length > 0) {
    const mark = written.every((w) => !w.replaced) ? [MARK] : [];
    replacements.push({ start: insertAt, end: insertAt, lines: [...mark, ...appended] });
  }
  replacements.sort((a, b) => b.start - a.start || b.end - a.end);
  for (const r of replacements) lines.splice(r.start, r.end - r.start, ...r.lines);
  const text = lines.join(eol) + (hadFinalNewline || createdSection ? eol : '');
  return { text, env: envName, createdSection, options: written, notes };
}

/** The env `editPlatformioIni` would edit in `text` (for the ELF path other IDEs use), or undefined. */
export function platformioEnvName(text: string, wanted?: string): string | undefined {
  return chooseEnv(readSections(text.split(/\r?\n/)), wanted)?.name.slice(4);
}
