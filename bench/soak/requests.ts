import {
  dataPhaseOf,
  decodeCommand,
  encodeCommand,
  isMemoryCommand,
  type KnownCommand,
} from '../../src/protocol/commands.js';
import { DAP_PORT_DP } from '../../src/protocol/opcodes.js';
import { swdKHzForDivisor } from '../../src/protocol/speed.js';
import { setU32le, u32le } from '../../src/util/bytes.js';
import {
  MAX_READ_DATA,
  MAX_WRITE_DATA,
  USB_DIRECTION,
  type ServerRequest,
} from '../../src/transport/stlink-server/wire.js';
import type { Random } from './random.js';

/**
 * Hostile stlink-server requests: valid ST-Link commands with random and extreme parameters, then
 * mutated (bytes overwritten, counts replaced by 0xFFFFFFFF and friends), inside SEND_USB_CMD
 * headers whose direction, length and connect_id are sometimes wrong too.
 *
 * What they never do is change the target in ways that are shared on purpose (README, "What is
 * shared on purpose"): a client that writes GPIOA_MODER takes PA13/PA14 away from every debugger,
 * as on silicon, and one that holds NRST low keeps the board in reset for everyone. So memory
 * writes land in a scratch window of SRAM, register and DAP-register writes become reads, and
 * NRST "low" becomes a pulse. Everything the server and the virtual probe must survive — counts,
 * lengths, clocks, framing — is left as random as it comes.
 */

/** Where hostile writes go: SRAM2's first 8 KiB, away from the well-behaved clients and the stack. */
export const SCRATCH_BASE = 0x2001_8000;
export const SCRATCH_SIZE = 0x2000;

/** Counts and lengths that sized allocations or loops before issue 11. */
export const EXTREME_COUNTS = [0xffff_ffff, 0x0500_0040, 10_000_000, 0x7fff_ffff, 0x8000_0000, 65, 1228, 0];

const MEMORY_KINDS = [
  'READMEM_8BIT',
  'WRITEMEM_8BIT',
  'READMEM_16BIT',
  'WRITEMEM_16BIT',
  'READMEM_32BIT',
  'WRITEMEM_32BIT',
  'READMEM_32BIT_NO_ADDR_INC',
  'WRITEMEM_32BIT_NO_ADDR_INC',
] as const;

const ADDRESSES = [0x2000_0000, 0x2001_8000, 0x0800_0000, 0xe000_ed00, 0xe000_edf0, 0x4002_3800, 0x5000_0000];

/**
 * A valid ST-Link command with random, often extreme, parameters. Clock commands are rare (one in
 * 300): an extreme clock slows every client's commands while its sender stays, so a fuzz session
 * that sets one leaves a few commands later (see hostile.ts).
 */
function randomCommand(r: Random): KnownCommand {
  const address = r.chance(0.7) ? r.pick(ADDRESSES) + 4 * r.int(64) : r.u32();
  const length = r.pick([1, 2, 4, 64, 256, 1024, 4096, 6144, 6148, 0xffff, r.int(0x10000)]);
  const clock = r.chance(1 / 300);
  switch (
    clock ? 16 + r.int(3) : r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 19, 20, 21, 22, 23])
  ) {
    case 0:
      return { kind: 'GET_VERSION' };
    case 1:
      return { kind: 'GET_CURRENT_MODE' };
    case 2:
      return { kind: 'GET_TARGET_VOLTAGE' };
    case 3:
      return { kind: 'APIV2_ENTER', mode: r.pick(['swd', 'jtag', 'jtag-with-reset'] as const) };
    case 4:
      return { kind: 'EXIT' };
    case 5:
      return { kind: 'READ_IDCODES' };
    case 6:
    case 7:
    case 8:
      return { kind: r.pick(MEMORY_KINDS), address, length, ap: r.chance(0.9) ? 0 : r.int(256), csw: 0 };
    case 9:
      return { kind: r.pick(['GETLASTRWSTATUS', 'GETLASTRWSTATUS2'] as const) };
    case 10:
      return { kind: 'READDEBUGREG', address };
    case 11:
      return { kind: 'WRITEDEBUGREG', address, value: r.u32() };
    case 12:
      return { kind: 'READREG', regsel: r.int(0x60) };
    case 13:
      return { kind: 'WRITEREG', regsel: r.int(0x60), value: r.u32() };
    case 14:
      return { kind: r.pick(['READALLREGS', 'RESETSYS', 'GET_VERSION_EX', 'DFU_EXIT'] as const) };
    case 15:
      return { kind: 'DRIVE_NRST', action: r.pick(['low', 'high', 'pulse'] as const) };
    case 16:
      // Extreme clocks: the slowest table entry, off-table divisors, 0 kHz, 4 GHz.
      return { kind: 'SWD_SET_FREQ', divisor: r.pick([798, 0xffff, 0, 1, 4, 265, r.int(0x10000)]) };
    case 17:
      return { kind: 'JTAG_SET_FREQ', divisor: r.pick([256, 0xffff, 0, 4, r.int(0x10000)]) };
    case 18:
      return r.chance(0.5)
        ? { kind: 'APIV3_GET_COM_FREQ', protocol: r.pick(['swd', 'jtag'] as const) }
        : {
            kind: 'APIV3_SET_COM_FREQ',
            protocol: r.pick(['swd', 'jtag'] as const),
            kHz: r.pick([0, 1, 5, 0xffff_ffff, r.u32()]),
          };
    case 19:
      return { kind: r.pick(['INIT_AP', 'CLOSE_AP_DBG'] as const), ap: r.int(256) };
    case 20:
      return r.chance(0.5)
        ? {
            kind: 'READ_DAP_REG',
            port: r.chance(0.5) ? DAP_PORT_DP : r.int(0x10000),
            register: r.int(0x10000),
          }
        : {
            kind: 'WRITE_DAP_REG',
            port: r.chance(0.5) ? DAP_PORT_DP : r.int(0x10000),
            register: r.int(0x10000),
            value: r.u32(),
          };
    case 21:
      return { kind: 'RW_MISC_OUT', items: r.chance(0.5) ? r.pick(EXTREME_COUNTS) : r.int(80) };
    case 22:
      return { kind: 'RW_MISC_IN' };
    default:
      return r.chance(0.5)
        ? { kind: 'START_TRACE_RX', bufferSize: r.int(0x10000), baudHz: r.u32() }
        : { kind: r.pick(['STOP_TRACE_RX', 'GET_TRACE_NB'] as const) };
  }
}

/** Overwrites a few bytes, or a count field, of a 16-byte block. */
function mutate(r: Random, block: Uint8Array): void {
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    if (r.chance(0.5)) block[r.int(16)] = r.u32() & 0xff;
    else setU32le(block, 2 + r.int(11), r.pick(EXTREME_COUNTS));
  }
}

/**
 * Confines what a hostile command does to the target (see the file comment). Decides from the block
 * as the virtual probe decodes it, so a mutation cannot slip a write past it.
 */
function defang(block: Uint8Array, data: Uint8Array): void {
  const command = decodeCommand(block);
  if (isMemoryCommand(command) && command.kind.startsWith('WRITE')) {
    setU32le(block, 2, SCRATCH_BASE + ((command.address % SCRATCH_SIZE) & ~3));
    return;
  }
  switch (command.kind) {
    case 'WRITEDEBUGREG':
      setU32le(block, 2, SCRATCH_BASE + ((command.address % SCRATCH_SIZE) & ~3));
      break;
    case 'WRITEREG':
      block[1] = 0x33; // READREG
      break;
    case 'WRITE_DAP_REG':
      block[1] = 0x45; // READ_DAP_REG
      break;
    case 'DRIVE_NRST':
      if (command.action === 'low') block[2] = 2; // pulse
      break;
    case 'RW_MISC_OUT': {
      // Items: one type byte each (1 address, 2 write, 3 read, 5 select AP), padded to 4, then values.
      const items = Math.min(command.items, data.length);
      for (let i = 0; i < items; i++) if (data[i] === 2 || data[i] === 1) data[i] = 3;
      break;
    }
    default:
      break;
  }
  // An API v1 write (0xF2 0x06/0x0F...) or any other opcode the sim does not know answers 0x42.
}

export interface HostileUsbCommand {
  readonly block: Uint8Array;
  readonly direction: 0 | 1 | 3;
  readonly length: number;
  readonly data: Uint8Array;
  /** The SWD clock this sets, when it is a clock command that would slow the wire. */
  readonly slowsWire: boolean;
}

/** One SEND_USB_CMD's contents: command block, direction and data, right or (sometimes) wrong. */
export function hostileUsbCommand(r: Random): HostileUsbCommand {
  const command = randomCommand(r);
  const block = encodeCommand(command);
  if (r.chance(0.3)) mutate(r, block);
  if (r.chance(0.02)) block.set(r.bytes(16));
  const phase = dataPhaseOf(decodeCommand(block));
  let direction: 0 | 1 | 3;
  let length: number;
  if (phase !== undefined && r.chance(0.8)) {
    direction = phase.kind === 'write' ? 0 : 1;
    length = phase.kind === 'none' ? 0 : phase.length;
  } else {
    direction = r.pick([0, 1, 1, 3] as const);
    length = r.pick([0, 1, 2, 8, 12, 64, 4096, r.int(direction === 0 ? MAX_WRITE_DATA : MAX_READ_DATA)]);
  }
  if (direction === 0) length = Math.min(length, MAX_WRITE_DATA);
  else length = Math.min(length, MAX_READ_DATA);
  const data = direction === USB_DIRECTION.write ? r.bytes(length) : new Uint8Array(0);
  defang(block, data);
  return { block, direction, length, data, slowsWire: slowsWire(block) };
}

/**
 * An SWD clock below 1 MHz that the soak's V2 probe takes (a divisor of ST's table ≥ 3; any other
 * is refused with 0x41). JTAG clocks and V3's SET_COM_FREQ do not touch a V2's SWD wire.
 */
function slowsWire(block: Uint8Array): boolean {
  const command = decodeCommand(block);
  return (
    command.kind === 'SWD_SET_FREQ' && command.divisor >= 3 && swdKHzForDivisor(command.divisor) !== undefined
  );
}

/** A random framed stlink-server request, mostly SEND_USB_CMD on `connectId`. */
export function hostileRequest(r: Random, connectId: number): { request: ServerRequest; slowsWire: boolean } {
  const roll = r.int(100);
  if (roll < 80) {
    const usb = hostileUsbCommand(r);
    const id = r.chance(0.95) ? connectId : r.pick([0, connectId + 1, 0xffff_ffff, r.u32()]);
    return {
      request: {
        command: 'SEND_USB_CMD',
        connectId: id,
        usbCommand: usb.block,
        direction: usb.direction,
        length: usb.direction === USB_DIRECTION.write ? usb.data.length : usb.length,
        data: usb.data,
      },
      slowsWire: usb.slowsWire,
    };
  }
  const request: ServerRequest = r.pick<ServerRequest>([
    { command: 'GET_SERVER_VERSION', clientApi: r.int(256) },
    { command: 'REFRESH_DEVICE_LIST', clear: r.int(256) },
    { command: 'GET_NB_DEV' },
    { command: 'GET_DEV_INFO', index: r.int(256), recordSize: r.pick([41, 0, 0xffff_ffff, r.u32()]) },
    { command: 'OPEN_DEV', deviceId: r.pick([1, 0, 2, 0xffff_ffff]) },
    { command: 'CLOSE_DEV', connectId: r.chance(0.2) ? connectId : r.u32() },
    { command: 'GET_NB_OF_DEV_CLIENTS', deviceId: r.pick([1, 0, r.u32()]) },
  ]);
  return { request, slowsWire: false };
}

/** Reads the TCP status of a SEND_USB_CMD reply. */
export function usbReplyStatus(reply: Uint8Array): number {
  return u32le(reply, 0);
}
