import { ERROR_CLASSES, SwdkitError, type ErrorClass } from '../util/errors.js';

/**
 * The first reply byte of a debug command and the result of GETLASTRWSTATUS(2)
 * (docs/stlink-protocol.md §A.2). The firmware codes OpenOCD lumps under "other" are taken from pyOCD's
 * table (both listed in that section).
 */
interface StatusEntry {
  readonly code: number;
  /** What the firmware means, in a few words. */
  readonly meaning: string;
  /** WAIT: the same command may succeed if re-sent (A.2 retry rule). */
  readonly retryable: boolean;
  /** What to do next when it fails. */
  readonly hint: string;
  readonly errorClass: ErrorClass;
}

const CHECK_WIRING =
  'Check that the target is powered, that SWDIO/SWCLK/GND are connected, and that the firmware has not ' +
  'reused the SWD pins or entered Stop/Standby; connecting under reset usually gets past the last two.';
const BUS_FAULT =
  'The address is not mapped or its peripheral clock is off (RM0090 §2.3); check the address, or enable the clock first.';
const RECONNECT = 'Reconnect (exit and enter SWD again); if it persists, lower the SWD frequency.';
const PROBE_SIDE = 'Update the ST-Link firmware, or replug the probe.';

const T = ERROR_CLASSES.target;
const U = ERROR_CLASSES.unavailable;

export const STLINK_STATUS_TABLE = {
  DEBUG_ERR_OK: { code: 0x80, meaning: 'success', retryable: false, hint: '', errorClass: T },
  DEBUG_ERR_FAULT: {
    code: 0x81,
    meaning: 'SWD fault response',
    retryable: false,
    hint: RECONNECT,
    errorClass: T,
  },
  UNKNOWN_ERROR: { code: 0x01, meaning: 'unknown error', retryable: false, hint: PROBE_SIDE, errorClass: U },
  SPI_ERROR: { code: 0x02, meaning: 'SPI error', retryable: false, hint: PROBE_SIDE, errorClass: U },
  DMA_ERROR: { code: 0x03, meaning: 'DMA error', retryable: false, hint: PROBE_SIDE, errorClass: U },
  UNKNOWN_JTAG_CHAIN: {
    code: 0x04,
    meaning: 'unknown JTAG chain',
    retryable: false,
    hint: CHECK_WIRING,
    errorClass: T,
  },
  NO_DEVICE_CONNECTED: {
    code: 0x05,
    meaning: 'no device connected',
    retryable: false,
    hint: CHECK_WIRING,
    errorClass: T,
  },
  INTERNAL_ERROR: {
    code: 0x06,
    meaning: 'probe internal error',
    retryable: false,
    hint: PROBE_SIDE,
    errorClass: U,
  },
  CMD_WAIT: { code: 0x07, meaning: 'command wait', retryable: false, hint: RECONNECT, errorClass: U },
  CMD_ERROR: { code: 0x08, meaning: 'command error', retryable: false, hint: PROBE_SIDE, errorClass: U },
  JTAG_GET_IDCODE_ERROR: {
    code: 0x09,
    meaning: 'no target answered (get IDCODE error)',
    retryable: false,
    hint:
      'No target answered: check power, wiring, or connect under reset (firmware that reuses the SWD ' +
      'pins or sleeps in Stop/Standby is reachable only while NRST is held low).',
    errorClass: T,
  },
  ALIGNMENT_ERROR: {
    code: 0x0a,
    meaning: 'unaligned access',
    retryable: false,
    hint: 'Align 16-bit accesses to 2 bytes and 32-bit accesses to 4 bytes.',
    errorClass: T,
  },
  DEBUG_POWER_ERROR: {
    code: 0x0b,
    meaning: 'debug power-up failed',
    retryable: false,
    hint: `The debug domain did not power up (CDBGPWRUPACK). ${CHECK_WIRING}`,
    errorClass: T,
  },
  JTAG_WRITE_ERROR: { code: 0x0c, meaning: 'write error', retryable: false, hint: RECONNECT, errorClass: T },
  /** OpenOCD logs "Write verify error, ignoring" and carries on (A.2); so does swdkit. */
  JTAG_WRITE_VERIF_ERROR: {
    code: 0x0d,
    meaning: 'write verify error (ignored)',
    retryable: false,
    hint: '',
    errorClass: T,
  },
  ALREADY_OPENED_IN_OTHER_MODE: {
    code: 0x0e,
    meaning: 'already opened in another mode',
    retryable: false,
    hint: 'Another program put the probe in a different mode; close it, or share the probe through `swdkit server`.',
    errorClass: U,
  },
  SWD_AP_WAIT: { code: 0x10, meaning: 'AP answered WAIT', retryable: true, hint: RECONNECT, errorClass: T },
  SWD_AP_FAULT: {
    code: 0x11,
    meaning: 'AP fault (bus error on the memory access)',
    retryable: false,
    hint: BUS_FAULT,
    errorClass: T,
  },
  SWD_AP_ERROR: { code: 0x12, meaning: 'AP error', retryable: false, hint: RECONNECT, errorClass: T },
  SWD_AP_PARITY_ERROR: {
    code: 0x13,
    meaning: 'AP parity error',
    retryable: false,
    hint: `Signal integrity: shorten the wires or lower the SWD frequency. ${RECONNECT}`,
    errorClass: T,
  },
  SWD_DP_WAIT: { code: 0x14, meaning: 'DP answered WAIT', retryable: true, hint: RECONNECT, errorClass: T },
  SWD_DP_FAULT: { code: 0x15, meaning: 'DP fault', retryable: false, hint: RECONNECT, errorClass: T },
  SWD_DP_ERROR: {
    code: 0x16,
    meaning: 'DP error (no valid ACK)',
    retryable: false,
    hint: CHECK_WIRING,
    errorClass: T,
  },
  SWD_DP_PARITY_ERROR: {
    code: 0x17,
    meaning: 'DP parity error',
    retryable: false,
    hint: `Signal integrity: shorten the wires or lower the SWD frequency. ${RECONNECT}`,
    errorClass: T,
  },
  SWD_AP_WDATA_ERROR: {
    code: 0x18,
    meaning: 'AP write data error',
    retryable: false,
    hint: RECONNECT,
    errorClass: T,
  },
  SWD_AP_STICKY_ERROR: {
    code: 0x19,
    meaning: 'AP sticky error (an earlier access faulted)',
    retryable: false,
    hint: `An earlier access left STICKYERR set. ${BUS_FAULT}`,
    errorClass: T,
  },
  SWD_AP_STICKYORUN_ERROR: {
    code: 0x1a,
    meaning: 'AP sticky overrun error',
    retryable: false,
    hint: RECONNECT,
    errorClass: T,
  },
  BAD_AP_ERROR: {
    code: 0x1d,
    meaning: 'no such AP',
    retryable: false,
    hint: 'The access port number does not exist on this target; STM32F4 has only AP 0.',
    errorClass: T,
  },
  SWV_NOT_AVAILABLE: {
    code: 0x20,
    meaning: 'SWV not available',
    retryable: false,
    hint: 'This probe cannot receive SWO trace.',
    errorClass: U,
  },
  CONF_CHANGED: {
    code: 0x40,
    meaning: 'configuration changed',
    retryable: false,
    hint: RECONNECT,
    errorClass: U,
  },
  FREQ_NOT_SUPPORTED: {
    code: 0x41,
    meaning: 'frequency not supported',
    retryable: false,
    hint: 'Choose one of the frequencies the probe reports (swdkit list).',
    errorClass: U,
  },
  UNKNOWN_CMD: {
    code: 0x42,
    meaning: 'unknown command',
    retryable: false,
    hint: 'The probe firmware does not know this command; update the ST-Link firmware.',
    errorClass: U,
  },
} as const satisfies Record<string, StatusEntry>;

export type StLinkStatusName = keyof typeof STLINK_STATUS_TABLE;

/** Status codes by name, for encoders: `STLINK_STATUS.SWD_AP_FAULT` is 0x11. */
export const STLINK_STATUS = Object.fromEntries(
  Object.entries(STLINK_STATUS_TABLE).map(([name, entry]) => [name, entry.code]),
) as { readonly [K in StLinkStatusName]: (typeof STLINK_STATUS_TABLE)[K]['code'] };

export interface StatusInfo extends StatusEntry {
  /** The table name, or `UNKNOWN_STATUS_0xNN`. */
  readonly name: string;
}

const BY_CODE = new Map<number, StatusInfo>(
  Object.entries(STLINK_STATUS_TABLE).map(([name, entry]) => [entry.code, { name, ...entry }]),
);

export function statusInfo(code: number): StatusInfo {
  return (
    BY_CODE.get(code) ?? {
      name: `UNKNOWN_STATUS_0x${code.toString(16).padStart(2, '0')}`,
      code,
      meaning: 'unknown/unexpected ST-Link status code',
      retryable: false,
      hint: PROBE_SIDE,
      errorClass: U,
    }
  );
}

/** 0x80, and 0x0D which OpenOCD deliberately treats as success (A.2). */
export function isStatusOk(code: number): boolean {
  return code === STLINK_STATUS.DEBUG_ERR_OK || code === STLINK_STATUS.JTAG_WRITE_VERIF_ERROR;
}

export function isStatusRetryable(code: number): boolean {
  return statusInfo(code).retryable;
}

function kebab(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/**
 * A command the probe answered with a failure status. Made only from the status byte, so the code,
 * message and hint are the same wherever it is raised. `code` is e.g. `target.stlink-swd-ap-fault`.
 */
export class StLinkStatusError extends SwdkitError {
  override readonly name = 'StLinkStatusError';
  readonly status: number;
  readonly statusName: string;
  readonly retryable: boolean;
  readonly faultAddress: number | undefined;

  constructor(
    status: number,
    /** The command that got the status, e.g. `READMEM_32BIT 0x08000000+4096`. */
    readonly command: string,
    options: {
      readonly attempts?: number;
      /** GETLASTRWSTATUS2's fault address, for a failed memory command. */
      readonly faultAddress?: number;
      readonly cause?: unknown;
    } = {},
  ) {
    const info = statusInfo(status);
    const tries =
      options.attempts !== undefined && options.attempts > 1 ? ` after ${options.attempts} attempts` : '';
    const at =
      options.faultAddress === undefined
        ? ''
        : `, fault address 0x${options.faultAddress.toString(16).padStart(8, '0')}`;
    super(
      info.errorClass,
      `stlink-${kebab(info.name)}`,
      `${command}: ST-Link status 0x${status.toString(16).padStart(2, '0')} ${info.name} (${info.meaning})${at}${tries}`,
      { hint: info.hint, cause: options.cause },
    );
    this.status = status;
    this.statusName = info.name;
    this.retryable = info.retryable;
    this.faultAddress = options.faultAddress;
  }
}
