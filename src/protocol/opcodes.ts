/**
 * Byte 0 (command class) and, for the 0xF2/0xF3/0xF4 classes, byte 1 (sub-command) of the 16-byte
 * ST-Link command block (docs/stlink-protocol.md §A.1, A.3, A.4).
 */
export const COMMAND_CLASS = {
  GET_VERSION: 0xf1,
  DEBUG_COMMAND: 0xf2,
  DFU_COMMAND: 0xf3,
  SWIM_COMMAND: 0xf4,
  GET_CURRENT_MODE: 0xf5,
  GET_TARGET_VOLTAGE: 0xf7,
  /** V3 only. */
  GET_VERSION_EX: 0xfb,
} as const;

/** Sub-commands of DEBUG_COMMAND (0xF2) for API v2/v3 (A.4). */
export const DEBUG_COMMAND = {
  READMEM_32BIT: 0x07,
  WRITEMEM_32BIT: 0x08,
  READMEM_8BIT: 0x0c,
  WRITEMEM_8BIT: 0x0d,
  EXIT: 0x21,
  APIV2_ENTER: 0x30,
  READ_IDCODES: 0x31,
  RESETSYS: 0x32,
  READREG: 0x33,
  WRITEREG: 0x34,
  WRITEDEBUGREG: 0x35,
  READDEBUGREG: 0x36,
  READALLREGS: 0x3a,
  GETLASTRWSTATUS: 0x3b,
  DRIVE_NRST: 0x3c,
  GETLASTRWSTATUS2: 0x3e,
  START_TRACE_RX: 0x40,
  STOP_TRACE_RX: 0x41,
  GET_TRACE_NB: 0x42,
  SWD_SET_FREQ: 0x43,
  JTAG_SET_FREQ: 0x44,
  READ_DAP_REG: 0x45,
  WRITE_DAP_REG: 0x46,
  READMEM_16BIT: 0x47,
  WRITEMEM_16BIT: 0x48,
  INIT_AP: 0x4b,
  CLOSE_AP_DBG: 0x4c,
  WRITEMEM_32BIT_NO_ADDR_INC: 0x50,
  RW_MISC_OUT: 0x51,
  RW_MISC_IN: 0x52,
  READMEM_32BIT_NO_ADDR_INC: 0x54,
  APIV3_SET_COM_FREQ: 0x61,
  APIV3_GET_COM_FREQ: 0x62,
} as const;

/**
 * API v1 sub-commands of DEBUG_COMMAND. swdkit never sends them; they are decoded so that a virtual
 * probe can recognise an API v1 host and answer it as an API v2/v3 firmware would.
 */
export const APIV1_DEBUG_COMMAND = {
  GETSTATUS: 0x01,
  FORCEDEBUG: 0x02,
  APIV1_RESETSYS: 0x03,
  APIV1_READALLREGS: 0x04,
  APIV1_READREG: 0x05,
  APIV1_WRITEREG: 0x06,
  RUNCORE: 0x09,
  STEPCORE: 0x0a,
  APIV1_SETFP: 0x0b,
  APIV1_CLEARFP: 0x0e,
  APIV1_WRITEDEBUGREG: 0x0f,
  APIV1_SETWATCHPOINT: 0x10,
  APIV1_ENTER: 0x20,
  READCOREID: 0x22,
} as const;
export type Apiv1CommandName = keyof typeof APIV1_DEBUG_COMMAND;

export const DFU_COMMAND = { DFU_EXIT: 0x07 } as const;
export const SWIM_COMMAND = { SWIM_ENTER: 0x00, SWIM_EXIT: 0x01 } as const;

/** APIV2_ENTER byte 2 (A.4). */
export const ENTER_MODE = {
  /** Never sent by OpenOCD; decoded for completeness. */
  JTAG_WITH_RESET: 0x00,
  SWD_NO_RESET: 0xa3,
  JTAG_NO_RESET: 0xa4,
} as const;

/** DRIVE_NRST byte 2 (A.4). */
export const NRST_ACTION = { low: 0x00, high: 0x01, pulse: 0x02 } as const;
export type NrstAction = keyof typeof NRST_ACTION;

/** APIV3 COM_FREQ byte 2: which wire protocol the frequency is for. */
export const COM_FREQ_PROTOCOL = { swd: 0x00, jtag: 0x01 } as const;
export type WireProtocol = keyof typeof COM_FREQ_PROTOCOL;

/** GET_CURRENT_MODE reply byte 0 (A.3). */
export const STLINK_MODE = {
  DFU: 0x00,
  /** Idle: mass storage / no debug session. */
  MASS: 0x01,
  DEBUG: 0x02,
  SWIM: 0x03,
  BOOTLOADER: 0x04,
} as const;
export type StLinkModeName = keyof typeof STLINK_MODE;

export function modeName(mode: number): StLinkModeName | undefined {
  for (const [name, value] of Object.entries(STLINK_MODE)) if (value === mode) return name as StLinkModeName;
  return undefined;
}

/** READ_DAP_REG / WRITE_DAP_REG port value that addresses the DP rather than an AP (A.4). */
export const DAP_PORT_DP = 0xffff;

/** RW_MISC item types (A.8). */
export const RW_MISC_OP = { address: 1, write: 2, read: 3, 'select-ap': 5 } as const;
export type RwMiscOp = keyof typeof RW_MISC_OP;
