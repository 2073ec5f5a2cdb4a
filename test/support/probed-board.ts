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

/** Rewrites a read reply: (address-of-command, reply) → reply. For faking what the target answers. */
export type ReplyFilter = (command: Uint8Array, reply: Uint8Array) => Uint8Array;

export interface ProbedBoardOptions {
  /** firmware/bin/<name>.elf in flash at power-on; none: erased flash. */
  readonly firmware?: string;
  /** How long the board runs before the probe is opened, ms (default 5). */
  readonly runMs?: number;
  readonly powered?: boolean;
  readonly filter?: ReplyFilter;
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
  const filter = options.filter;
  const wrapped = {
    identity: device.identity,
    modelledNanoseconds: () => device.modelledNanoseconds(),
    exchange: async (command: Uint8Array, phase: DataPhase) => {
      exchanges++;
      const reply = await device.exchange(command, phase);
      return filter === undefined || phase.kind !== 'read' ? reply : filter(command, reply);
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
