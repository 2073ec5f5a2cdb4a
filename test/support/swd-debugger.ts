/**
 * A small debugger that reaches a target only through an SWD wire (the `SwdWire` contract), the way a
 * probe's firmware does: DP power-up, MEM-AP accesses through CSW/TAR/DRW/RDBUFF, halting through
 * DHCSR, core registers through DCRSR/DCRDR. Its register facts are src/arch's transcription of
 * ADIv5.2 and the ARMv7-M ARM (not the simulator's own implementation values), so the board tests
 * check the simulator against the manuals rather than against itself; the peer tests check arch/.
 */
import { readFileSync } from 'node:fs';
import {
  AHB_AP_CSW,
  CSW,
  CSW_ADDRINC,
  CSW_SIZE as CSW_SIZE_FIELD,
  MEM_AP_REG as AP,
  TAR_AUTOINCREMENT_MIN_BLOCK,
} from '../../src/arch/adiv5/ap.js';
import { ABORT, CTRL_STAT, DP_REG as DP } from '../../src/arch/adiv5/dp.js';
import { DCRSR, DEBUG_REG as ARMV7M_DEBUG_REG, DEMCR, DHCSR } from '../../src/arch/armv7m/debug.js';
import { AIRCR, SCB_REG } from '../../src/arch/armv7m/scb.js';
import { SWD_ACK as ACK, type SwdWire } from '../../src/sim/soc/debug-port/swd.js';
import { parseElf, type ElfFile } from '../../src/flash/image/elf-file.js';
import { elfImage } from '../../src/flash/image/elf.js';
import { DiscoveryBoard, type DiscoveryBoardOptions } from '../../src/sim/board/discovery.js';
import { firmwareElf } from './paths.js';

/** The names the board tests use for arch/'s field tables. */
export { CTRL_STAT as CTRL_STAT_BITS, DEMCR as DEMCR_BITS, DHCSR as DHCSR_BITS };

const ABORT_ALL_CLEAR = ABORT.STKCMPCLR | ABORT.STKERRCLR | ABORT.WDERRCLR | ABORT.ORUNERRCLR;

/** CSW: DbgSwEnable-style defaults probes use (MasterType debug, HPROT1 privileged), size, single increment. */
const CSW_BASE = AHB_AP_CSW.MASTERTYPE | AHB_AP_CSW.HPROT1 | AHB_AP_CSW.HPROT0;
const CSW_INC_SINGLE = CSW_ADDRINC.SINGLE << CSW.ADDRINC_SHIFT;
const BLOCK = TAR_AUTOINCREMENT_MIN_BLOCK;
const CSW_SIZE = { 1: CSW_SIZE_FIELD.BYTE, 2: CSW_SIZE_FIELD.HALFWORD, 4: CSW_SIZE_FIELD.WORD } as const;

/** The registers the board tests reach (ARMv7-M ARM C1.6, B3.2). */
export const DEBUG_REG = {
  ...ARMV7M_DEBUG_REG,
  AIRCR: SCB_REG.AIRCR,
  CFSR: SCB_REG.CFSR,
  HFSR: SCB_REG.HFSR,
} as const;
/** DCRSR.REGSEL with the names a debugger's user knows (PC, XPSR): the ST-Link's, the same numbers. */
export { REGSEL } from '../../src/protocol/regsel.js';

export type DebugFailure = 'no-response' | 'fault' | 'wait-timeout' | 'timeout';

export class SwdDebuggerError extends Error {
  constructor(
    readonly failure: DebugFailure,
    message: string,
    /** CTRL/STAT as read after a FAULT (undefined when it could not be read). */
    readonly ctrlStat?: number,
  ) {
    super(message);
  }
}

export interface SwdDebuggerOptions {
  /** Called on each WAIT before retrying: lets the target's time pass (e.g. board.runFor(10 µs)). */
  readonly onWait?: () => void;
  readonly maxWaits?: number;
}

export class SwdDebugger {
  private readonly onWait: () => void;
  private readonly maxWaits: number;
  private csw: number | undefined = undefined;

  constructor(
    private readonly wire: SwdWire,
    options: SwdDebuggerOptions = {},
  ) {
    this.onWait = options.onWait ?? (() => undefined);
    this.maxWaits = options.maxWaits ?? 100_000;
  }

  /** One transaction, WAITs retried; FAULT reads CTRL/STAT, clears the sticky flags, and throws. */
  private transact(attempt: () => number, what: string): number {
    for (let waits = 0; ; waits++) {
      const ack = attempt();
      if (ack === ACK.OK) return this.wire.readData;
      if (ack === ACK.WAIT) {
        if (waits >= this.maxWaits)
          throw new SwdDebuggerError('wait-timeout', `${what}: WAIT ${waits} times`);
        this.onWait();
        continue;
      }
      if (ack === ACK.FAULT) {
        let ctrlStat: number | undefined;
        if (this.wire.read(false, DP.CTRL_STAT) === ACK.OK) ctrlStat = this.wire.readData;
        this.wire.write(false, DP.ABORT, ABORT_ALL_CLEAR);
        const status = ctrlStat === undefined ? '?' : `0x${ctrlStat.toString(16)}`;
        throw new SwdDebuggerError('fault', `${what}: FAULT (CTRL/STAT ${status})`, ctrlStat);
      }
      throw new SwdDebuggerError('no-response', `${what}: no response (ACK 0b${ack.toString(2)})`);
    }
  }

  private dpRead(address: number): number {
    return this.transact(() => this.wire.read(false, address), `DP read 0x${address.toString(16)}`);
  }

  private dpWrite(address: number, value: number): void {
    this.transact(() => this.wire.write(false, address, value), `DP write 0x${address.toString(16)}`);
  }

  private apWrite(address: number, value: number): void {
    this.transact(() => this.wire.write(true, address, value), `AP write 0x${address.toString(16)}`);
  }

  /** Line reset, DPIDR, clear errors, power up the debug and system domains. Returns DPIDR. */
  connect(): number {
    this.csw = undefined;
    this.wire.lineReset();
    const dpidr = this.dpRead(DP.DPIDR);
    this.dpWrite(DP.ABORT, ABORT_ALL_CLEAR);
    this.dpWrite(DP.SELECT, 0);
    this.dpWrite(DP.CTRL_STAT, CTRL_STAT.CDBGPWRUPREQ | CTRL_STAT.CSYSPWRUPREQ);
    const acks = CTRL_STAT.CDBGPWRUPACK | CTRL_STAT.CSYSPWRUPACK;
    for (let tries = 0; (this.dpRead(DP.CTRL_STAT) & acks) !== acks; tries++) {
      if (tries > 100) throw new SwdDebuggerError('timeout', 'debug power-up not acknowledged');
    }
    return dpidr >>> 0;
  }

  /** True when the target answers a line reset and DPIDR read (no exception). */
  answers(): boolean {
    this.wire.lineReset();
    return this.wire.read(false, DP.DPIDR) === ACK.OK;
  }

  ctrlStat(): number {
    return this.dpRead(DP.CTRL_STAT) >>> 0;
  }

  private setCsw(size: 1 | 2 | 4): void {
    const csw = CSW_BASE | CSW_INC_SINGLE | CSW_SIZE[size];
    if (this.csw === csw) return;
    this.apWrite(AP.CSW, csw);
    this.csw = csw;
  }

  /** A memory read through TAR, DRW (posted) and RDBUFF. */
  read(address: number, size: 1 | 2 | 4 = 4): number {
    this.setCsw(size);
    this.apWrite(AP.TAR, address >>> 0);
    this.transact(() => this.wire.read(true, AP.DRW), `read 0x${(address >>> 0).toString(16)}`);
    const word = this.dpRead(DP.RDBUFF) >>> 0;
    if (size === 4) return word;
    return (word >>> ((address & 3) * 8)) & (size === 1 ? 0xff : 0xffff);
  }

  read32(address: number): number {
    return this.read(address, 4);
  }

  /** A memory write through TAR and DRW, confirmed by an RDBUFF read (which reports a failed write). */
  write(address: number, value: number, size: 1 | 2 | 4 = 4): void {
    this.setCsw(size);
    this.apWrite(AP.TAR, address >>> 0);
    const lane = size === 4 ? value >>> 0 : (value << ((address & 3) * 8)) >>> 0;
    this.apWrite(AP.DRW, lane);
    this.dpRead(DP.RDBUFF);
  }

  write32(address: number, value: number): void {
    this.write(address, value, 4);
  }

  /** Consecutive words with TAR auto-increment (split at 1 KiB, which any MEM-AP supports). */
  readBlock(address: number, words: number): Uint32Array {
    const out = new Uint32Array(words);
    this.setCsw(4);
    let i = 0;
    while (i < words) {
      const at = (address + 4 * i) >>> 0;
      const chunk = Math.min(words - i, (BLOCK - (at & (BLOCK - 1))) >>> 2);
      this.apWrite(AP.TAR, at);
      this.transact(() => this.wire.read(true, AP.DRW), 'block read');
      for (let k = 1; k < chunk; k++) {
        out[i + k - 1] = this.transact(() => this.wire.read(true, AP.DRW), 'block read');
      }
      out[i + chunk - 1] = this.dpRead(DP.RDBUFF);
      i += chunk;
    }
    return out;
  }

  writeBlock(address: number, data: Uint32Array): void {
    this.setCsw(4);
    let i = 0;
    while (i < data.length) {
      const at = (address + 4 * i) >>> 0;
      const chunk = Math.min(data.length - i, (BLOCK - (at & (BLOCK - 1))) >>> 2);
      this.apWrite(AP.TAR, at);
      for (let k = 0; k < chunk; k++) this.apWrite(AP.DRW, data[i + k]!);
      i += chunk;
    }
    this.dpRead(DP.RDBUFF);
  }

  // --- Core debug (ARMv7-M ARM C1.6) ---------------------------------------------------------

  dhcsr(): number {
    return this.read32(DEBUG_REG.DHCSR);
  }

  /** Writes the DHCSR control bits (with the key). */
  setDhcsr(controls: number): void {
    this.write32(DEBUG_REG.DHCSR, (DHCSR.DBGKEY | (controls & 0xffff)) >>> 0);
  }

  halt(): void {
    this.setDhcsr(DHCSR.C_DEBUGEN | DHCSR.C_HALT);
    for (let tries = 0; (this.dhcsr() & DHCSR.S_HALT) === 0; tries++) {
      if (tries > 100) throw new SwdDebuggerError('timeout', 'core did not halt');
    }
  }

  resume(): void {
    this.setDhcsr(DHCSR.C_DEBUGEN);
  }

  isHalted(): boolean {
    return (this.dhcsr() & DHCSR.S_HALT) !== 0;
  }

  readRegister(regsel: number): number {
    this.write32(DEBUG_REG.DCRSR, regsel & DCRSR.REGSEL_MASK);
    for (let tries = 0; (this.dhcsr() & DHCSR.S_REGRDY) === 0; tries++) {
      if (tries > 100) throw new SwdDebuggerError('timeout', 'DCRSR transfer did not complete');
    }
    return this.read32(DEBUG_REG.DCRDR);
  }

  writeRegister(regsel: number, value: number): void {
    this.write32(DEBUG_REG.DCRDR, value >>> 0);
    this.write32(DEBUG_REG.DCRSR, DCRSR.REGWnR | (regsel & DCRSR.REGSEL_MASK));
    for (let tries = 0; (this.dhcsr() & DHCSR.S_REGRDY) === 0; tries++) {
      if (tries > 100) throw new SwdDebuggerError('timeout', 'DCRSR transfer did not complete');
    }
  }

  /** SYSRESETREQ through AIRCR (ARMv7-M ARM B3.2.6). */
  systemReset(): void {
    this.write32(DEBUG_REG.AIRCR, AIRCR.VECTKEY | AIRCR.SYSRESETREQ);
  }
}

// --- Boards with test firmware --------------------------------------------------------------------

export interface FirmwareBoard {
  readonly board: DiscoveryBoard;
  readonly elf: ElfFile;
  readonly debug: SwdDebugger;
  /** Address of a firmware symbol. */
  readonly symbol: (name: string) => number;
}

const elfCache = new Map<string, ElfFile>();

export function firmware(name: string): ElfFile {
  let elf = elfCache.get(name);
  if (elf === undefined) {
    const path = firmwareElf(name);
    elf = parseElf(readFileSync(path), path);
    elfCache.set(name, elf);
  }
  return elf;
}

/**
 * A Discovery board with `firmware/bin/<name>.elf` preloaded in flash and powered on (unless
 * `powered: false`), plus a debugger on its SW-DP whose WAITs let 10 µs of board time pass.
 */
export function boardWithFirmware(name: string, options: DiscoveryBoardOptions = {}): FirmwareBoard {
  const path = firmwareElf(name);
  const image = elfImage(readFileSync(path), path);
  const board = new DiscoveryBoard({ ...options, powered: false });
  board.preload(image.segments);
  if (options.powered ?? true) board.power(true);
  const elf = firmware(name);
  const debug = new SwdDebugger(board.swd, {
    onWait: () => {
      board.runFor(10_000);
    },
  });
  return { board, elf, debug, symbol: (symbol) => elf.requireSymbol(symbol).address };
}

export const MS = 1e6;
