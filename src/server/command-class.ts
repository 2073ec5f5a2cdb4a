import {
  APIV1_DEBUG_COMMAND,
  COMMAND_CLASS,
  COM_FREQ_PROTOCOL,
  DEBUG_COMMAND,
  DFU_COMMAND,
  NRST_ACTION,
  type NrstAction,
} from '../protocol/opcodes.js';

/**
 * What the sharing layer needs to know about an ST-Link command block: only the commands whose effect
 * spans more than one exchange, or reaches every client, get a class of their own (SHARING.md);
 * everything else is atomic on its own and passes straight through the device queue.
 */
export type SharingClass =
  | { readonly kind: 'memory' }
  | { readonly kind: 'rw-status'; readonly replyLength: 2 | 12 }
  | { readonly kind: 'get-mode' }
  | { readonly kind: 'enter'; readonly transport: number }
  | { readonly kind: 'exit' }
  | { readonly kind: 'dfu-exit' }
  | { readonly kind: 'nrst'; readonly action: NrstAction }
  /** `slowness` orders requests of one `wire`: a larger V2 divisor, or a lower V3 kHz, is slower. */
  | { readonly kind: 'speed'; readonly wire: string; readonly slowness: number }
  | { readonly kind: 'rw-misc-out'; readonly items: number }
  | { readonly kind: 'rw-misc-in' }
  | { readonly kind: 'other' };

const MEMORY_COMMANDS: ReadonlySet<number> = new Set([
  DEBUG_COMMAND.READMEM_32BIT,
  DEBUG_COMMAND.WRITEMEM_32BIT,
  DEBUG_COMMAND.READMEM_8BIT,
  DEBUG_COMMAND.WRITEMEM_8BIT,
  DEBUG_COMMAND.READMEM_16BIT,
  DEBUG_COMMAND.WRITEMEM_16BIT,
  DEBUG_COMMAND.READMEM_32BIT_NO_ADDR_INC,
  DEBUG_COMMAND.WRITEMEM_32BIT_NO_ADDR_INC,
]);

const OTHER: SharingClass = { kind: 'other' };

function nrstAction(code: number): NrstAction | undefined {
  for (const [name, value] of Object.entries(NRST_ACTION)) if (value === code) return name as NrstAction;
  return undefined;
}

export function classify(command: Uint8Array): SharingClass {
  const cls = command[0] ?? 0;
  const sub = command[1] ?? 0;
  const dv = new DataView(command.buffer, command.byteOffset, command.byteLength);
  if (cls === COMMAND_CLASS.GET_CURRENT_MODE) return { kind: 'get-mode' };
  if (cls === COMMAND_CLASS.DFU_COMMAND && sub === DFU_COMMAND.DFU_EXIT) return { kind: 'dfu-exit' };
  if (cls !== COMMAND_CLASS.DEBUG_COMMAND) return OTHER;
  if (MEMORY_COMMANDS.has(sub)) return { kind: 'memory' };
  switch (sub) {
    case DEBUG_COMMAND.GETLASTRWSTATUS:
      return { kind: 'rw-status', replyLength: 2 };
    case DEBUG_COMMAND.GETLASTRWSTATUS2:
      return { kind: 'rw-status', replyLength: 12 };
    case DEBUG_COMMAND.APIV2_ENTER:
    case APIV1_DEBUG_COMMAND.APIV1_ENTER:
      return { kind: 'enter', transport: command[2] ?? 0 };
    case DEBUG_COMMAND.EXIT:
      return { kind: 'exit' };
    case DEBUG_COMMAND.DRIVE_NRST: {
      const action = nrstAction(command[2] ?? 0xff);
      return action === undefined ? OTHER : { kind: 'nrst', action };
    }
    case DEBUG_COMMAND.SWD_SET_FREQ:
      return { kind: 'speed', wire: 'swd-divisor', slowness: dv.getUint16(2, true) };
    case DEBUG_COMMAND.JTAG_SET_FREQ:
      return { kind: 'speed', wire: 'jtag-divisor', slowness: dv.getUint16(2, true) };
    case DEBUG_COMMAND.APIV3_SET_COM_FREQ:
      return {
        kind: 'speed',
        wire: command[2] === COM_FREQ_PROTOCOL.jtag ? 'jtag-khz' : 'swd-khz',
        slowness: -dv.getUint32(4, true),
      };
    case DEBUG_COMMAND.RW_MISC_OUT:
      return { kind: 'rw-misc-out', items: dv.getUint32(2, true) };
    case DEBUG_COMMAND.RW_MISC_IN:
      return { kind: 'rw-misc-in' };
    default:
      return OTHER;
  }
}

/** The status query the server itself runs right after a memory command (A.4, A.5). */
export function rwStatusCommand(withStatus2: boolean): { command: Uint8Array; length: 2 | 12 } {
  const command = new Uint8Array(16);
  command[0] = COMMAND_CLASS.DEBUG_COMMAND;
  command[1] = withStatus2 ? DEBUG_COMMAND.GETLASTRWSTATUS2 : DEBUG_COMMAND.GETLASTRWSTATUS;
  return { command, length: withStatus2 ? 12 : 2 };
}

export function rwMiscInCommand(): Uint8Array {
  const command = new Uint8Array(16);
  command[0] = COMMAND_CLASS.DEBUG_COMMAND;
  command[1] = DEBUG_COMMAND.RW_MISC_IN;
  return command;
}

export function driveNrstCommand(action: NrstAction): Uint8Array {
  const command = new Uint8Array(16);
  command[0] = COMMAND_CLASS.DEBUG_COMMAND;
  command[1] = DEBUG_COMMAND.DRIVE_NRST;
  command[2] = NRST_ACTION[action];
  return command;
}

export function getVersionCommand(): Uint8Array {
  const command = new Uint8Array(16);
  command[0] = COMMAND_CLASS.GET_VERSION;
  return command;
}
