import type { SilenceReason } from '../debug-port-rules.js';
import { MEM_AP_REG } from '../../../arch/adiv5/ap.js';
import { ABORT, CTRL_STAT, DP_REG, SELECT, TRNMODE, WCR_RESET } from '../../../arch/adiv5/dp.js';
import { CTRL_STAT_STICKY, CTRL_STAT_WRITABLE, DPIDR_VALUE, WCR_WRITABLE } from './dap-registers.js';
import { AhbAp, AP_STATUS, SETTLED } from './ahb-ap.js';
import type { DapTarget } from './dap-target.js';
import { SWD_ACK, type SwdAck, type SwdWire } from './swd.js';

/**
 * Where the SW-DP's wire protocol stands (ADIv5.2 B4, line reset and DPIDR read): `jtag` after
 * power-on (the SWJ-DP starts in JTAG mode), `lost` after the port was silent (its line state is
 * unknown), `reset` after a line reset until DPIDR is read, `active` afterwards. Only a line reset
 * leaves `jtag` and `lost`.
 */
export type SwdProtocolState = 'jtag' | 'lost' | 'reset' | 'active';

/** The silences during which the debug power domain is off: the DP's registers do not survive. */
const POWER_LOST: ReadonlySet<SilenceReason> = new Set<SilenceReason>([
  'unpowered',
  'standby',
  'rdp-level-2',
]);

/** Data and result of a pushed compare or verify whose read was stalled. */
interface PushedOperation {
  readonly expected: number;
  readonly verify: boolean;
}

/**
 * The STM32F407's SW-DP (the Cortex-M4 SWJ-DP in SWD mode, DPv1; ADIv5.2 chapters B2 and B4) with one access
 * port, the AHB-AP at APSEL 0 (ahb-ap.ts). Transaction level: each call is one SWD packet with its
 * ACK; parity cannot go wrong, so WDATAERR is never set by this model (it is still cleared by
 * ABORT.WDERRCLR).
 *
 * Decisions where ADIv5 leaves room, so a probe model knows what to expect:
 * - An AP access while CDBGPWRUPACK is clear (or a memory transfer while CSYSPWRUPACK is clear)
 *   sets STICKYERR and is answered FAULT.
 * - A bus error is reported the ADIv5 way for posted transfers: the transaction that started the
 *   AHB transfer is ACKed OK, STICKYERR is set, and the next AP access or RDBUFF read gets FAULT.
 * - WAIT comes from a stalled AHB transfer (a flash access while FLASH_SR.BSY); every AP access and
 *   RDBUFF read gets WAIT until the target's clock reaches the end of the stall. With ORUNDETECT set a
 *   WAIT also sets STICKYORUN.
 * - CDBGPWRUPACK and CSYSPWRUPACK follow their requests at once. CDBGRSTREQ is stored; its
 *   acknowledge is not implemented and reads 0.
 * - APSEL ≠ 0 selects no AP: reads return 0 (IDR 0 ends an AP scan), writes are ignored.
 */
export class SwDp implements SwdWire {
  readonly ap: AhbAp;
  private state: SwdProtocolState = 'jtag';
  /** CTRL/STAT's stored bits: the writable fields, the sticky flags and READOK. */
  private ctrlStat = 0;
  private select = 0;
  private wcr = WCR_RESET;
  /** RDBUFF: the result of the last AP read (ADIv5.2 B2.2, RDBUFF). */
  private readBuffer = 0;
  /** RESEND: what the last AP read or RDBUFF read returned (ADIv5.2 B2.2, RESEND). */
  private lastReturned = 0;
  private data = 0;
  private pushed: PushedOperation | undefined = undefined;
  /** Why the port was last silent (for logs and tests). */
  lastSilence: SilenceReason | undefined = undefined;

  constructor(private readonly target: DapTarget) {
    this.ap = new AhbAp(target);
  }

  get readData(): number {
    return this.data;
  }

  get protocolState(): SwdProtocolState {
    return this.state;
  }

  /** Every DP and AP register to its reset value, the SWJ-DP back in JTAG mode (debug power-on). */
  powerOnReset(): void {
    this.state = 'jtag';
    this.ctrlStat = 0;
    this.select = 0;
    this.wcr = WCR_RESET;
    this.readBuffer = 0;
    this.lastReturned = 0;
    this.data = 0;
    this.pushed = undefined;
    this.ap.reset();
  }

  /**
   * Looks at whether the port answers now. The board calls this whenever it may have changed the
   * conditions (power, NRST, after running), so a silence between two transactions is not missed: a
   * port that has been silent needs a fresh line reset, and one whose debug power was off has lost
   * its registers too.
   */
  sample(): boolean {
    const silence = this.target.debugPortSilence;
    if (silence === undefined) return true;
    this.lastSilence = silence;
    if (POWER_LOST.has(silence)) this.powerOnReset();
    this.state = this.state === 'jtag' ? 'jtag' : 'lost';
    return false;
  }

  lineReset(): void {
    if (!this.sample()) return;
    // The JTAG-to-SWD sequence (ADIv5.2 B5, SWJ-DP switching) is part of the contract's line reset.
    this.state = 'reset';
  }

  read(apNotDp: boolean, address: number): SwdAck {
    if (!this.sample() || this.state === 'jtag' || this.state === 'lost') return SWD_ACK.NO_RESPONSE;
    const a = address & 0xc;
    if (this.state === 'reset') {
      // After a line reset only a DPIDR read is acknowledged (ADIv5.2 B4: DPIDR must be read first).
      if (apNotDp || a !== DP_REG.DPIDR) return SWD_ACK.NO_RESPONSE;
      this.state = 'active';
    }
    this.settle();
    return apNotDp ? this.readAp(a) : this.readDp(a);
  }

  write(apNotDp: boolean, address: number, value: number): SwdAck {
    if (!this.sample() || this.state !== 'active') return SWD_ACK.NO_RESPONSE;
    this.settle();
    return apNotDp ? this.writeAp(address & 0xc, value >>> 0) : this.writeDp(address & 0xc, value >>> 0);
  }

  // --- DP registers ---------------------------------------------------------------------------

  private get sticky(): boolean {
    return (this.ctrlStat & CTRL_STAT_STICKY) !== 0;
  }

  private get ctrlStatValue(): number {
    let value = this.ctrlStat;
    if ((value & CTRL_STAT.CDBGPWRUPREQ) !== 0) value |= CTRL_STAT.CDBGPWRUPACK;
    if ((value & CTRL_STAT.CSYSPWRUPREQ) !== 0) value |= CTRL_STAT.CSYSPWRUPACK;
    return value >>> 0;
  }

  private ok(value: number): SwdAck {
    this.data = value >>> 0;
    return SWD_ACK.OK;
  }

  private readDp(a: number): SwdAck {
    switch (a) {
      case DP_REG.DPIDR:
        return this.ok(DPIDR_VALUE);
      case DP_REG.CTRL_STAT:
        if ((this.select & SELECT.CTRLSEL) === 0) return this.ok(this.ctrlStatValue);
        if (this.sticky) return SWD_ACK.FAULT;
        return this.ok(this.wcr);
      case DP_REG.RESEND:
        if (this.sticky) return SWD_ACK.FAULT;
        return this.ok(this.lastReturned);
      default: {
        // RDBUFF: the last AP read's result, without starting another (ADIv5.2 B4.2, RDBUFF).
        const refused = this.refusal(true);
        if (refused !== undefined) return refused;
        this.ctrlStat |= CTRL_STAT.READOK;
        this.lastReturned = this.readBuffer;
        return this.ok(this.readBuffer);
      }
    }
  }

  private writeDp(a: number, value: number): SwdAck {
    if (a === DP_REG.ABORT) {
      this.abort(value);
      return SWD_ACK.OK;
    }
    // Everything but an ABORT write waits out a sticky error (ADIv5.2 B4.2, FAULT response).
    if (this.sticky) return SWD_ACK.FAULT;
    if (a === DP_REG.CTRL_STAT) {
      if ((this.select & SELECT.CTRLSEL) !== 0) this.wcr = value & WCR_WRITABLE;
      else this.ctrlStat = (this.ctrlStat & ~CTRL_STAT_WRITABLE) | (value & CTRL_STAT_WRITABLE);
    } else if (a === DP_REG.SELECT) {
      this.select = value;
    }
    // A write to RDBUFF is ignored.
    return SWD_ACK.OK;
  }

  private abort(value: number): void {
    if ((value & ABORT.DAPABORT) !== 0) {
      this.ap.abort();
      this.pushed = undefined;
    }
    let clear = 0;
    if ((value & ABORT.STKCMPCLR) !== 0) clear |= CTRL_STAT.STICKYCMP;
    if ((value & ABORT.STKERRCLR) !== 0) clear |= CTRL_STAT.STICKYERR;
    if ((value & ABORT.WDERRCLR) !== 0) clear |= CTRL_STAT.WDATAERR;
    if ((value & ABORT.ORUNERRCLR) !== 0) clear |= CTRL_STAT.STICKYORUN;
    this.ctrlStat &= ~clear;
  }

  // --- AP accesses ----------------------------------------------------------------------------

  private get apRegister(): number {
    return this.select & SELECT.APBANKSEL_MASK;
  }

  private get apSelected(): boolean {
    return this.select >>> SELECT.APSEL_SHIFT === 0;
  }

  /**
   * WAIT while the AP is busy, FAULT while a sticky flag is set or the AP is not powered up (RDBUFF,
   * `rdbuff`, needs no AP power). Undefined when the access may go ahead.
   */
  private refusal(rdbuff: boolean, register = 0): SwdAck | undefined {
    if (this.ap.blocks(rdbuff ? MEM_AP_REG.CSW : register)) {
      this.ctrlStat &= ~CTRL_STAT.READOK;
      if ((this.ctrlStat & CTRL_STAT.ORUNDETECT) !== 0) this.ctrlStat |= CTRL_STAT.STICKYORUN;
      return SWD_ACK.WAIT;
    }
    if (this.sticky) {
      this.ctrlStat &= ~CTRL_STAT.READOK;
      return SWD_ACK.FAULT;
    }
    if (rdbuff) return undefined;
    const value = this.ctrlStatValue;
    const transfer =
      register === MEM_AP_REG.DRW || (register >= MEM_AP_REG.BD0 && register <= MEM_AP_REG.BD3);
    const powered =
      (value & CTRL_STAT.CDBGPWRUPACK) !== 0 && (!transfer || (value & CTRL_STAT.CSYSPWRUPACK) !== 0);
    if (!powered) {
      this.ctrlStat = (this.ctrlStat | CTRL_STAT.STICKYERR) & ~CTRL_STAT.READOK;
      return SWD_ACK.FAULT;
    }
    return undefined;
  }

  private readAp(a: number): SwdAck {
    const register = this.apRegister | a;
    const refused = this.refusal(false, register);
    if (refused !== undefined) return refused;
    // Posted read (ADIv5.2 B4.2, RDBUFF): this transaction returns the previous AP read's result.
    const previous = this.readBuffer;
    this.lastReturned = previous;
    if (!this.apSelected) {
      this.readBuffer = 0;
      this.ctrlStat |= CTRL_STAT.READOK;
      return this.ok(previous);
    }
    const status = this.ap.read(register);
    if (status === AP_STATUS.OK) {
      this.readBuffer = this.ap.value;
      this.ctrlStat |= CTRL_STAT.READOK;
    } else if (status === AP_STATUS.ERROR) {
      this.ctrlStat = (this.ctrlStat | CTRL_STAT.STICKYERR) & ~CTRL_STAT.READOK;
    }
    return this.ok(previous);
  }

  private writeAp(a: number, value: number): SwdAck {
    const register = this.apRegister | a;
    const refused = this.refusal(false, register);
    if (refused !== undefined) return refused;
    if (!this.apSelected) return SWD_ACK.OK;
    const mode = (this.ctrlStat & CTRL_STAT.TRNMODE_MASK) >>> CTRL_STAT.TRNMODE_SHIFT;
    if (mode === TRNMODE.PUSHED_VERIFY || mode === TRNMODE.PUSHED_COMPARE) {
      // Pushed compare/verify (ADIv5.2 B1, CTRL/STAT.TRNMODE): the write data is compared with a
      // read of the register.
      const status = this.ap.read(register);
      const pushed = { expected: value, verify: mode === TRNMODE.PUSHED_VERIFY };
      if (status === AP_STATUS.OK) this.compare(pushed, this.ap.value);
      else if (status === AP_STATUS.ERROR) this.ctrlStat |= CTRL_STAT.STICKYERR;
      else this.pushed = pushed;
      return SWD_ACK.OK;
    }
    if (this.ap.write(register, value) === AP_STATUS.ERROR) this.ctrlStat |= CTRL_STAT.STICKYERR;
    return SWD_ACK.OK;
  }

  /** STICKYCMP on a verify mismatch or a compare match, in the lanes MASKLANE selects. */
  private compare(pushed: PushedOperation, actual: number): void {
    const lanes = (this.ctrlStat & CTRL_STAT.MASKLANE_MASK) >>> CTRL_STAT.MASKLANE_SHIFT;
    let mask = 0;
    for (let lane = 0; lane < 4; lane++) if ((lanes & (1 << lane)) !== 0) mask |= 0xff << (lane * 8);
    const equal = ((pushed.expected ^ actual) & mask) === 0;
    if (equal !== pushed.verify) this.ctrlStat |= CTRL_STAT.STICKYCMP;
  }

  /** Completes a stalled AHB transfer whose wait is over, before the next transaction is looked at. */
  private settle(): void {
    const settled = this.ap.settle();
    if (settled === SETTLED.NOTHING) return;
    if (settled === SETTLED.ERROR) {
      this.ctrlStat = (this.ctrlStat | CTRL_STAT.STICKYERR) & ~CTRL_STAT.READOK;
      this.pushed = undefined;
      return;
    }
    if (settled !== SETTLED.READ_DONE) return;
    const pushed = this.pushed;
    if (pushed !== undefined) {
      this.pushed = undefined;
      this.compare(pushed, this.ap.value);
      return;
    }
    this.readBuffer = this.ap.value;
    this.ctrlStat |= CTRL_STAT.READOK;
  }
}
