import { setU16be, setU16le, setU32le, setU8, u16be, u16le, u32le, u8 } from '../util/bytes.js';
import { badParameter, checkReplyLength, checkUint } from './frame.js';
import { RW_MISC_OP, type RwMiscOp } from './opcodes.js';
import { READALLREGS_WORDS } from './regsel.js';
import { MAX_COM_FREQUENCIES } from './speed.js';
import type { GetVersionExReply, GetVersionReply } from './version.js';
import { memoryDataPhase, rwMiscOutLength, type MemoryCommandKind, type MemoryRequest } from './commands.js';

/**
 * Reply layouts (docs/stlink-protocol.md §A.3/A.4), written once. Decoders return the status byte
 * as a number and never judge it: probe/ checks every status in one place. Encoders are what the
 * virtual probe answers with.
 */

export const REPLY_LENGTH = {
  STATUS: 2,
  STATUS_WORD: 8,
  GET_VERSION: 6,
  GET_VERSION_EX: 12,
  GET_CURRENT_MODE: 2,
  GET_TARGET_VOLTAGE: 8,
  READ_IDCODES: 12,
  READALLREGS: 4 + 4 * READALLREGS_WORDS,
  GETLASTRWSTATUS2: 12,
  APIV3_GET_COM_FREQ: 52,
  APIV3_SET_COM_FREQ: 8,
  GET_TRACE_NB: 2,
} as const;

function checkByte(name: string, field: string, value: number): void {
  checkUint(name, field, value, 8);
}

// --- status only: APIV2_ENTER, RESETSYS, WRITEREG, WRITEDEBUGREG, DRIVE_NRST, SWD/JTAG_SET_FREQ,
// INIT_AP, CLOSE_AP_DBG, WRITE_DAP_REG, START/STOP_TRACE_RX, GETLASTRWSTATUS: [0] status, [1] 0.

export interface StatusReply {
  readonly status: number;
}

export function encodeStatusReply(status: number): Uint8Array {
  checkByte('status reply', 'status', status);
  return new Uint8Array([status, 0]);
}

export function decodeStatusReply(bytes: Uint8Array): StatusReply {
  checkReplyLength('status', bytes, REPLY_LENGTH.STATUS);
  return { status: u8(bytes, 0) };
}

// --- status and a word: READREG, READDEBUGREG, READ_DAP_REG: [0] status, [4..7] LE value.

export interface StatusWordReply {
  readonly status: number;
  readonly value: number;
}

export function encodeStatusWordReply(reply: StatusWordReply): Uint8Array {
  checkByte('status+word reply', 'status', reply.status);
  const bytes = new Uint8Array(REPLY_LENGTH.STATUS_WORD);
  setU8(bytes, 0, reply.status);
  setU32le(bytes, 4, reply.value >>> 0);
  return bytes;
}

export function decodeStatusWordReply(bytes: Uint8Array): StatusWordReply {
  checkReplyLength('status+word', bytes, REPLY_LENGTH.STATUS_WORD);
  return { status: u8(bytes, 0), value: u32le(bytes, 4) };
}

// --- GET_VERSION: [0..1] big-endian V:4 X:6 Y:6, [2..3] VID LE, [4..5] PID LE. No status byte.

export function encodeGetVersionReply(reply: GetVersionReply): Uint8Array {
  checkUint('GET_VERSION reply', 'V', reply.v, 4);
  checkUint('GET_VERSION reply', 'X', reply.x, 6);
  checkUint('GET_VERSION reply', 'Y', reply.y, 6);
  const bytes = new Uint8Array(REPLY_LENGTH.GET_VERSION);
  setU16be(bytes, 0, (reply.v << 12) | (reply.x << 6) | reply.y);
  setU16le(bytes, 2, reply.vid);
  setU16le(bytes, 4, reply.pid);
  return bytes;
}

export function decodeGetVersionReply(bytes: Uint8Array): GetVersionReply {
  checkReplyLength('GET_VERSION', bytes, REPLY_LENGTH.GET_VERSION);
  const word = u16be(bytes, 0);
  return {
    v: word >>> 12,
    x: (word >>> 6) & 0x3f,
    y: word & 0x3f,
    vid: u16le(bytes, 2),
    pid: u16le(bytes, 4),
  };
}

// --- GET_VERSION_EX (V3): [0] V, [1] SWIM, [2] JTAG, [3] MSD, [4] bridge, [5..7] reserved,
// [8..9] VID LE, [10..11] PID LE.

export function encodeGetVersionExReply(reply: GetVersionExReply): Uint8Array {
  const bytes = new Uint8Array(REPLY_LENGTH.GET_VERSION_EX);
  setU8(bytes, 0, reply.v);
  setU8(bytes, 1, reply.swim);
  setU8(bytes, 2, reply.jtag);
  setU8(bytes, 3, reply.msd);
  setU8(bytes, 4, reply.bridge);
  setU16le(bytes, 8, reply.vid);
  setU16le(bytes, 10, reply.pid);
  return bytes;
}

export function decodeGetVersionExReply(bytes: Uint8Array): GetVersionExReply {
  checkReplyLength('GET_VERSION_EX', bytes, REPLY_LENGTH.GET_VERSION_EX);
  return {
    v: u8(bytes, 0),
    swim: u8(bytes, 1),
    jtag: u8(bytes, 2),
    msd: u8(bytes, 3),
    bridge: u8(bytes, 4),
    vid: u16le(bytes, 8),
    pid: u16le(bytes, 10),
  };
}

// --- GET_CURRENT_MODE: [0] mode (STLINK_MODE), [1] unused.

export function encodeGetCurrentModeReply(mode: number): Uint8Array {
  checkByte('GET_CURRENT_MODE reply', 'mode', mode);
  return new Uint8Array([mode, 0]);
}

export function decodeGetCurrentModeReply(bytes: Uint8Array): { readonly mode: number } {
  checkReplyLength('GET_CURRENT_MODE', bytes, REPLY_LENGTH.GET_CURRENT_MODE);
  return { mode: u8(bytes, 0) };
}

// --- GET_TARGET_VOLTAGE: [0..3] LE factor (ADC count of the 1.2 V reference), [4..7] LE reading
// (ADC count of VTref/2). No status byte.

export interface TargetVoltageReply {
  readonly factor: number;
  readonly reading: number;
}

export function encodeGetTargetVoltageReply(reply: TargetVoltageReply): Uint8Array {
  const bytes = new Uint8Array(REPLY_LENGTH.GET_TARGET_VOLTAGE);
  setU32le(bytes, 0, reply.factor);
  setU32le(bytes, 4, reply.reading);
  return bytes;
}

export function decodeGetTargetVoltageReply(bytes: Uint8Array): TargetVoltageReply {
  checkReplyLength('GET_TARGET_VOLTAGE', bytes, REPLY_LENGTH.GET_TARGET_VOLTAGE);
  return { factor: u32le(bytes, 0), reading: u32le(bytes, 4) };
}

/**
 * The factor/reading pair a probe would report for a voltage (virtual probe side): the 1.2 V
 * reference reads 1552 counts, as in the example of docs/stlink-protocol.md §A.3 (1552/2134 → 3.30 V).
 */
export function targetVoltageReplyFor(volts: number, factor = 1552): TargetVoltageReply {
  return { factor, reading: Math.max(0, Math.round((volts * factor) / 2.4)) };
}

// --- READ_IDCODES: [0] status, [4..7] LE IDCODE (SWD DPIDR or JTAG IDCODE), [8..11] unused.

export interface ReadIdcodesReply {
  readonly status: number;
  readonly idcode: number;
}

export function encodeReadIdcodesReply(reply: ReadIdcodesReply): Uint8Array {
  checkByte('READ_IDCODES reply', 'status', reply.status);
  const bytes = new Uint8Array(REPLY_LENGTH.READ_IDCODES);
  setU8(bytes, 0, reply.status);
  setU32le(bytes, 4, reply.idcode >>> 0);
  return bytes;
}

export function decodeReadIdcodesReply(bytes: Uint8Array): ReadIdcodesReply {
  checkReplyLength('READ_IDCODES', bytes, REPLY_LENGTH.READ_IDCODES);
  return { status: u8(bytes, 0), idcode: u32le(bytes, 4) };
}

// --- READALLREGS: [0..3] status (byte 0), then 21 LE words r0–r15, xPSR, MSP, PSP, two more.

export interface ReadAllRegsReply {
  readonly status: number;
  readonly registers: readonly number[];
}

export function encodeReadAllRegsReply(reply: ReadAllRegsReply): Uint8Array {
  if (reply.registers.length !== READALLREGS_WORDS) {
    throw badParameter(
      'READALLREGS reply',
      `needs ${READALLREGS_WORDS} words, got ${reply.registers.length}`,
    );
  }
  const bytes = new Uint8Array(REPLY_LENGTH.READALLREGS);
  setU8(bytes, 0, reply.status);
  reply.registers.forEach((value, i) => {
    setU32le(bytes, 4 + 4 * i, value >>> 0);
  });
  return bytes;
}

export function decodeReadAllRegsReply(bytes: Uint8Array): ReadAllRegsReply {
  checkReplyLength('READALLREGS', bytes, REPLY_LENGTH.READALLREGS);
  return {
    status: u8(bytes, 0),
    registers: Array.from({ length: READALLREGS_WORDS }, (_, i) => u32le(bytes, 4 + 4 * i)),
  };
}

// --- GETLASTRWSTATUS2: [0] status (OpenOCD reads only this; pyOCD: [0..1] LE u16), [4..7] LE fault address.

export interface LastRwStatus2Reply {
  readonly status: number;
  /** The address of the access that faulted, when status is a fault. */
  readonly faultAddress: number;
}

export function encodeGetLastRwStatus2Reply(reply: LastRwStatus2Reply): Uint8Array {
  checkByte('GETLASTRWSTATUS2 reply', 'status', reply.status);
  const bytes = new Uint8Array(REPLY_LENGTH.GETLASTRWSTATUS2);
  setU8(bytes, 0, reply.status);
  setU32le(bytes, 4, reply.faultAddress >>> 0);
  return bytes;
}

export function decodeGetLastRwStatus2Reply(bytes: Uint8Array): LastRwStatus2Reply {
  checkReplyLength('GETLASTRWSTATUS2', bytes, REPLY_LENGTH.GETLASTRWSTATUS2);
  return { status: u8(bytes, 0), faultAddress: u32le(bytes, 4) };
}

// --- APIV3_GET_COM_FREQ: [0] status, [8] count N, [12 + 4i] LE kHz, at most 10.

export interface ComFreqReply {
  readonly status: number;
  readonly frequenciesKHz: readonly number[];
}

export function encodeGetComFreqReply(reply: ComFreqReply): Uint8Array {
  if (reply.frequenciesKHz.length > MAX_COM_FREQUENCIES) {
    throw badParameter('GET_COM_FREQ reply', `at most ${MAX_COM_FREQUENCIES} frequencies fit`);
  }
  const bytes = new Uint8Array(REPLY_LENGTH.APIV3_GET_COM_FREQ);
  setU8(bytes, 0, reply.status);
  setU8(bytes, 8, reply.frequenciesKHz.length);
  reply.frequenciesKHz.forEach((kHz, i) => {
    setU32le(bytes, 12 + 4 * i, kHz);
  });
  return bytes;
}

export function decodeGetComFreqReply(bytes: Uint8Array): ComFreqReply {
  checkReplyLength('GET_COM_FREQ', bytes, REPLY_LENGTH.APIV3_GET_COM_FREQ);
  // A firmware announcing more than fit is clipped to what the reply holds, as OpenOCD does.
  const count = Math.min(u8(bytes, 8), MAX_COM_FREQUENCIES);
  return {
    status: u8(bytes, 0),
    frequenciesKHz: Array.from({ length: count }, (_, i) => u32le(bytes, 12 + 4 * i)),
  };
}

// --- APIV3_SET_COM_FREQ: [0] status, [4..7] LE kHz actually applied (per stlink-org).

export interface SetComFreqReply {
  readonly status: number;
  readonly appliedKHz: number;
}

export function encodeSetComFreqReply(reply: SetComFreqReply): Uint8Array {
  return encodeStatusWordReply({ status: reply.status, value: reply.appliedKHz });
}

export function decodeSetComFreqReply(bytes: Uint8Array): SetComFreqReply {
  checkReplyLength('SET_COM_FREQ', bytes, REPLY_LENGTH.APIV3_SET_COM_FREQ);
  return { status: u8(bytes, 0), appliedKHz: u32le(bytes, 4) };
}

// --- GET_TRACE_NB: [0..1] LE count of SWO bytes waiting. No status byte.

export function encodeGetTraceNbReply(count: number): Uint8Array {
  const bytes = new Uint8Array(REPLY_LENGTH.GET_TRACE_NB);
  setU16le(bytes, 0, count);
  return bytes;
}

export function decodeGetTraceNbReply(bytes: Uint8Array): { readonly count: number } {
  checkReplyLength('GET_TRACE_NB', bytes, REPLY_LENGTH.GET_TRACE_NB);
  return { count: u16le(bytes, 0) };
}

// --- memory reads: raw bytes, no status (GETLASTRWSTATUS(2) carries it). One-byte 8-bit reads
// travel as two bytes (A.5).

export function encodeReadMemoryReply(
  kind: MemoryCommandKind,
  request: MemoryRequest,
  data: Uint8Array,
): Uint8Array {
  if (data.length !== request.length) {
    throw badParameter(kind, `reply data is ${data.length} bytes for a ${request.length}-byte read`);
  }
  const phase = memoryDataPhase(kind, request);
  const length = phase.kind === 'read' ? phase.length : 0;
  const bytes = new Uint8Array(length);
  bytes.set(data);
  return bytes;
}

export function decodeReadMemoryReply(
  kind: MemoryCommandKind,
  request: MemoryRequest,
  bytes: Uint8Array,
): Uint8Array {
  const phase = memoryDataPhase(kind, request);
  checkReplyLength(kind, bytes, phase.kind === 'read' ? phase.length : 0);
  return bytes.slice(0, request.length);
}

// --- RW_MISC (A.8). OUT data: a type byte per item padded to 4, then a LE word per item. IN data:
// 4·items bytes of values, then 4·items bytes of status words (0x80 = ok).

export interface RwMiscItem {
  readonly op: RwMiscOp;
  /** The address (address/read), the data (write) or the AP number (select-ap). */
  readonly value: number;
}

export function encodeRwMiscOutData(items: readonly RwMiscItem[]): Uint8Array {
  const bytes = new Uint8Array(rwMiscOutLength(items.length));
  const valuesAt = bytes.length - 4 * items.length;
  items.forEach((item, i) => {
    setU8(bytes, i, RW_MISC_OP[item.op]);
    setU32le(bytes, valuesAt + 4 * i, item.value >>> 0);
  });
  return bytes;
}

export function decodeRwMiscOutData(items: number, bytes: Uint8Array): RwMiscItem[] {
  checkReplyLength('RW_MISC_OUT data', bytes, rwMiscOutLength(items));
  const valuesAt = bytes.length - 4 * items;
  return Array.from({ length: items }, (_, i) => {
    const type = u8(bytes, i);
    const op = (Object.keys(RW_MISC_OP) as RwMiscOp[]).find((name) => RW_MISC_OP[name] === type);
    if (op === undefined) throw badParameter('RW_MISC_OUT data', `item ${i} has unknown type ${type}`);
    return { op, value: u32le(bytes, valuesAt + 4 * i) };
  });
}

export interface RwMiscResult {
  readonly value: number;
  readonly status: number;
}

export function encodeRwMiscInReply(results: readonly RwMiscResult[]): Uint8Array {
  const n = results.length;
  const bytes = new Uint8Array(8 * n);
  results.forEach((r, i) => {
    setU32le(bytes, 4 * i, r.value >>> 0);
    setU32le(bytes, 4 * n + 4 * i, r.status);
  });
  return bytes;
}

export function decodeRwMiscInReply(items: number, bytes: Uint8Array): RwMiscResult[] {
  checkReplyLength('RW_MISC_IN', bytes, 8 * items);
  return Array.from({ length: items }, (_, i) => ({
    value: u32le(bytes, 4 * i),
    status: u32le(bytes, 4 * items + 4 * i),
  }));
}
