/**
 * The Serial Wire Debug link as a probe's firmware drives it (ADIv5.2 §B4): the contract between the
 * target's SW-DP (./sw-dp.ts) and the virtual ST-Link (src/sim/probe), which builds every ST-Link
 * command out of these transactions.
 */

/**
 * The 3-bit ACK a target drives after a request header (ADIv5 §B4.2.3), LSB first on the wire. With no
 * target driving SWDIO the pull-up makes the probe read 0b111: no response.
 */
export const SWD_ACK = { OK: 0b001, WAIT: 0b010, FAULT: 0b100, NO_RESPONSE: 0b111 } as const;
export type SwdAck = (typeof SWD_ACK)[keyof typeof SWD_ACK];

/** DP register addresses A[3:2] (ADIv5 §B2.2; DPv1 as the STM32F4's SW-DP, DPIDR 0x2BA01477). */
export const DP_REG = {
  /** Read: DPIDR. Write: ABORT. */
  DPIDR: 0x0,
  ABORT: 0x0,
  /** CTRL/STAT (SELECT.DPBANKSEL = 0) or DLCR (1). */
  CTRL_STAT: 0x4,
  /** Write: SELECT. Read: RESEND. */
  SELECT: 0x8,
  RESEND: 0x8,
  RDBUFF: 0xc,
} as const;

/** Clock cycles one transaction occupies on the wire (header 8, turnaround, ACK 3, data 32 + parity, turnaround, idle). */
export const SWD_CLOCKS_PER_TRANSACTION = 46;

export interface SwdWire {
  /**
   * Line reset (≥ 50 clocks with SWDIO high), preceded by the JTAG-to-SWD select sequence when the
   * port may still be in JTAG mode. Afterwards the DP must be read (DPIDR) before anything else.
   */
  lineReset(): void;
  /** One read transaction; the value is in `readData` when the ACK is OK. */
  read(apNotDp: boolean, address: number): SwdAck;
  /** One write transaction. */
  write(apNotDp: boolean, address: number, value: number): SwdAck;
  /** The data phase of the last read that was ACKed OK. */
  readonly readData: number;
}
