import {
  applyEdits,
  findNodeAtLocation,
  modify,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type ParseError,
} from 'jsonc-parser';
import { BadInputError } from '../util/errors.js';
import type { IdeDevice } from './device.js';

/**
 * .vscode/launch.json for Cortex-Debug against `swdkit gdbserver` (servertype "external": the server
 * runs on its own, started by the user or by PlatformIO, and Cortex-Debug connects to gdbTarget).
 * launch.json is JSONC (comments, trailing commas), so an existing file is edited through
 * jsonc-parser: swdkit's configurations are replaced by name or appended, and every other
 * configuration, comment and the file's indentation stay as they were.
 */

export interface CortexDebugOptions {
  readonly device: IdeDevice;
  /** host:port of the GDB server. */
  readonly gdbTarget: string;
  /** The ELF, as VS Code resolves it (`${workspaceFolder}/…`). */
  readonly executable: string;
  /** ST's SVD file for the part, when the user has one (`${workspaceFolder}/…`). */
  readonly svdFile?: string;
}

/** The names swdkit's configurations go by; a second `swdkit init vscode` replaces these two. */
export const LAUNCH_NAME = 'swdkit: debug';
export const ATTACH_NAME = 'swdkit: attach';

export type CortexDebugConfiguration = Readonly<Record<string, string | boolean>>;

/** A launch (load the ELF, reset, run to main) and an attach (to what already runs) configuration. */
export function cortexDebugConfigurations(options: CortexDebugOptions): CortexDebugConfiguration[] {
  const common = {
    type: 'cortex-debug',
    servertype: 'external',
    gdbTarget: options.gdbTarget,
    cwd: '${workspaceFolder}',
    executable: options.executable,
    device: options.device.part,
    ...(options.svdFile === undefined ? {} : { svdFile: options.svdFile }),
  };
  return [
    { name: LAUNCH_NAME, request: 'launch', ...common, runToEntryPoint: 'main' },
    { name: ATTACH_NAME, request: 'attach', ...common },
  ];
}

export interface LaunchJsonEdit {
  readonly text: string;
  readonly replaced: readonly string[];
  readonly added: readonly string[];
}

/** The indentation the file already uses (the first indented line's), else 4 spaces as VS Code writes. */
function formatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t') === true) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 4, eol };
}

function invalid(message: string): BadInputError {
  return new BadInputError('launch-json-invalid', `.vscode/launch.json: ${message}`, {
    hint: 'Fix the file (VS Code shows where) or move it away, then run swdkit init vscode again; nothing was written.',
  });
}

/** launch.json `original` (undefined: no file yet) with swdkit's configurations in it. */
export function editLaunchJson(
  original: string | undefined,
  configurations: readonly CortexDebugConfiguration[],
): LaunchJsonEdit {
  let text = original === undefined || original.trim() === '' ? '{\n    "version": "0.2.0"\n}\n' : original;
  const options = { formattingOptions: formatting(text) };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (root === undefined || first !== undefined) {
    const where = first === undefined ? '' : ` at offset ${first.offset}`;
    throw invalid(
      `not valid JSON with comments (${first === undefined ? 'empty' : printParseErrorCode(first.error)}${where})`,
    );
  }
  if (root.type !== 'object') throw invalid('the top level is not an object');
  const list = findNodeAtLocation(root, ['configurations']);
  if (list !== undefined && list.type !== 'array') throw invalid('"configurations" is not an array');
  if (list === undefined) {
    text = applyEdits(text, modify(text, ['configurations'], [], options));
  }
  const replaced: string[] = [];
  const added: string[] = [];
  for (const configuration of configurations) {
    const name = configuration['name'];
    const tree = parseTree(text, [], { allowTrailingComma: true });
    const entries =
      (tree === undefined ? undefined : findNodeAtLocation(tree, ['configurations']))?.children ?? [];
    const index = entries.findIndex((entry) => {
      const nameNode = findNodeAtLocation(entry, ['name']);
      return nameNode?.value === name;
    });
    if (index >= 0) {
      text = applyEdits(text, modify(text, ['configurations', index], configuration, options));
      replaced.push(String(name));
    } else {
      text = applyEdits(
        text,
        modify(text, ['configurations', entries.length], configuration, {
          ...options,
          isArrayInsertion: true,
        }),
      );
      added.push(String(name));
    }
  }
  return { text, replaced, added };
}
