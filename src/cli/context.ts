import type { Command } from 'commander';
import type { UsbLike } from '../transport/webusb/webusb-api.js';
import type { Output } from './output.js';

/**
 * What the commands are given, declared apart from program.ts (which builds it and registers the
 * commands) so that the commands do not import the program that imports them.
 */

export interface GlobalOptions {
  readonly json: boolean;
  readonly verbose: number;
}

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** How a command reaches USB: node-usb in the CLI, a fake device in front of a virtual probe in tests. */
export type UsbAccess = () => Promise<UsbLike>;

/** What every command gets: where to print, with the global --json / -v in force, and USB access. */
export interface CommandContext {
  readonly io: CliIo;
  readonly usb: UsbAccess;
  output(command: Command): Output;
}
