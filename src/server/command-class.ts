import { dataPhaseOf, decodeCommand, encodeCommand, isMemoryCommand } from '../protocol/commands.js';
import type { NrstAction } from '../protocol/opcodes.js';
import {
  JTAG_DEFAULT_KHZ,
  SWD_DEFAULT_KHZ,
  jtagKHzForDivisor,
  pickJtagDivisor,
  pickSwdDivisor,
  swdKHzForDivisor,
} from '../protocol/speed.js';

/**
 * What the sharing layer needs to know about an ST-Link command block: only the commands whose effect
 * spans more than one exchange, or reaches every client, get a class of their own (docs/sharing.md §3);
 * everything else is atomic on its own and passes straight through the device queue.
 */
export type SharingClass =
  | { readonly kind: 'memory' }
  | { readonly kind: 'rw-status' }
  | { readonly kind: 'get-mode' }
  /** `mode` tells SWD from JTAG: a second client cannot enter the other one. */
  | { readonly kind: 'enter'; readonly mode: string }
  | { readonly kind: 'exit' }
  | { readonly kind: 'dfu-exit' }
  | { readonly kind: 'nrst'; readonly action: NrstAction }
  /** `slowness` orders requests on one `wire`: a larger V2 divisor, or a lower V3 kHz, is slower. */
  | { readonly kind: 'speed'; readonly wire: string; readonly slowness: number }
  | { readonly kind: 'rw-misc-out'; readonly items: number }
  | { readonly kind: 'rw-misc-in' }
  | { readonly kind: 'other' };

const OTHER: SharingClass = { kind: 'other' };

export function classify(block: Uint8Array): SharingClass {
  const command = decodeCommand(block);
  if (isMemoryCommand(command)) return { kind: 'memory' };
  switch (command.kind) {
    case 'GETLASTRWSTATUS':
    case 'GETLASTRWSTATUS2':
      return { kind: 'rw-status' };
    case 'GET_CURRENT_MODE':
      return { kind: 'get-mode' };
    case 'APIV2_ENTER':
      return { kind: 'enter', mode: command.mode };
    case 'APIV1':
      return command.command === 'APIV1_ENTER' ? { kind: 'enter', mode: 'apiv1' } : OTHER;
    case 'EXIT':
      return { kind: 'exit' };
    case 'DFU_EXIT':
      return { kind: 'dfu-exit' };
    case 'DRIVE_NRST':
      return { kind: 'nrst', action: command.action };
    // A divisor outside ST's table is no speed request: the V2 firmware refuses it (0x41) and keeps
    // its clock, so it passes straight through and never becomes anyone's "slowest" request.
    case 'SWD_SET_FREQ':
      return swdKHzForDivisor(command.divisor) === undefined
        ? OTHER
        : { kind: 'speed', wire: 'swd-divisor', slowness: command.divisor };
    case 'JTAG_SET_FREQ':
      return jtagKHzForDivisor(command.divisor) === undefined
        ? OTHER
        : { kind: 'speed', wire: 'jtag-divisor', slowness: command.divisor };
    case 'APIV3_SET_COM_FREQ':
      return { kind: 'speed', wire: `${command.protocol}-khz`, slowness: -command.kHz };
    case 'RW_MISC_OUT':
      return { kind: 'rw-misc-out', items: command.items };
    case 'RW_MISC_IN':
      return { kind: 'rw-misc-in' };
    default:
      return OTHER;
  }
}

/** The status query the server itself runs right after a memory command (A.4, A.5). */
export function rwStatusCommand(withStatus2: boolean): { command: Uint8Array; length: 2 | 12 } {
  return withStatus2
    ? { command: encodeCommand({ kind: 'GETLASTRWSTATUS2' }), length: 12 }
    : { command: encodeCommand({ kind: 'GETLASTRWSTATUS' }), length: 2 };
}

export const rwMiscInCommand = (): Uint8Array => encodeCommand({ kind: 'RW_MISC_IN' });
export const driveNrstCommand = (action: NrstAction): Uint8Array =>
  encodeCommand({ kind: 'DRIVE_NRST', action });
export const getVersionCommand = (): Uint8Array => encodeCommand({ kind: 'GET_VERSION' });

/** A speed request as the server replays it: the wire it is for, how slow it is, the bytes to send. */
export interface SpeedRequest {
  readonly wire: string;
  readonly slowness: number;
  readonly command: Uint8Array;
  readonly phase: { readonly kind: 'read'; readonly length: number };
}

/**
 * The clock a wire goes back to when no attached client asks for one any more: the ST-Link's
 * power-up default (A.6: V2 divisor 1, 1.8 MHz SWD; divisor 32, 1.125 MHz JTAG). A V3 has no table;
 * the same kHz asked with SET_COM_FREQ gets the fastest listed frequency at or below them.
 */
export function defaultSpeed(wire: string): SpeedRequest | undefined {
  switch (wire) {
    case 'swd-divisor': {
      const { divisor } = pickSwdDivisor(SWD_DEFAULT_KHZ);
      return speedRequest(wire, divisor, { kind: 'SWD_SET_FREQ', divisor }, 2);
    }
    case 'jtag-divisor': {
      const { divisor } = pickJtagDivisor(JTAG_DEFAULT_KHZ);
      return speedRequest(wire, divisor, { kind: 'JTAG_SET_FREQ', divisor }, 2);
    }
    case 'swd-khz':
      return speedRequest(wire, -SWD_DEFAULT_KHZ, {
        kind: 'APIV3_SET_COM_FREQ',
        protocol: 'swd',
        kHz: SWD_DEFAULT_KHZ,
      });
    case 'jtag-khz':
      return speedRequest(wire, -JTAG_DEFAULT_KHZ, {
        kind: 'APIV3_SET_COM_FREQ',
        protocol: 'jtag',
        kHz: JTAG_DEFAULT_KHZ,
      });
    default:
      return undefined;
  }
}

function speedRequest(
  wire: string,
  slowness: number,
  command: Parameters<typeof encodeCommand>[0],
  replyLength?: number,
): SpeedRequest {
  const block = encodeCommand(command);
  const phase = dataPhaseOf(command);
  const length = replyLength ?? (phase?.kind === 'read' ? phase.length : 0);
  return { wire, slowness, command: block, phase: { kind: 'read', length } };
}
