import { BadInputError } from '../../util/errors.js';
import { setU16le, setU32le, u16le, u32le, u8 } from '../../util/bytes.js';

/**
 * The stlink-server TCP protocol as OpenOCD 0.12 speaks it (docs/stlink-protocol.md §D.2–D.4): strict
 * request/response, no length prefixes, every size fixed by the command (and, for SEND_USB_CMD, by its
 * length field). A reply of the wrong size makes OpenOCD block or desynchronise, so every layout is
 * written once here and both the client transport and the server use it.
 */

export const STLINK_SERVER_DEFAULT_PORT = 7184;

/** Request codes (D.3). */
export const SERVER_COMMAND = {
  REFRESH_DEVICE_LIST: 0x00,
  GET_NB_DEV: 0x01,
  GET_DEV_INFO: 0x02,
  OPEN_DEV: 0x03,
  CLOSE_DEV: 0x04,
  SEND_USB_CMD: 0x05,
  GET_SERVER_VERSION: 0x06,
  GET_NB_OF_DEV_CLIENTS: 0x07,
} as const;
export type ServerCommandName = keyof typeof SERVER_COMMAND;

/** The first LE u32 of a reply that carries a status (D.2). */
export const TCP_STATUS = {
  SS_OK: 0x00000001,
  MEMORY_PROBLEM: 0x00001000,
  TIMEOUT: 0x00001001,
  BAD_PARAMETER: 0x00001002,
  OPEN_ERR: 0x00001003,
  TRUNCATED_DATA: 0x00001052,
  CMD_NOT_AVAILABLE: 0x00001053,
  TCP_ERROR: 0x00002001,
  TCP_CANT_CONNECT: 0x00002002,
  TCP_CLOSE_ERROR: 0x00002003,
  /** OpenOCD maps it to ERROR_WAIT; only its memory loops retry it. */
  TCP_BUSY: 0x00002004,
  WIN32_ERROR: 0x00010000,
} as const;

export function tcpStatusName(status: number): string {
  for (const [name, code] of Object.entries(TCP_STATUS)) if (code === status) return name;
  return `0x${status.toString(16).padStart(8, '0')}`;
}

/** SEND_USB_CMD byte 24 (D.4). */
export const USB_DIRECTION = { write: 0, read: 1, trace: 3 } as const;
export type UsbDirection = (typeof USB_DIRECTION)[keyof typeof USB_DIRECTION];

/** GET_DEV_INFO's requested record size: OpenOCD asks for the 41-byte "TDeviceInfo2" (D.3). */
export const DEVICE_INFO_RECORD_SIZE = 41;
export const SERIAL_FIELD_SIZE = 32;
export const USB_COMMAND_SIZE = 16;
export const SEND_USB_CMD_HEADER_SIZE = 32;
/** OpenOCD's 10240-byte socket buffers minus the 32-byte header / the 4-byte status (D.4). */
export const MAX_WRITE_DATA = 10240 - SEND_USB_CMD_HEADER_SIZE;
export const MAX_READ_DATA = 10240 - 4;

/** Fixed request sizes; SEND_USB_CMD adds its write data to the header. */
export const REQUEST_SIZE: Readonly<Record<ServerCommandName, number>> = {
  REFRESH_DEVICE_LIST: 2,
  GET_NB_DEV: 1,
  GET_DEV_INFO: 8,
  OPEN_DEV: 8,
  CLOSE_DEV: 8,
  SEND_USB_CMD: SEND_USB_CMD_HEADER_SIZE,
  GET_SERVER_VERSION: 4,
  GET_NB_OF_DEV_CLIENTS: 8,
};

export const REPLY_SIZE = {
  /** No status word. */
  GET_SERVER_VERSION: 16,
  REFRESH_DEVICE_LIST: 4,
  /** No status word. */
  GET_NB_DEV: 4,
  GET_DEV_INFO: 45,
  OPEN_DEV: 8,
  CLOSE_DEV: 4,
  /** Plus N for direction 1 and 3. */
  SEND_USB_CMD: 4,
  GET_NB_OF_DEV_CLIENTS: 8,
} as const;

export type ServerRequest =
  | { readonly command: 'GET_SERVER_VERSION'; readonly clientApi: number }
  | { readonly command: 'REFRESH_DEVICE_LIST'; readonly clear: number }
  | { readonly command: 'GET_NB_DEV' }
  | { readonly command: 'GET_DEV_INFO'; readonly index: number; readonly recordSize: number }
  | { readonly command: 'OPEN_DEV'; readonly deviceId: number }
  | { readonly command: 'CLOSE_DEV'; readonly connectId: number }
  | {
      readonly command: 'SEND_USB_CMD';
      readonly connectId: number;
      /** The 16-byte ST-Link command block. */
      readonly usbCommand: Uint8Array;
      readonly direction: UsbDirection;
      /** Bytes to read back (directions 1 and 3) or the length of `data` (direction 0). */
      readonly length: number;
      /** The write data phase (direction 0); empty otherwise. */
      readonly data: Uint8Array;
    }
  /**
   * OpenOCD never sends it and its layout is not known (docs/stlink-protocol.md §D.3). swdkit's own layout, mirroring
   * OPEN_DEV: [0] 07, [4..7] device_id → [0..3] status, [4..7] number of clients with it open.
   */
  | { readonly command: 'GET_NB_OF_DEV_CLIENTS'; readonly deviceId: number };

function withCode(size: number, code: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes[0] = code;
  return bytes;
}

export function encodeRequest(request: ServerRequest): Uint8Array {
  const code = SERVER_COMMAND[request.command];
  switch (request.command) {
    case 'GET_SERVER_VERSION': {
      const bytes = withCode(4, code);
      bytes[1] = request.clientApi;
      return bytes;
    }
    case 'REFRESH_DEVICE_LIST': {
      const bytes = withCode(2, code);
      bytes[1] = request.clear;
      return bytes;
    }
    case 'GET_NB_DEV':
      return withCode(1, code);
    case 'GET_DEV_INFO': {
      const bytes = withCode(8, code);
      bytes[1] = request.index;
      setU32le(bytes, 4, request.recordSize);
      return bytes;
    }
    case 'OPEN_DEV':
    case 'GET_NB_OF_DEV_CLIENTS': {
      const bytes = withCode(8, code);
      setU32le(bytes, 4, request.deviceId);
      return bytes;
    }
    case 'CLOSE_DEV': {
      const bytes = withCode(8, code);
      setU32le(bytes, 4, request.connectId);
      return bytes;
    }
    case 'SEND_USB_CMD': {
      if (request.usbCommand.length !== USB_COMMAND_SIZE) {
        throw new BadInputError(
          'usb-command-size',
          `An ST-Link command block is ${USB_COMMAND_SIZE} bytes, not ${request.usbCommand.length}.`,
        );
      }
      const isWrite = request.direction === USB_DIRECTION.write;
      const bytes = withCode(SEND_USB_CMD_HEADER_SIZE + (isWrite ? request.data.length : 0), code);
      setU32le(bytes, 4, request.connectId);
      bytes.set(request.usbCommand, 8);
      bytes[24] = request.direction;
      setU32le(bytes, 28, isWrite ? request.data.length : request.length);
      if (isWrite) bytes.set(request.data, SEND_USB_CMD_HEADER_SIZE);
      return bytes;
    }
  }
}

/** Builds SEND_USB_CMD requests from a transport's command and data phase. */
export function usbCommandRequest(
  connectId: number,
  usbCommand: Uint8Array,
  direction: UsbDirection,
  lengthOrData: number | Uint8Array,
): ServerRequest {
  const data = typeof lengthOrData === 'number' ? new Uint8Array(0) : lengthOrData;
  const length = typeof lengthOrData === 'number' ? lengthOrData : lengthOrData.length;
  return { command: 'SEND_USB_CMD', connectId, usbCommand, direction, length, data };
}

/** How many bytes the server answers `request` with. */
export function replySize(request: ServerRequest): number {
  if (request.command === 'SEND_USB_CMD') {
    return REPLY_SIZE.SEND_USB_CMD + (request.direction === USB_DIRECTION.write ? 0 : request.length);
  }
  return REPLY_SIZE[request.command];
}

const COMMAND_NAMES = new Map(
  Object.entries(SERVER_COMMAND).map(([name, code]) => [code as number, name as ServerCommandName]),
);

function commandName(code: number): ServerCommandName | undefined {
  return COMMAND_NAMES.get(code);
}

function malformed(code: string, message: string): BadInputError {
  return new BadInputError(`stlink-server-${code}`, message, {
    hint: 'The client does not speak the stlink-server protocol that OpenOCD 0.12 uses; the connection is closed.',
  });
}

/**
 * The server's side of the framing: bytes arrive in arbitrary pieces, and a request's size is known
 * only once its first byte (and, for SEND_USB_CMD, its 32-byte header) is in. A malformed request
 * throws a BadInputError at the moment it becomes detectable — never a wait for bytes that a confused
 * client will not send.
 *
 * Bytes are framed as they arrive (`append`) but decoded one request at a time (`next`), so a caller
 * that is not ready for more requests holds only their bytes, never a queue of decoded objects; the
 * buffer is one array with a read offset, so a pipelined burst costs no copy per request.
 */
export class RequestParser {
  private buffer = new Uint8Array(0);
  /** The first byte not yet taken by `next`. */
  private start = 0;
  /** The end of the bytes received. */
  private end = 0;
  /** The end of the last complete request framed (start ≤ framed ≤ end). */
  private framed = 0;
  private completed = 0;

  /** Bytes received but not yet taken as requests (complete ones and the incomplete tail). */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  /** Bytes of the request whose end has not arrived yet (0 when the bytes end on a boundary). */
  get incompleteBytes(): number {
    return this.end - this.framed;
  }

  /** How many requests have been complete so far, taken or not: the incomplete tail is request number `completedRequests + 1`. */
  get completedRequests(): number {
    return this.completed;
  }

  /** Appends `chunk` and frames what it completes; throws a BadInputError on a malformed request. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buffer.length) {
      const kept = this.end - this.start;
      const needed = kept + chunk.length;
      if (needed <= this.buffer.length) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(needed, 2 * this.buffer.length, 4096));
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.framed -= this.start;
      this.end = kept;
      this.start = 0;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
    for (;;) {
      const size = this.sizeAt(this.framed);
      if (size === undefined) break;
      this.framed += size;
      this.completed++;
    }
  }

  /** The next complete request, or undefined when none is complete yet. */
  next(): ServerRequest | undefined {
    if (this.start === this.framed) return undefined;
    const size = this.sizeAt(this.start);
    if (size === undefined) return undefined;
    const request = decodeRequest(this.buffer.subarray(this.start, this.start + size));
    this.start += size;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      this.framed = 0;
    }
    return request;
  }

  /** Appends `chunk` and returns every request complete so far, in order. */
  push(chunk: Uint8Array): ServerRequest[] {
    this.append(chunk);
    const requests: ServerRequest[] = [];
    for (let request = this.next(); request !== undefined; request = this.next()) requests.push(request);
    return requests;
  }

  /** The size of the request starting at `offset` if all of it is in, else undefined. */
  private sizeAt(offset: number): number | undefined {
    const available = this.end - offset;
    if (available <= 0) return undefined;
    const b = this.buffer.subarray(offset, this.end);
    const name = commandName(u8(b, 0));
    if (name === undefined) {
      throw malformed(
        'unknown-command',
        `Unknown stlink-server command 0x${u8(b, 0).toString(16).padStart(2, '0')}.`,
      );
    }
    let size = REQUEST_SIZE[name];
    if (name === 'SEND_USB_CMD') {
      if (available < SEND_USB_CMD_HEADER_SIZE) return undefined;
      size += checkUsbHeader(b).writeLength;
    }
    return available >= size ? size : undefined;
  }
}

function checkUsbHeader(header: Uint8Array): {
  direction: UsbDirection;
  length: number;
  writeLength: number;
} {
  const direction = u8(header, 24);
  const length = u32le(header, 28);
  if (
    direction !== USB_DIRECTION.write &&
    direction !== USB_DIRECTION.read &&
    direction !== USB_DIRECTION.trace
  ) {
    throw malformed(
      'bad-direction',
      `SEND_USB_CMD direction ${direction} is not 0 (write), 1 (read) or 3 (trace).`,
    );
  }
  const limit = direction === USB_DIRECTION.write ? MAX_WRITE_DATA : MAX_READ_DATA;
  if (length > limit) {
    throw malformed(
      'too-long',
      `SEND_USB_CMD ${direction === USB_DIRECTION.write ? 'write' : 'read'} length ${length} exceeds ${limit} bytes.`,
    );
  }
  return { direction, length, writeLength: direction === USB_DIRECTION.write ? length : 0 };
}

/** Decodes one complete request (exactly its bytes). */
export function decodeRequest(bytes: Uint8Array): ServerRequest {
  const name = commandName(bytes[0] ?? -1);
  if (name === undefined) throw malformed('unknown-command', `Unknown stlink-server command ${bytes[0]}.`);
  const expected =
    REQUEST_SIZE[name] +
    (name === 'SEND_USB_CMD' && bytes.length >= SEND_USB_CMD_HEADER_SIZE
      ? checkUsbHeader(bytes).writeLength
      : 0);
  if (bytes.length !== expected) {
    throw malformed('size', `${name} request is ${bytes.length} bytes; expected ${expected}.`);
  }
  switch (name) {
    case 'GET_SERVER_VERSION':
      return { command: name, clientApi: u8(bytes, 1) };
    case 'REFRESH_DEVICE_LIST':
      return { command: name, clear: u8(bytes, 1) };
    case 'GET_NB_DEV':
      return { command: name };
    case 'GET_DEV_INFO':
      return { command: name, index: u8(bytes, 1), recordSize: u32le(bytes, 4) };
    case 'OPEN_DEV':
    case 'GET_NB_OF_DEV_CLIENTS':
      return { command: name, deviceId: u32le(bytes, 4) };
    case 'CLOSE_DEV':
      return { command: name, connectId: u32le(bytes, 4) };
    case 'SEND_USB_CMD': {
      const { direction, length, writeLength } = checkUsbHeader(bytes);
      return {
        command: name,
        connectId: u32le(bytes, 4),
        usbCommand: bytes.slice(8, 8 + USB_COMMAND_SIZE),
        direction,
        length,
        data: bytes.slice(SEND_USB_CMD_HEADER_SIZE, SEND_USB_CMD_HEADER_SIZE + writeLength),
      };
    }
  }
}

// ---- Replies ------------------------------------------------------------------------------------

function expectSize(bytes: Uint8Array, size: number, what: string): void {
  if (bytes.length !== size) {
    throw new BadInputError(
      'stlink-server-reply-size',
      `${what} reply is ${bytes.length} bytes; expected ${size}.`,
    );
  }
}

export interface ServerVersion {
  readonly api: number;
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}

export function encodeServerVersionReply(version: ServerVersion): Uint8Array {
  const bytes = new Uint8Array(REPLY_SIZE.GET_SERVER_VERSION);
  setU32le(bytes, 0, version.api);
  setU32le(bytes, 4, version.major);
  setU32le(bytes, 8, version.minor);
  setU32le(bytes, 12, version.build);
  return bytes;
}

export function decodeServerVersionReply(bytes: Uint8Array): ServerVersion {
  expectSize(bytes, REPLY_SIZE.GET_SERVER_VERSION, 'GET_SERVER_VERSION');
  return {
    api: u32le(bytes, 0),
    major: u32le(bytes, 4),
    minor: u32le(bytes, 8),
    build: u32le(bytes, 12),
  };
}

/** REFRESH_DEVICE_LIST and CLOSE_DEV: the status word alone. */
export function encodeStatusReply(status: number): Uint8Array {
  const bytes = new Uint8Array(4);
  setU32le(bytes, 0, status);
  return bytes;
}

export function decodeStatusReply(bytes: Uint8Array): number {
  expectSize(bytes, 4, 'status');
  return u32le(bytes, 0);
}

/** GET_NB_DEV: a bare LE u32 count, no status. */
export function encodeDeviceCountReply(count: number): Uint8Array {
  const bytes = new Uint8Array(REPLY_SIZE.GET_NB_DEV);
  setU32le(bytes, 0, count);
  return bytes;
}

export function decodeDeviceCountReply(bytes: Uint8Array): number {
  expectSize(bytes, REPLY_SIZE.GET_NB_DEV, 'GET_NB_DEV');
  return u32le(bytes, 0);
}

export interface DeviceInfo {
  readonly status: number;
  /** The server's handle for the device, given back in OPEN_DEV. */
  readonly deviceId: number;
  /** ASCII, at most 31 characters so the field stays NUL-terminated for OpenOCD's strcmp. */
  readonly serial: string;
  readonly vid: number;
  readonly pid: number;
  /** Non-zero makes OpenOCD refuse to open the device ("the selected device is already used"). */
  readonly used: number;
}

export function encodeDeviceInfoReply(info: DeviceInfo): Uint8Array {
  const bytes = new Uint8Array(REPLY_SIZE.GET_DEV_INFO);
  setU32le(bytes, 0, info.status);
  setU32le(bytes, 4, info.deviceId);
  const serial = info.serial.slice(0, SERIAL_FIELD_SIZE - 1);
  for (let i = 0; i < serial.length; i++) bytes[8 + i] = serial.charCodeAt(i) & 0x7f;
  setU16le(bytes, 40, info.vid);
  setU16le(bytes, 42, info.pid);
  bytes[44] = info.used;
  return bytes;
}

export function decodeDeviceInfoReply(bytes: Uint8Array): DeviceInfo {
  expectSize(bytes, REPLY_SIZE.GET_DEV_INFO, 'GET_DEV_INFO');
  const field = bytes.subarray(8, 8 + SERIAL_FIELD_SIZE);
  const end = field.indexOf(0);
  return {
    status: u32le(bytes, 0),
    deviceId: u32le(bytes, 4),
    serial: String.fromCharCode(...field.subarray(0, end === -1 ? field.length : end)),
    vid: u16le(bytes, 40),
    pid: u16le(bytes, 42),
    used: u8(bytes, 44),
  };
}

/** OPEN_DEV (connect_id) and GET_NB_OF_DEV_CLIENTS (count): status then one LE u32. */
export function encodeStatusWordReply(status: number, value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  setU32le(bytes, 0, status);
  setU32le(bytes, 4, value);
  return bytes;
}

export function decodeStatusWordReply(bytes: Uint8Array): { status: number; value: number } {
  expectSize(bytes, 8, 'status+word');
  return { status: u32le(bytes, 0), value: u32le(bytes, 4) };
}

/** SEND_USB_CMD: status, then for reads exactly the N bytes asked for (zeros when status is not SS_OK). */
export function encodeUsbReply(status: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const bytes = new Uint8Array(4 + data.length);
  setU32le(bytes, 0, status);
  bytes.set(data, 4);
  return bytes;
}

export function decodeUsbReply(bytes: Uint8Array): { status: number; data: Uint8Array } {
  if (bytes.length < 4)
    throw new BadInputError('stlink-server-reply-size', 'SEND_USB_CMD reply is under 4 bytes.');
  return { status: u32le(bytes, 0), data: bytes.subarray(4) };
}
