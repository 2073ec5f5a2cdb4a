import { BadInputError } from '../util/errors.js';
import { hexBytes, setU16le, setU24le, setU32le, setU8, u16le, u24le, u32le, u8 } from '../util/bytes.js';
import {
  APIV1_DEBUG_COMMAND,
  COM_FREQ_PROTOCOL,
  COMMAND_CLASS,
  DEBUG_COMMAND,
  DFU_COMMAND,
  ENTER_MODE,
  NRST_ACTION,
  SWIM_COMMAND,
  type Apiv1CommandName,
  type NrstAction,
  type WireProtocol,
} from './opcodes.js';
import { checkCommandLength, checkUint, badParameter, commandBlock } from './frame.js';
import { NO_PHASE, readPhase, writePhase, type PhaseSpec } from './link.js';

/**
 * Every ST-Link command of docs/stlink-protocol.md §A.3/A.4 as a typed value, and its 16-byte layout,
 * written once: `encodeCommand` and `decodeCommand` are inverses, and `dataPhaseOf` says what follows
 * the block. All multi-byte fields are little-endian.
 */

// A command without parameters contributes no fields beside its kind.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoParams = {};

/** The parameters of a memory command: bytes [2..5] address, [6..7] length, [8] AP, [9..11] CSW 31:8. */
export interface MemoryRequest {
  readonly address: number;
  /** In bytes. */
  readonly length: number;
  /** The MEM-AP number; HLA always sends 0. */
  readonly ap: number;
  /**
   * The CSW word to use, or 0 for the firmware's default. Only bits 31:8 travel (bits 7:0, size and
   * AddrInc, are the firmware's to choose), so bits 7:0 must be 0: CSW 0xA2000000 is `00 00 A2`.
   */
  readonly csw: number;
}

export type EnterMode = 'swd' | 'jtag' | 'jtag-with-reset';

export interface CommandParams {
  GET_VERSION: NoParams;
  GET_VERSION_EX: NoParams;
  GET_CURRENT_MODE: NoParams;
  GET_TARGET_VOLTAGE: NoParams;
  DFU_EXIT: NoParams;
  SWIM_EXIT: NoParams;
  APIV2_ENTER: { readonly mode: EnterMode };
  EXIT: NoParams;
  READ_IDCODES: NoParams;
  RESETSYS: NoParams;
  READREG: { readonly regsel: number };
  WRITEREG: { readonly regsel: number; readonly value: number };
  READALLREGS: NoParams;
  READDEBUGREG: { readonly address: number };
  WRITEDEBUGREG: { readonly address: number; readonly value: number };
  READMEM_8BIT: MemoryRequest;
  WRITEMEM_8BIT: MemoryRequest;
  READMEM_16BIT: MemoryRequest;
  WRITEMEM_16BIT: MemoryRequest;
  READMEM_32BIT: MemoryRequest;
  WRITEMEM_32BIT: MemoryRequest;
  READMEM_32BIT_NO_ADDR_INC: MemoryRequest;
  WRITEMEM_32BIT_NO_ADDR_INC: MemoryRequest;
  GETLASTRWSTATUS: NoParams;
  GETLASTRWSTATUS2: NoParams;
  DRIVE_NRST: { readonly action: NrstAction };
  SWD_SET_FREQ: { readonly divisor: number };
  JTAG_SET_FREQ: { readonly divisor: number };
  APIV3_GET_COM_FREQ: { readonly protocol: WireProtocol };
  APIV3_SET_COM_FREQ: { readonly protocol: WireProtocol; readonly kHz: number };
  INIT_AP: { readonly ap: number };
  CLOSE_AP_DBG: { readonly ap: number };
  /** `port` is an AP number, or DAP_PORT_DP (0xFFFF) for a DP register. */
  READ_DAP_REG: { readonly port: number; readonly register: number };
  WRITE_DAP_REG: { readonly port: number; readonly register: number; readonly value: number };
  RW_MISC_OUT: { readonly items: number };
  RW_MISC_IN: NoParams;
  START_TRACE_RX: { readonly bufferSize: number; readonly baudHz: number };
  STOP_TRACE_RX: NoParams;
  GET_TRACE_NB: NoParams;
}

export type CommandKind = keyof CommandParams;
export type CommandOf<K extends CommandKind> = { readonly kind: K } & CommandParams[K];

/** An API v1 debug command: recognised, never sent, not interpreted further. */
export interface Apiv1Command {
  readonly kind: 'APIV1';
  readonly command: Apiv1CommandName;
  readonly bytes: Uint8Array;
}

/** A block that is no command of this table (or whose parameters no firmware accepts). */
export interface UnknownCommand {
  readonly kind: 'unknown';
  readonly bytes: Uint8Array;
  readonly reason: string;
}

export type KnownCommand = { [K in CommandKind]: CommandOf<K> }[CommandKind];
export type StLinkCommand = KnownCommand | Apiv1Command | UnknownCommand;

export type MemoryCommandKind =
  | 'READMEM_8BIT'
  | 'WRITEMEM_8BIT'
  | 'READMEM_16BIT'
  | 'WRITEMEM_16BIT'
  | 'READMEM_32BIT'
  | 'WRITEMEM_32BIT'
  | 'READMEM_32BIT_NO_ADDR_INC'
  | 'WRITEMEM_32BIT_NO_ADDR_INC';
export type MemoryCommand = CommandOf<MemoryCommandKind>;

interface Layout<K extends CommandKind> {
  /** Byte 0, and byte 1 for the 0xF2/0xF3/0xF4 classes. */
  readonly head: readonly number[];
  readonly encode: (params: CommandParams[K], block: Uint8Array, kind: K) => void;
  /** Throws BadInputError when a parameter byte has a value no firmware accepts. */
  readonly decode: (block: Uint8Array, kind: K) => CommandParams[K];
  readonly phase: (params: CommandParams[K], context: PhaseContext) => PhaseSpec | undefined;
}

/** What a data phase may depend on besides the block itself. */
export interface PhaseContext {
  /** The item count of the RW_MISC_OUT that precedes an RW_MISC_IN. */
  readonly rwMiscItems?: number;
}

const nothing = (): void => undefined;
const noParams = (): NoParams => ({});
const none = (): PhaseSpec => NO_PHASE;
const read = (length: number) => (): PhaseSpec => readPhase(length);

function badCommand(kind: string, block: Uint8Array, message: string): BadInputError {
  return new BadInputError('stlink-command-parameter', `${kind} (${hexBytes(block)}): ${message}`, {
    hint: 'The sender put a value in the command that no ST-Link firmware accepts.',
  });
}

function reverseLookup<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return undefined;
}

const ENTER_BYTE: Record<EnterMode, number> = {
  swd: ENTER_MODE.SWD_NO_RESET,
  jtag: ENTER_MODE.JTAG_NO_RESET,
  'jtag-with-reset': ENTER_MODE.JTAG_WITH_RESET,
};

function memoryLayout<K extends MemoryCommandKind>(
  sub: number,
  direction: 'read' | 'write',
  width: 8 | 16 | 32,
): Layout<K> {
  return {
    head: [COMMAND_CLASS.DEBUG_COMMAND, sub],
    encode: (p, block, kind) => {
      checkUint(kind, 'address', p.address, 32);
      checkUint(kind, 'length', p.length, 16);
      checkUint(kind, 'AP number', p.ap, 8);
      checkUint(kind, 'CSW', p.csw, 32);
      if ((p.csw & 0xff) !== 0)
        throw badParameter(
          kind,
          `CSW bits 7:0 must be 0 (the firmware sets size and AddrInc), got 0x${p.csw.toString(16)}`,
        );
      setU32le(block, 2, p.address);
      setU16le(block, 6, p.length);
      setU8(block, 8, p.ap);
      setU24le(block, 9, p.csw >>> 8);
    },
    decode: (block) => ({
      address: u32le(block, 2),
      length: u16le(block, 6),
      ap: u8(block, 8),
      csw: u24le(block, 9) * 0x100,
    }),
    phase: (p) =>
      direction === 'write'
        ? writePhase(p.length)
        : // A one-byte 8-bit read returns two bytes; the firmware pads (A.5).
          readPhase(width === 8 && p.length === 1 ? 2 : p.length),
  };
}

const D = (sub: number): readonly number[] => [COMMAND_CLASS.DEBUG_COMMAND, sub];

function decodeProtocol(kind: string, block: Uint8Array): WireProtocol {
  const protocol = reverseLookup(COM_FREQ_PROTOCOL, u8(block, 2));
  if (protocol === undefined)
    throw badCommand(kind, block, `byte 2 must be 0 (SWD) or 1 (JTAG), got ${u8(block, 2)}`);
  return protocol;
}

const LAYOUTS: { readonly [K in CommandKind]: Layout<K> } = {
  GET_VERSION: { head: [COMMAND_CLASS.GET_VERSION], encode: nothing, decode: noParams, phase: read(6) },
  GET_VERSION_EX: {
    head: [COMMAND_CLASS.GET_VERSION_EX],
    encode: nothing,
    decode: noParams,
    phase: read(12),
  },
  GET_CURRENT_MODE: {
    head: [COMMAND_CLASS.GET_CURRENT_MODE],
    encode: nothing,
    decode: noParams,
    phase: read(2),
  },
  GET_TARGET_VOLTAGE: {
    head: [COMMAND_CLASS.GET_TARGET_VOLTAGE],
    encode: nothing,
    decode: noParams,
    phase: read(8),
  },
  DFU_EXIT: {
    head: [COMMAND_CLASS.DFU_COMMAND, DFU_COMMAND.DFU_EXIT],
    encode: nothing,
    decode: noParams,
    phase: none,
  },
  SWIM_EXIT: {
    head: [COMMAND_CLASS.SWIM_COMMAND, SWIM_COMMAND.SWIM_EXIT],
    encode: nothing,
    decode: noParams,
    phase: none,
  },
  APIV2_ENTER: {
    head: D(DEBUG_COMMAND.APIV2_ENTER),
    encode: (p, block) => {
      setU8(block, 2, ENTER_BYTE[p.mode]);
    },
    decode: (block, kind) => {
      const byte = u8(block, 2);
      const mode = (Object.keys(ENTER_BYTE) as EnterMode[]).find((m) => ENTER_BYTE[m] === byte);
      if (mode === undefined)
        throw badCommand(kind, block, `unknown enter mode 0x${hex8(byte)} (0xA3 SWD, 0xA4 JTAG)`);
      return { mode };
    },
    phase: read(2),
  },
  EXIT: { head: D(DEBUG_COMMAND.EXIT), encode: nothing, decode: noParams, phase: none },
  READ_IDCODES: { head: D(DEBUG_COMMAND.READ_IDCODES), encode: nothing, decode: noParams, phase: read(12) },
  RESETSYS: { head: D(DEBUG_COMMAND.RESETSYS), encode: nothing, decode: noParams, phase: read(2) },
  READREG: {
    head: D(DEBUG_COMMAND.READREG),
    encode: (p, block, kind) => {
      checkUint(kind, 'REGSEL', p.regsel, 8);
      setU8(block, 2, p.regsel);
    },
    decode: (block) => ({ regsel: u8(block, 2) }),
    phase: read(8),
  },
  WRITEREG: {
    head: D(DEBUG_COMMAND.WRITEREG),
    encode: (p, block, kind) => {
      checkUint(kind, 'REGSEL', p.regsel, 8);
      checkUint(kind, 'value', p.value, 32);
      setU8(block, 2, p.regsel);
      setU32le(block, 3, p.value);
    },
    decode: (block) => ({ regsel: u8(block, 2), value: u32le(block, 3) }),
    phase: read(2),
  },
  READALLREGS: { head: D(DEBUG_COMMAND.READALLREGS), encode: nothing, decode: noParams, phase: read(88) },
  READDEBUGREG: {
    head: D(DEBUG_COMMAND.READDEBUGREG),
    encode: (p, block, kind) => {
      checkUint(kind, 'address', p.address, 32);
      setU32le(block, 2, p.address);
    },
    decode: (block) => ({ address: u32le(block, 2) }),
    phase: read(8),
  },
  WRITEDEBUGREG: {
    head: D(DEBUG_COMMAND.WRITEDEBUGREG),
    encode: (p, block, kind) => {
      checkUint(kind, 'address', p.address, 32);
      checkUint(kind, 'value', p.value, 32);
      setU32le(block, 2, p.address);
      setU32le(block, 6, p.value);
    },
    decode: (block) => ({ address: u32le(block, 2), value: u32le(block, 6) }),
    phase: read(2),
  },
  READMEM_8BIT: memoryLayout(DEBUG_COMMAND.READMEM_8BIT, 'read', 8),
  WRITEMEM_8BIT: memoryLayout(DEBUG_COMMAND.WRITEMEM_8BIT, 'write', 8),
  READMEM_16BIT: memoryLayout(DEBUG_COMMAND.READMEM_16BIT, 'read', 16),
  WRITEMEM_16BIT: memoryLayout(DEBUG_COMMAND.WRITEMEM_16BIT, 'write', 16),
  READMEM_32BIT: memoryLayout(DEBUG_COMMAND.READMEM_32BIT, 'read', 32),
  WRITEMEM_32BIT: memoryLayout(DEBUG_COMMAND.WRITEMEM_32BIT, 'write', 32),
  READMEM_32BIT_NO_ADDR_INC: memoryLayout(DEBUG_COMMAND.READMEM_32BIT_NO_ADDR_INC, 'read', 32),
  WRITEMEM_32BIT_NO_ADDR_INC: memoryLayout(DEBUG_COMMAND.WRITEMEM_32BIT_NO_ADDR_INC, 'write', 32),
  GETLASTRWSTATUS: {
    head: D(DEBUG_COMMAND.GETLASTRWSTATUS),
    encode: nothing,
    decode: noParams,
    phase: read(2),
  },
  GETLASTRWSTATUS2: {
    head: D(DEBUG_COMMAND.GETLASTRWSTATUS2),
    encode: nothing,
    decode: noParams,
    phase: read(12),
  },
  DRIVE_NRST: {
    head: D(DEBUG_COMMAND.DRIVE_NRST),
    encode: (p, block) => {
      setU8(block, 2, NRST_ACTION[p.action]);
    },
    decode: (block, kind) => {
      const action = reverseLookup(NRST_ACTION, u8(block, 2));
      if (action === undefined)
        throw badCommand(kind, block, `byte 2 must be 0 (low), 1 (high) or 2 (pulse), got ${u8(block, 2)}`);
      return { action };
    },
    phase: read(2),
  },
  SWD_SET_FREQ: {
    head: D(DEBUG_COMMAND.SWD_SET_FREQ),
    encode: (p, block, kind) => {
      checkUint(kind, 'divisor', p.divisor, 16);
      setU16le(block, 2, p.divisor);
    },
    decode: (block) => ({ divisor: u16le(block, 2) }),
    phase: read(2),
  },
  JTAG_SET_FREQ: {
    head: D(DEBUG_COMMAND.JTAG_SET_FREQ),
    encode: (p, block, kind) => {
      checkUint(kind, 'divisor', p.divisor, 16);
      setU16le(block, 2, p.divisor);
    },
    decode: (block) => ({ divisor: u16le(block, 2) }),
    phase: read(2),
  },
  APIV3_GET_COM_FREQ: {
    head: D(DEBUG_COMMAND.APIV3_GET_COM_FREQ),
    encode: (p, block) => {
      setU8(block, 2, COM_FREQ_PROTOCOL[p.protocol]);
    },
    decode: (block, kind) => ({ protocol: decodeProtocol(kind, block) }),
    phase: read(52),
  },
  APIV3_SET_COM_FREQ: {
    head: D(DEBUG_COMMAND.APIV3_SET_COM_FREQ),
    encode: (p, block, kind) => {
      checkUint(kind, 'kHz', p.kHz, 32);
      setU8(block, 2, COM_FREQ_PROTOCOL[p.protocol]);
      setU32le(block, 4, p.kHz);
    },
    decode: (block, kind) => ({ protocol: decodeProtocol(kind, block), kHz: u32le(block, 4) }),
    phase: read(8),
  },
  INIT_AP: {
    head: D(DEBUG_COMMAND.INIT_AP),
    encode: (p, block, kind) => {
      checkUint(kind, 'AP number', p.ap, 8);
      setU8(block, 2, p.ap);
    },
    decode: (block) => ({ ap: u8(block, 2) }),
    phase: read(2),
  },
  CLOSE_AP_DBG: {
    head: D(DEBUG_COMMAND.CLOSE_AP_DBG),
    encode: (p, block, kind) => {
      checkUint(kind, 'AP number', p.ap, 8);
      setU8(block, 2, p.ap);
    },
    decode: (block) => ({ ap: u8(block, 2) }),
    phase: read(2),
  },
  READ_DAP_REG: {
    head: D(DEBUG_COMMAND.READ_DAP_REG),
    encode: (p, block, kind) => {
      checkUint(kind, 'port', p.port, 16);
      checkUint(kind, 'register', p.register, 16);
      setU16le(block, 2, p.port);
      setU16le(block, 4, p.register);
    },
    decode: (block) => ({ port: u16le(block, 2), register: u16le(block, 4) }),
    phase: read(8),
  },
  WRITE_DAP_REG: {
    head: D(DEBUG_COMMAND.WRITE_DAP_REG),
    encode: (p, block, kind) => {
      checkUint(kind, 'port', p.port, 16);
      checkUint(kind, 'register', p.register, 16);
      checkUint(kind, 'value', p.value, 32);
      setU16le(block, 2, p.port);
      setU16le(block, 4, p.register);
      setU32le(block, 6, p.value);
    },
    decode: (block) => ({ port: u16le(block, 2), register: u16le(block, 4), value: u32le(block, 6) }),
    phase: read(2),
  },
  RW_MISC_OUT: {
    head: D(DEBUG_COMMAND.RW_MISC_OUT),
    encode: (p, block, kind) => {
      checkUint(kind, 'item count', p.items, 32);
      setU32le(block, 2, p.items);
    },
    decode: (block) => ({ items: u32le(block, 2) }),
    phase: (p) => writePhase(rwMiscOutLength(p.items)),
  },
  RW_MISC_IN: {
    // The block carries no count: the reply size follows from the preceding RW_MISC_OUT.
    head: D(DEBUG_COMMAND.RW_MISC_IN),
    encode: nothing,
    decode: noParams,
    phase: (_p, context) =>
      context.rwMiscItems === undefined ? undefined : readPhase(8 * context.rwMiscItems),
  },
  START_TRACE_RX: {
    head: D(DEBUG_COMMAND.START_TRACE_RX),
    encode: (p, block, kind) => {
      checkUint(kind, 'buffer size', p.bufferSize, 16);
      checkUint(kind, 'baud rate', p.baudHz, 32);
      setU16le(block, 2, p.bufferSize);
      setU32le(block, 4, p.baudHz);
    },
    decode: (block) => ({ bufferSize: u16le(block, 2), baudHz: u32le(block, 4) }),
    phase: read(2),
  },
  STOP_TRACE_RX: { head: D(DEBUG_COMMAND.STOP_TRACE_RX), encode: nothing, decode: noParams, phase: read(2) },
  GET_TRACE_NB: { head: D(DEBUG_COMMAND.GET_TRACE_NB), encode: nothing, decode: noParams, phase: read(2) },
};

/** RW_MISC_OUT data: one type byte per item padded to a multiple of 4, then one LE word per item (A.8). */
export function rwMiscOutLength(items: number): number {
  return Math.ceil(items / 4) * 4 + 4 * items;
}

const headKey = (cls: number, sub?: number): number =>
  (sub === undefined ? cls << 8 : (cls << 8) | sub) | 0x10000;
const SINGLE_BYTE_CLASSES: ReadonlySet<number> = new Set([
  COMMAND_CLASS.GET_VERSION,
  COMMAND_CLASS.GET_VERSION_EX,
  COMMAND_CLASS.GET_CURRENT_MODE,
  COMMAND_CLASS.GET_TARGET_VOLTAGE,
]);
const BY_HEAD = new Map<number, CommandKind>(
  (Object.keys(LAYOUTS) as CommandKind[]).map((kind) => {
    const [cls, sub] = LAYOUTS[kind].head;
    return [headKey(cls ?? 0, sub), kind];
  }),
);

function layoutOf<K extends CommandKind>(kind: K): Layout<K> {
  return LAYOUTS[kind];
}

/** The 16-byte block for a command. */
export function encodeCommand(command: KnownCommand): Uint8Array {
  const layout = layoutOf(command.kind);
  const block = commandBlock(...layout.head);
  (layout.encode as (p: KnownCommand, b: Uint8Array, k: CommandKind) => void)(command, block, command.kind);
  return block;
}

function kindOfBlock(block: Uint8Array): CommandKind | Apiv1CommandName | undefined {
  const cls = u8(block, 0);
  if (SINGLE_BYTE_CLASSES.has(cls)) return BY_HEAD.get(headKey(cls));
  const sub = u8(block, 1);
  const kind = BY_HEAD.get(headKey(cls, sub));
  if (kind !== undefined) return kind;
  if (cls === COMMAND_CLASS.DEBUG_COMMAND) return reverseLookup(APIV1_DEBUG_COMMAND, sub);
  return undefined;
}

const hex8 = (value: number): string => value.toString(16).padStart(2, '0');

function describeHead(block: Uint8Array): string {
  const cls = u8(block, 0);
  if (cls === COMMAND_CLASS.SWIM_COMMAND)
    return `SWIM sub-command 0x${hex8(u8(block, 1))} (SWIM is not supported)`;
  if (cls === COMMAND_CLASS.DEBUG_COMMAND || cls === COMMAND_CLASS.DFU_COMMAND) {
    return `unknown sub-command 0x${hex8(u8(block, 1))} of class 0x${hex8(cls)}`;
  }
  return `unknown command class 0x${hex8(cls)}`;
}

/**
 * What a 16-byte block asks for. Never throws for a well-framed block: an unknown opcode or a
 * parameter no firmware accepts is `{ kind: 'unknown', reason }`, so a virtual probe can answer it
 * as firmware would. Throws BadInputError only if the block is not 16 bytes.
 */
export function decodeCommand(bytes: Uint8Array): StLinkCommand {
  checkCommandLength(bytes);
  const block = bytes.slice();
  const kind = kindOfBlock(block);
  if (kind === undefined) return { kind: 'unknown', bytes: block, reason: describeHead(block) };
  if (!(kind in LAYOUTS)) return { kind: 'APIV1', command: kind as Apiv1CommandName, bytes: block };
  const known = kind as CommandKind;
  try {
    const params = layoutOf(known).decode(block, known);
    return { kind: known, ...params } as KnownCommand;
  } catch (error) {
    if (error instanceof BadInputError) return { kind: 'unknown', bytes: block, reason: error.message };
    throw error;
  }
}

/**
 * Decodes a block that must be the given command; throws BadInputError (`bad-input.stlink-command-*`)
 * on a wrong length, another command, an unknown sub-command or a parameter out of range.
 */
export function decodeRequest<K extends CommandKind>(kind: K, bytes: Uint8Array): CommandOf<K> {
  checkCommandLength(bytes);
  const found = kindOfBlock(bytes);
  if (found !== kind) {
    throw new BadInputError(
      'stlink-command-mismatch',
      `expected ${kind}, got ${found ?? describeHead(bytes)} (${hexBytes(bytes)})`,
      { hint: 'The block is a different ST-Link command than the one being decoded.' },
    );
  }
  const params = layoutOf(kind).decode(bytes, kind);
  return { kind, ...params };
}

export function encodeRequest<K extends CommandKind>(kind: K, params: CommandParams[K]): Uint8Array {
  return encodeCommand({ kind, ...params } as KnownCommand);
}

/**
 * The data phase that follows a command block. `undefined` when it cannot be known from the block:
 * an unknown command, an API v1 command, or RW_MISC_IN without the item count of its RW_MISC_OUT.
 */
export function dataPhaseOf(command: StLinkCommand, context: PhaseContext = {}): PhaseSpec | undefined {
  if (command.kind === 'unknown') return undefined;
  if (command.kind === 'APIV1') return APIV1_PHASES[command.command];
  const layout = layoutOf(command.kind) as Layout<CommandKind>;
  return (layout.phase as (p: KnownCommand, c: PhaseContext) => PhaseSpec | undefined)(command, context);
}

/** Reply sizes of the API v1 commands docs/stlink-protocol.md gives (§A.4); the rest are unknown. */
const APIV1_PHASES: Partial<Record<Apiv1CommandName, PhaseSpec>> = {
  GETSTATUS: readPhase(2),
  FORCEDEBUG: readPhase(2),
  RUNCORE: readPhase(2),
  STEPCORE: readPhase(2),
  APIV1_READREG: readPhase(4),
  READCOREID: readPhase(4),
  APIV1_ENTER: NO_PHASE,
};

export function isMemoryCommand(command: StLinkCommand): command is MemoryCommand {
  return command.kind in MEMORY_WIDTH;
}

const MEMORY_WIDTH: Readonly<Record<MemoryCommandKind, 8 | 16 | 32>> = {
  READMEM_8BIT: 8,
  WRITEMEM_8BIT: 8,
  READMEM_16BIT: 16,
  WRITEMEM_16BIT: 16,
  READMEM_32BIT: 32,
  WRITEMEM_32BIT: 32,
  READMEM_32BIT_NO_ADDR_INC: 32,
  WRITEMEM_32BIT_NO_ADDR_INC: 32,
};

/** Access size in bits of a memory command. */
export function memoryWidth(kind: MemoryCommandKind): 8 | 16 | 32 {
  return MEMORY_WIDTH[kind];
}

export function memoryDataPhase(kind: MemoryCommandKind, request: MemoryRequest): PhaseSpec {
  return layoutOf(kind).phase(request, {}) ?? NO_PHASE;
}
