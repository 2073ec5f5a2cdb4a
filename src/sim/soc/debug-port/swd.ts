/**
 * The Serial Wire Debug link as a probe's firmware drives it (ADIv5.2 §B4): the contract between the
 * target's SW-DP (./sw-dp.ts) and the virtual ST-Link (src/sim/probe), which builds every ST-Link
 * command out of these transactions.
 */
import { ACK } from '../../../arch/adiv5/swd.js';

/**
 * What a transaction returns: the target's ACK (ADIv5 §B4.2.3), or NO_RESPONSE, the 0b111 the probe
 * reads when no target drives SWDIO (the pull-up).
 */
export const SWD_ACK = { ...ACK, NO_RESPONSE: 0b111 } as const;
export type SwdAck = (typeof SWD_ACK)[keyof typeof SWD_ACK];

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
