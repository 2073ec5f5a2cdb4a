import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { hex32, hexBytes } from '../../util/bytes.js';
import { BadInputError, UnavailableError, UsageError } from '../../util/errors.js';
import { parseAddress, parseHexBytes, parseLength } from '../arguments.js';
import type { CommandContext } from '../context.js';
import { size } from '../format.js';
import { hexDump } from '../hex-dump.js';
import { withTarget } from '../target-options.js';

export interface ReadResult {
  readonly address: number;
  readonly length: number;
  /** The bytes as hex (without --out). */
  readonly data?: string;
  /** Where they were written (with --out). */
  readonly file?: string;
}

export interface WriteResult {
  readonly address: number;
  readonly length: number;
}

export function registerMemory(program: Command, context: CommandContext): void {
  program
    .command('read')
    .description('read target memory: a hex dump, or the raw bytes into --out FILE')
    .argument('<address>', 'where to start, e.g. 0x08000000', parseAddress)
    .argument('<length>', 'how many bytes, e.g. 256, 0x100 or 16K', parseLength)
    .option('--out <file>', 'write the bytes to this file instead of printing them')
    .action(async (address: number, length: number, options: { out?: string }, command: Command) => {
      checkRange(address, length);
      await withTarget(command, context, async ({ session, output }) => {
        const data = await session.readMemory(address, length);
        if (options.out !== undefined) {
          try {
            writeFileSync(options.out, data);
          } catch (cause) {
            throw new UnavailableError(
              'output-unwritable',
              `cannot write ${options.out}: ${(cause as Error).message}`,
              {
                cause,
                hint: 'Check the path and that its directory is writable.',
              },
            );
          }
          output.result<ReadResult>(
            { address, length, file: options.out },
            (r) => `read ${size(r.length)} from ${hex32(r.address)} into ${options.out ?? ''}`,
          );
        } else {
          output.result<ReadResult>({ address, length, data: hexBytes(data).replaceAll(' ', '') }, () =>
            hexDump(address, data),
          );
        }
      });
    });

  program
    .command('write')
    .description('write bytes into target memory (RAM, peripherals; flash is written by `swdkit flash`)')
    .argument('<address>', 'where to write, e.g. 0x20000000', parseAddress)
    .argument('[hex]', "the bytes as hex, e.g. 'deadbeef' or 'de ad be ef'")
    .addOption(new Option('--in <file>', 'write the bytes of this file'))
    .action(async (address: number, hex: string | undefined, options: { in?: string }, command: Command) => {
      if ((hex === undefined) === (options.in === undefined)) {
        throw new UsageError(
          'write-what',
          'give the bytes to write: as HEX, or with --in FILE (one of them)',
          {
            hint: 'e.g. swdkit write 0x20000000 deadbeef',
          },
        );
      }
      const data = options.in === undefined ? parseHexBytes(hex ?? '') : readInput(options.in);
      if (data.length === 0) {
        throw new BadInputError('empty-input', `${options.in ?? 'the data'} is empty: nothing to write`);
      }
      checkRange(address, data.length);
      await withTarget(command, context, async ({ session, output }) => {
        await session.writeMemory(address, data);
        output.result<WriteResult>(
          { address, length: data.length },
          (r) => `wrote ${size(r.length)} at ${hex32(r.address)}`,
        );
      });
    });
}

function checkRange(address: number, length: number): void {
  if (address + length > 0x1_0000_0000) {
    throw new UsageError(
      'range-past-4gib',
      `${size(length)} at ${hex32(address)} run past the end of the 32-bit address space`,
    );
  }
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new BadInputError('input-unreadable', `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check the path and that the file is readable.',
    });
  }
}
