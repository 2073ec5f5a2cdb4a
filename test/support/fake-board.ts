import { mainFlashBase, STM32F40X } from '../../src/target/index.js';
import { EventClock } from '../../src/sim/soc/event-clock.js';
import { CSW, CSW_ADDRINC, MEM_AP_REG, TAR_AUTOINCREMENT_MIN_BLOCK } from '../../src/arch/adiv5/ap.js';
import { ABORT, CTRL_STAT, DP_REG, SELECT } from '../../src/arch/adiv5/dp.js';
import { DCRSR, DEBUG_REG, DHCSR } from '../../src/arch/armv7m/debug.js';
import { DWT_REG } from '../../src/arch/armv7m/dwt.js';
import { FPB_REG } from '../../src/arch/armv7m/fpb.js';
import { AIRCR, SCB_REG } from '../../src/arch/armv7m/scb.js';
import { SWD_ACK, type SwdAck, type SwdWire } from '../../src/sim/soc/debug-port/swd.js';
import type { ProbeTargetLink } from '../../src/sim/probe/target-link.js';

const STICKY = CTRL_STAT.STICKYERR | CTRL_STAT.WDATAERR | CTRL_STAT.STICKYORUN;
// Where the chip description puts main flash and SRAM; the memory model itself is this file's own.
const FLASH_BASE = mainFlashBase(STM32F40X);
const SRAM_BASE = STM32F40X.memory.SRAM1.base;

/**
 * Test double for the probe's specs: an ADIv5 SW-DP + AHB-AP in front of a small STM32F4-like memory
 * and a halted Cortex-M4 debug core, written from ADIv5 (IHI 0031) and the ARMv7-M ARM, independent of
 * src/sim/soc's model. Posted reads, sticky errors (FAULT on every access but DPIDR/CTRL-STAT reads
 * and ABORT writes until cleared), WAIT injection, and TAR auto-increment only inside 1 KiB (the
 * ADIv5 minimum) so a probe that relies on more reads wrong data.
 */
export class FakeSwdTarget implements SwdWire {
  static readonly DPIDR = 0x2ba01477;
  static readonly AHB_AP_IDR = 0x24770011;
  static readonly CPUID = 0x410fc241;

  /** No answer at all (unpowered, pins reassigned). */
  silent = false;
  /** The next `injectWaits` transactions answer WAIT. */
  injectWaits = 0;
  /** AP accesses and RDBUFF reads answer WAIT until `now()` reaches this (a stalled AHB transfer). */
  stallUntil = 0;
  now: () => number = () => 0;
  /** Each transaction, as "R DP 0x0", "W AP 0x4 0x20000000". */
  readonly log: string[] = [];
  readData = 0;

  readonly sram = new Uint8Array(0x20000);
  readonly flash = new Uint8Array(0x100000).fill(0xff);
  /** r0–r12, SP, LR, PC, xPSR, MSP, PSP, (0x13), CFBP at 0x14, FPSCR at 0x21, S0–S31 at 0x40. */
  readonly registers = new Uint32Array(0x60);
  halted = true;
  nrstLow = false;
  aircrWrites = 0;
  /** Plain read/write words of the System Control Space the specs touch (DEMCR, MVFR0/1, FP_CTRL, DWT_CTRL). */
  readonly scsWords = new Map<number, number>([
    [DEBUG_REG.DEMCR, 0],
    [SCB_REG.MVFR0, 0x10110021],
    [SCB_REG.MVFR1, 0x11000011],
    [FPB_REG.CTRL, 0x260],
    [DWT_REG.CTRL, 0x40000000],
  ]);

  private connected = false;
  private ctrlStat = 0;
  private select = 0;
  private rdbuff = 0;
  private csw = 0;
  private tar = 0;
  private dhcsrControl = 0x1;
  private dcrdr = 0;

  lineReset(): void {
    this.log.push('LINERESET');
    this.connected = false;
  }

  read(apNotDp: boolean, address: number): SwdAck {
    this.log.push(`R ${apNotDp ? 'AP' : 'DP'} 0x${address.toString(16)}`);
    if (this.silent) return SWD_ACK.NO_RESPONSE;
    if (!apNotDp && address === DP_REG.DPIDR) {
      this.connected = true;
      this.readData = FakeSwdTarget.DPIDR;
      return SWD_ACK.OK;
    }
    // After a line reset only DPIDR may be read (ADIv5 §B4.3.3): the DP is in its lock-out state.
    if (!this.connected) return SWD_ACK.NO_RESPONSE;
    if (!apNotDp && address === DP_REG.CTRL_STAT) {
      this.readData = this.ctrlStat >>> 0;
      return SWD_ACK.OK;
    }
    if (this.ctrlStat & STICKY) return SWD_ACK.FAULT;
    if (this.waiting(apNotDp || address === DP_REG.RDBUFF)) return SWD_ACK.WAIT;
    if (!apNotDp) {
      this.readData = address === DP_REG.RDBUFF ? this.rdbuff : 0;
      return SWD_ACK.OK;
    }
    // Posted: this transaction returns the previous AP read's result and starts a new one.
    this.readData = this.rdbuff;
    this.rdbuff = this.apRead((this.select & SELECT.APBANKSEL_MASK) | address);
    return SWD_ACK.OK;
  }

  write(apNotDp: boolean, address: number, value: number): SwdAck {
    this.log.push(`W ${apNotDp ? 'AP' : 'DP'} 0x${address.toString(16)} 0x${(value >>> 0).toString(16)}`);
    if (this.silent || !this.connected) return SWD_ACK.NO_RESPONSE;
    if (!apNotDp && address === DP_REG.ABORT) {
      if (value & ABORT.STKERRCLR) this.ctrlStat &= ~CTRL_STAT.STICKYERR;
      if (value & ABORT.WDERRCLR) this.ctrlStat &= ~CTRL_STAT.WDATAERR;
      if (value & ABORT.ORUNERRCLR) this.ctrlStat &= ~CTRL_STAT.STICKYORUN;
      return SWD_ACK.OK;
    }
    if (this.ctrlStat & STICKY) return SWD_ACK.FAULT;
    if (this.waiting(apNotDp)) return SWD_ACK.WAIT;
    if (apNotDp) {
      this.apWrite((this.select & SELECT.APBANKSEL_MASK) | address, value >>> 0);
      return SWD_ACK.OK;
    }
    if (address === DP_REG.SELECT) this.select = value >>> 0;
    else if (address === DP_REG.CTRL_STAT) {
      // Power-up requests are acknowledged at once (bits 28/30 → 29/31).
      const req = value & (CTRL_STAT.CDBGPWRUPREQ | CTRL_STAT.CSYSPWRUPREQ);
      this.ctrlStat = (this.ctrlStat & STICKY) | req | (req << 1);
    }
    return SWD_ACK.OK;
  }

  /** Sets CTRL/STAT sticky flags as a failed transfer would (the next AP access gets FAULT). */
  raiseSticky(flags: number): void {
    this.ctrlStat |= flags;
  }

  private waiting(stallable: boolean): boolean {
    if (this.injectWaits > 0) {
      this.injectWaits--;
      return true;
    }
    return stallable && this.now() < this.stallUntil;
  }

  private get apsel(): number {
    return this.select >>> SELECT.APSEL_SHIFT;
  }

  private apRead(register: number): number {
    if (this.apsel !== 0) return 0;
    switch (register) {
      case MEM_AP_REG.CSW:
        return this.csw;
      case MEM_AP_REG.TAR:
        return this.tar;
      case MEM_AP_REG.DRW: {
        const value = this.busRead(this.tar);
        this.advance();
        return value;
      }
      case MEM_AP_REG.IDR:
        return FakeSwdTarget.AHB_AP_IDR;
      default:
        return 0;
    }
  }

  private apWrite(register: number, value: number): void {
    if (this.apsel !== 0) return;
    if (register === MEM_AP_REG.CSW) this.csw = value;
    else if (register === MEM_AP_REG.TAR) this.tar = value;
    else if (register === MEM_AP_REG.DRW) {
      this.busWrite(this.tar, value);
      this.advance();
    }
  }

  private get size(): number {
    return 1 << (this.csw & CSW.SIZE_MASK);
  }

  /** TAR[9:0] increments; the upper bits stay (ADIv5 §C2.2.2 minimum). */
  private advance(): void {
    if ((this.csw & CSW.ADDRINC_MASK) >>> CSW.ADDRINC_SHIFT !== CSW_ADDRINC.SINGLE) return;
    const carry = TAR_AUTOINCREMENT_MIN_BLOCK - 1;
    this.tar = ((this.tar & ~carry) | ((this.tar + this.size) & carry)) >>> 0;
  }

  private busError(): number {
    this.ctrlStat |= CTRL_STAT.STICKYERR;
    return 0;
  }

  private region(address: number): [Uint8Array, number] | undefined {
    if (address >= SRAM_BASE && address < SRAM_BASE + this.sram.length)
      return [this.sram, address - SRAM_BASE];
    if (address >= FLASH_BASE && address < FLASH_BASE + this.flash.length)
      return [this.flash, address - FLASH_BASE];
    return undefined;
  }

  private busRead(address: number): number {
    const size = this.size;
    const lane = (address & (4 - size)) * 8;
    const r = this.region(address);
    if (r !== undefined) {
      let v = 0;
      for (let b = 0; b < size; b++) v |= (r[0][r[1] + b] ?? 0) << (8 * b);
      return (v << lane) >>> 0;
    }
    const word = this.ppbRead((address & ~3) >>> 0);
    return word === undefined ? this.busError() : word;
  }

  private busWrite(address: number, value: number): void {
    const size = this.size;
    const lane = (address & (4 - size)) * 8;
    const r = this.region(address);
    if (r !== undefined) {
      for (let b = 0; b < size; b++) r[0][r[1] + b] = (value >>> (lane + 8 * b)) & 0xff;
      return;
    }
    if (!this.ppbWrite((address & ~3) >>> 0, value)) this.busError();
  }

  private ppbRead(address: number): number | undefined {
    switch (address) {
      case SCB_REG.CPUID:
        return FakeSwdTarget.CPUID;
      case DEBUG_REG.DHCSR:
        // S_REGRDY and S_HALT while halted, plus S_RESET_ST under NRST.
        return (
          (this.dhcsrControl |
            (this.halted ? DHCSR.S_REGRDY | DHCSR.S_HALT : 0) |
            (this.nrstLow ? DHCSR.S_RESET_ST : 0)) >>>
          0
        );
      case DEBUG_REG.DCRDR:
        return this.dcrdr;
      case SCB_REG.AIRCR:
        return AIRCR.VECTKEYSTAT;
      default:
        return this.scsWords.get(address);
    }
  }

  private ppbWrite(address: number, value: number): boolean {
    switch (address) {
      case DEBUG_REG.DHCSR:
        if (value >>> 16 === DHCSR.DBGKEY >>> 16) this.dhcsrControl = value & 0xf;
        return true;
      case DEBUG_REG.DCRSR:
        if (this.halted) {
          const regsel = value & DCRSR.REGSEL_MASK;
          if (value & DCRSR.REGWnR) this.registers[regsel] = this.dcrdr;
          else this.dcrdr = this.registers[regsel] ?? 0;
        }
        return true;
      case DEBUG_REG.DCRDR:
        this.dcrdr = value;
        return true;
      case SCB_REG.AIRCR:
        if (value >>> 16 === AIRCR.VECTKEY >>> 16 && value & AIRCR.SYSRESETREQ) this.aircrWrites++;
        return true;
      default:
        if (!this.scsWords.has(address)) return false;
        this.scsWords.set(address, value);
        return true;
    }
  }
}

/** A board stand-in around a FakeSwdTarget: its own clock, a VTref, NRST wired to the fake. */
export class FakeBoard implements ProbeTargetLink {
  readonly clock = new EventClock();
  readonly nrstHistory: boolean[] = [];
  volts = 3.0;

  /** Virtual time the probe let pass inside commands (runFor). */
  ranNs = 0;

  constructor(readonly swd: FakeSwdTarget = new FakeSwdTarget()) {
    swd.now = () => this.clock.now;
  }

  runFor(ns: number): void {
    this.ranNs += ns;
    this.clock.advanceTo(this.clock.now + ns);
  }

  targetVoltage(): number {
    return this.volts;
  }

  setNrst(low: boolean): void {
    this.nrstHistory.push(low);
    this.swd.nrstLow = low;
  }

  /** Unplugs target power: the SW-DP goes silent and VTref reads 0. */
  powerOff(): void {
    this.volts = 0;
    this.swd.silent = true;
  }
}
