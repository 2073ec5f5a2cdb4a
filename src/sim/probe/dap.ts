import { STLINK_STATUS } from '../../protocol/status.js';
import { ABORT, CTRL_STAT, DP_REG } from '../../arch/adiv5/dp.js';
import { SWD_ACK, type SwdAck, type SwdWire } from '../soc/debug-port/swd.js';
import { ABORT_CLEAR_STICKY, selectValue } from './registers.js';
import { SWD_LINE_RESET_CLOCKS, SWD_TRANSACTION_CLOCKS } from './timing.js';

const OK = STLINK_STATUS.DEBUG_ERR_OK;

/** How the firmware treats WAIT and the power-up handshake (estimates of what ST's firmware does). */
export interface DapPolicy {
  /** A WAITed transaction is re-issued up to this many times before the command gives up (ADIv5 §B4.2.3). */
  readonly waitRetries: number;
  /** CTRL/STAT reads while waiting for CDBGPWRUPACK/CSYSPWRUPACK at connect. */
  readonly powerUpPolls: number;
}

export const DEFAULT_DAP_POLICY: DapPolicy = { waitRetries: 64, powerUpPolls: 16 };

/**
 * The probe firmware's side of the SW-DP: every transaction it issues, WAIT retries, the SELECT
 * shadow, and the mapping of ACKs and sticky flags to ST-Link status codes (docs/stlink-protocol.md
 * §A.2). Methods return a status code (0x80 = OK); a read's data is in `value`. Allocation-free, since
 * a 6 KiB memory command is ~1 600 transactions.
 */
export class ProbeDap {
  /** Data of the last successful read (for a posted AP read: the previous AP read's result). */
  value = 0;
  /** SWD clocks issued since construction (transactions and line resets). */
  clocks = 0;
  transactions = 0;
  /** Called after each WAIT with the clocks that transaction took, before it is re-issued. */
  onWait: ((clocks: number) => void) | undefined = undefined;
  /** What SELECT holds, as far as the firmware knows; undefined after a connect or a failed write. */
  private select: number | undefined = undefined;

  constructor(
    private readonly wire: SwdWire,
    private readonly policy: DapPolicy = DEFAULT_DAP_POLICY,
  ) {}

  /**
   * ENTER's link bring-up: line reset, DPIDR read (the first access ADIv5 §B4.3.3 allows), clear
   * sticky flags, SELECT 0, debug and system power-up request and wait for both ACKs (§B2.2.2).
   * A silent target answers 0x09 JTAG_GET_IDCODE_ERROR: the status that makes OpenOCD print
   * "init mode failed".
   */
  connect(): number {
    this.select = undefined;
    this.clocks += SWD_LINE_RESET_CLOCKS;
    this.wire.lineReset();
    if (this.transact(false, DP_REG.DPIDR, false, 0) !== SWD_ACK.OK)
      return STLINK_STATUS.JTAG_GET_IDCODE_ERROR;
    const dpidr = this.wire.readData >>> 0;
    let status = this.dpWrite(DP_REG.ABORT, ABORT_CLEAR_STICKY);
    if (status === OK) status = this.writeSelect(0);
    if (status === OK)
      status = this.dpWrite(DP_REG.CTRL_STAT, CTRL_STAT.CDBGPWRUPREQ | CTRL_STAT.CSYSPWRUPREQ);
    if (status !== OK) return status;
    const acks = CTRL_STAT.CDBGPWRUPACK | CTRL_STAT.CSYSPWRUPACK;
    for (let i = 0; ; i++) {
      status = this.dpRead(DP_REG.CTRL_STAT);
      if (status !== OK) return status;
      if ((this.value & acks) >>> 0 === acks >>> 0) break;
      if (i + 1 >= this.policy.powerUpPolls) return STLINK_STATUS.DEBUG_POWER_ERROR;
    }
    this.value = dpidr;
    return OK;
  }

  /** A DP register; `register` may carry a DPBANKSEL in bits 7:4 (OpenOCD's banked addresses). */
  dpRead(register: number): number {
    const status = this.selectDpBank(register);
    if (status !== OK) return status;
    return this.finish(false, true, this.transact(false, register & 0xc, false, 0));
  }

  dpWrite(register: number, value: number): number {
    const address = register & 0xc;
    if (address === DP_REG.SELECT) return this.writeSelect(value);
    let status: number = OK;
    if (address !== DP_REG.ABORT) status = this.selectDpBank(register);
    if (status !== OK) return status;
    return this.finish(false, false, this.transact(false, address, true, value));
  }

  /** Posted AP read (ADIv5 §B4.2.4): the data arrives with the next AP read or RDBUFF. */
  apReadPosted(ap: number, register: number): number {
    const status = this.selectAp(ap, register);
    if (status !== OK) return status;
    return this.finish(true, true, this.transact(true, register & 0xc, false, 0));
  }

  /** An AP read whose value is wanted now: the posted read, then RDBUFF. */
  apRead(ap: number, register: number): number {
    const status = this.apReadPosted(ap, register);
    return status === OK ? this.dpRead(DP_REG.RDBUFF) : status;
  }

  apWrite(ap: number, register: number, value: number): number {
    const status = this.selectAp(ap, register);
    if (status !== OK) return status;
    return this.finish(true, false, this.transact(true, register & 0xc, true, value));
  }

  private selectAp(ap: number, register: number): number {
    const dpBank = (this.select ?? 0) & 0xf;
    const wanted = selectValue(ap, register >> 4, dpBank);
    return this.select === wanted ? OK : this.writeSelect(wanted);
  }

  private selectDpBank(register: number): number {
    if ((register & 0xc) !== DP_REG.CTRL_STAT) return OK;
    const bank = (register >> 4) & 0xf;
    if (this.select !== undefined && (this.select & 0xf) === bank) return OK;
    return this.writeSelect((((this.select ?? 0) & ~0xf) | bank) >>> 0);
  }

  private writeSelect(value: number): number {
    this.select = undefined;
    const status = this.finish(false, false, this.transact(false, DP_REG.SELECT, true, value));
    if (status === OK) this.select = value >>> 0;
    return status;
  }

  /** One transaction, re-issued while the target answers WAIT. */
  private transact(apNotDp: boolean, address: number, write: boolean, value: number): SwdAck {
    for (let attempt = 0; ; attempt++) {
      this.clocks += SWD_TRANSACTION_CLOCKS;
      this.transactions++;
      const ack = write ? this.wire.write(apNotDp, address, value >>> 0) : this.wire.read(apNotDp, address);
      if (ack !== SWD_ACK.WAIT || attempt >= this.policy.waitRetries) return ack;
      this.onWait?.(SWD_TRANSACTION_CLOCKS);
    }
  }

  /** Maps an ACK to a status, cleaning up the DP after WAIT and FAULT as the firmware must. */
  private finish(apNotDp: boolean, isRead: boolean, ack: SwdAck): number {
    if (ack === SWD_ACK.OK) {
      // A posted AP read returns the previous AP read's data (ADIv5 §B4.2.4); callers know which.
      if (isRead) this.value = this.wire.readData >>> 0;
      return OK;
    }
    if (ack === SWD_ACK.WAIT) {
      // The AP is still busy: abort its transaction so the next command starts clean (ADIv5 §B2.2.1).
      this.transact(false, DP_REG.ABORT, true, ABORT.DAPABORT);
      return apNotDp ? STLINK_STATUS.SWD_AP_WAIT : STLINK_STATUS.SWD_DP_WAIT;
    }
    if (ack === SWD_ACK.FAULT) return this.clearFault(apNotDp);
    // No valid ACK: nobody drives SWDIO (or a protocol error). SELECT is unknown from here on.
    this.select = undefined;
    return apNotDp ? STLINK_STATUS.SWD_AP_ERROR : STLINK_STATUS.SWD_DP_ERROR;
  }

  /**
   * After FAULT a sticky flag is set and blocks every AP access until cleared: read CTRL/STAT to learn
   * which (a read of CTRL/STAT is allowed with the flags set, ADIv5 §B4.2.3), clear them through
   * ABORT, and report the flag.
   */
  private clearFault(apNotDp: boolean): number {
    let flags = 0;
    if (this.transact(false, DP_REG.CTRL_STAT, false, 0) === SWD_ACK.OK) flags = this.wire.readData >>> 0;
    this.transact(false, DP_REG.ABORT, true, ABORT_CLEAR_STICKY);
    if (flags & CTRL_STAT.STICKYERR) return STLINK_STATUS.SWD_AP_FAULT;
    if (flags & CTRL_STAT.WDATAERR) return STLINK_STATUS.SWD_AP_WDATA_ERROR;
    if (flags & CTRL_STAT.STICKYORUN) return STLINK_STATUS.SWD_AP_STICKYORUN_ERROR;
    return apNotDp ? STLINK_STATUS.SWD_AP_FAULT : STLINK_STATUS.SWD_DP_FAULT;
  }
}
