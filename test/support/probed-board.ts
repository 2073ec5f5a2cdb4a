/**
 * A virtual Discovery board with a firmware image already in flash, powered and running for a while,
 * reached through the real host stack: StLink over the in-process transport to the virtual ST-Link.
 * Time is the board's: every probe exchange runs the board for its modelled cost, and `clock.sleep`
 * runs it for the time slept, so timeouts in arm/ and session are virtual milliseconds.
 */
import type { Clock } from '../../src/arm/debug-access.js';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { StLink } from '../../src/probe/stlink.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { decodeCommand, type StLinkCommand } from '../../src/protocol/commands.js';
import type { DataPhase } from '../../src/protocol/link.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { readElf, type ElfFile } from './elf.js';
import { firmwareElf } from './paths.js';

export interface ProbedBoard {
  readonly board: DiscoveryBoard;
  readonly device: VirtualStLinkDevice;
  readonly stlink: StLink;
  readonly elf: ElfFile | undefined;
  /** Virtual time: sleep runs the board, now is the board's clock in ms. */
  readonly clock: Clock;
  /** The address of a firmware symbol. */
  symbol(name: string): number;
  /** Probe exchanges so far. */
  readonly exchanges: () => number;
}

/**
 * Sits between the host and the virtual probe: gets each command decoded and a way to pass it on, and
 * returns the reply bytes. For faking what a different chip would answer, or a command that is lost.
 */
export type Intercept = (command: StLinkCommand, forward: () => Promise<Uint8Array>) => Promise<Uint8Array>;

export interface ProbedBoardOptions {
  /** firmware/bin/<name>.elf in flash at power-on; none: erased flash. */
  readonly firmware?: string;
  /** How long the board runs before the probe is opened, ms (default 5). */
  readonly runMs?: number;
  readonly powered?: boolean;
  readonly intercept?: Intercept;
  readonly model?: 'v2-1' | 'v3';
}

export async function probedBoard(options: ProbedBoardOptions = {}): Promise<ProbedBoard> {
  const elf = options.firmware === undefined ? undefined : readElf(firmwareElf(options.firmware));
  const image = options.firmware === undefined ? undefined : readImageFile(firmwareElf(options.firmware));
  const board = new DiscoveryBoard({
    powered: false,
    ...(image === undefined ? {} : { preload: image.segments.map((s) => ({ ...s })) }),
  });
  if (options.powered ?? true) board.power(true);
  board.runFor((options.runMs ?? 5) * 1e6);
  const device = new VirtualStLinkDevice(board, {
    model: options.model ?? 'v2-1',
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  let exchanges = 0;
  const intercept = options.intercept;
  const wrapped = {
    identity: device.identity,
    modelledNanoseconds: () => device.modelledNanoseconds(),
    exchange: async (command: Uint8Array, phase: DataPhase) => {
      exchanges++;
      const forward = async (): Promise<Uint8Array> => device.exchange(command, phase);
      return intercept === undefined ? forward() : intercept(decodeCommand(command), forward);
    },
    readTrace: (n: number) => device.readTrace(n),
  };
  const stlink = await StLink.open(new InProcessTransport(wrapped));
  const clock: Clock = {
    sleep: async (ms) => {
      board.runFor(ms * 1e6);
      await Promise.resolve();
    },
    now: () => board.now / 1e6,
  };
  return {
    board,
    device,
    stlink,
    elf,
    clock,
    symbol: (name) => {
      if (elf === undefined) throw new Error('no firmware loaded');
      return elf.requireSymbol(name).address;
    },
    exchanges: () => exchanges,
  };
}
