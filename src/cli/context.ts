import type { Command } from 'commander';
import type { UsbLike } from '../transport/webusb/webusb-api.js';
import type { Output } from './output.js';
import type { ProbeSpec } from './probe-spec.js';
import type { StLink } from '../probe/stlink.js';
import type { ConnectOptions, ConnectStrategy, Session } from '../session.js';

/**
 * What the commands are given, declared apart from program.ts (which builds it and registers the
 * commands) so that the commands do not import the program that imports them.
 */

export interface GlobalOptions {
  readonly json: boolean;
  readonly verbose: number;
  /** The target options (--probe, --connect, --speed, --yes), for the commands that use a target. */
  readonly probe?: ProbeSpec;
  readonly connect: ConnectStrategy;
  readonly speed?: number;
  readonly yes: boolean;
}

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where a consent question is answered; only a TTY is ever asked. */
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** How a target command connects to the target: Session.connect (tests may wrap it). */
export type ConnectSession = (stlink: StLink, options?: ConnectOptions) => Promise<Session>;

/** An stlink-server's address. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/** How a command reaches USB: node-usb in the CLI, a fake device in front of a virtual probe in tests. */
export type UsbAccess = () => Promise<UsbLike>;

/** What every command gets: where to print, with the global --json / -v in force, and USB access. */
export interface CommandContext {
  readonly io: CliIo;
  readonly usb: UsbAccess;
  /** The server tried when --probe is absent and there is no single USB probe (127.0.0.1:7184). */
  readonly defaultServer?: ServerAddress;
  /** Session.connect; tests may wrap it. */
  readonly connectSession: ConnectSession;
  /** Where a busy USB probe's holder is looked up (default /proc); tests pass a fake tree. */
  readonly procRoot?: string;
  output(command: Command): Output;
}
