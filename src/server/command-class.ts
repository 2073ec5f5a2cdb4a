import { decodeCommand, encodeCommand, isMemoryCommand } from '../protocol/commands.js';
import type { NrstAction } from '../protocol/opcodes.js';

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
    case 'SWD_SET_FREQ':
      return { kind: 'speed', wire: 'swd-divisor', slowness: command.divisor };
    case 'JTAG_SET_FREQ':
      return { kind: 'speed', wire: 'jtag-divisor', slowness: command.divisor };
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
