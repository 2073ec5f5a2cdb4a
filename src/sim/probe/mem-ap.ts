import { STLINK_STATUS } from '../../protocol/status.js';
import { DP_REG } from '../../arch/adiv5/dp.js';
import { CSW, MEM_AP } from './registers.js';
import type { ProbeDap } from './dap.js';

const OK = STLINK_STATUS.DEBUG_ERR_OK;

export type AccessBytes = 1 | 2 | 4;

const SIZE_FIELD: Readonly<Record<AccessBytes, number>> = { 1: CSW.SIZE_8, 2: CSW.SIZE_16, 4: CSW.SIZE_32 };

/** What a block transfer leaves behind for GETLASTRWSTATUS(2). */
export interface TransferResult {
  status: number;
  /** The address of the access that failed; 0 when none did. */
  faultAddress: number;
}

/**
 * Block transfers through a MEM-AP as the firmware runs them (ADIv5 §C2.2): CSW once, TAR at the start
 * and again wherever auto-increment may not carry (ADIv5 only promises the low 10 bits of TAR, §C2.2.2),
 * DRW per element with posted reads collected from the next DRW read or RDBUFF. Narrow accesses use the
 * byte lanes of their address (§C2.2.4).
 *
 * A failing access is reported on a later transaction (the next AP access or RDBUFF gets FAULT), so the
 * fault address is that of the last element whose DRW transaction was accepted; with none accepted, the
 * first element's.
 */
export class MemAp {
  readonly result: TransferResult = { status: OK, faultAddress: 0 };

  constructor(
    private readonly dap: ProbeDap,
    /** Bytes over which the firmware trusts TAR's auto-increment (1 KiB, the ADIv5 minimum). */
    private readonly tarBlockBytes: number,
  ) {}

  private setup(ap: number, cswHigh: number, size: AccessBytes, increment: boolean): number {
    const high = cswHigh === 0 ? CSW.DEFAULT_HIGH : cswHigh & 0xffffff00;
    const csw = (high | SIZE_FIELD[size] | (increment ? CSW.ADDRINC_SINGLE : CSW.ADDRINC_OFF)) >>> 0;
    return this.dap.apWrite(ap, MEM_AP.CSW, csw);
  }

  private fail(status: number, faultAddress: number): TransferResult {
    this.result.status = status;
    this.result.faultAddress = faultAddress >>> 0;
    return this.result;
  }

  private ok(): TransferResult {
    this.result.status = OK;
    this.result.faultAddress = 0;
    return this.result;
  }

  /** Reads `count` elements of `size` bytes into `out` (little-endian); what a fault leaves unread is 0. */
  read(
    ap: number,
    cswHigh: number,
    address: number,
    size: AccessBytes,
    count: number,
    increment: boolean,
    out: Uint8Array,
  ): TransferResult {
    out.fill(0);
    if (count === 0) return this.ok();
    const step = increment ? size : 0;
    let status = this.setup(ap, cswHigh, size, increment);
    if (status !== OK) return this.fail(status, address);
    let pending = -1;
    let accepted = -1;
    const at = (i: number): number => (address + i * step) >>> 0;
    const failAt = (s: number): TransferResult => this.fail(s, at(accepted < 0 ? 0 : accepted));
    for (let i = 0; i < count; i++) {
      const a = at(i);
      if (i === 0 || (increment && a % this.tarBlockBytes === 0)) {
        if (pending >= 0) {
          status = this.dap.dpRead(DP_REG.RDBUFF);
          if (status !== OK) return failAt(status);
          this.store(out, pending, at(pending), size, this.dap.value);
          pending = -1;
        }
        status = this.dap.apWrite(ap, MEM_AP.TAR, a);
        if (status !== OK) return failAt(status);
      }
      status = this.dap.apReadPosted(ap, MEM_AP.DRW);
      if (status !== OK) return failAt(status);
      accepted = i;
      if (pending >= 0) this.store(out, pending, at(pending), size, this.dap.value);
      pending = i;
    }
    status = this.dap.dpRead(DP_REG.RDBUFF);
    if (status !== OK) return failAt(status);
    this.store(out, pending, at(pending), size, this.dap.value);
    return this.ok();
  }

  /** Writes `count` elements of `size` bytes from `data` (little-endian). */
  write(
    ap: number,
    cswHigh: number,
    address: number,
    size: AccessBytes,
    count: number,
    increment: boolean,
    data: Uint8Array,
  ): TransferResult {
    if (count === 0) return this.ok();
    const step = increment ? size : 0;
    let status = this.setup(ap, cswHigh, size, increment);
    if (status !== OK) return this.fail(status, address);
    let accepted = -1;
    const at = (i: number): number => (address + i * step) >>> 0;
    const failAt = (s: number): TransferResult => this.fail(s, at(accepted < 0 ? 0 : accepted));
    for (let i = 0; i < count; i++) {
      const a = at(i);
      if (i === 0 || (increment && a % this.tarBlockBytes === 0)) {
        status = this.dap.apWrite(ap, MEM_AP.TAR, a);
        if (status !== OK) return failAt(status);
      }
      status = this.dap.apWrite(ap, MEM_AP.DRW, this.load(data, i, a, size));
      if (status !== OK) return failAt(status);
      accepted = i;
    }
    // RDBUFF stalls until the last posted write has completed and faults if it failed (ADIv5 §B4.2.4).
    status = this.dap.dpRead(DP_REG.RDBUFF);
    if (status !== OK) return failAt(status);
    return this.ok();
  }

  /** One word (debug registers, DCRSR/DCRDR). Leaves the value in `value`. */
  value = 0;

  read32(ap: number, address: number): number {
    const status = this.setup(ap, 0, 4, false);
    if (status !== OK) return status;
    const tar = this.dap.apWrite(ap, MEM_AP.TAR, address);
    if (tar !== OK) return tar;
    const drw = this.dap.apRead(ap, MEM_AP.DRW);
    this.value = this.dap.value;
    return drw;
  }

  write32(ap: number, address: number, value: number): number {
    let status = this.setup(ap, 0, 4, false);
    if (status === OK) status = this.dap.apWrite(ap, MEM_AP.TAR, address);
    if (status === OK) status = this.dap.apWrite(ap, MEM_AP.DRW, value);
    if (status === OK) status = this.dap.dpRead(DP_REG.RDBUFF);
    return status;
  }

  private store(out: Uint8Array, index: number, address: number, size: AccessBytes, word: number): void {
    const lane = (address & (4 - size)) * 8;
    const offset = index * size;
    for (let b = 0; b < size; b++) out[offset + b] = (word >>> (lane + 8 * b)) & 0xff;
  }

  private load(data: Uint8Array, index: number, address: number, size: AccessBytes): number {
    const lane = (address & (4 - size)) * 8;
    const offset = index * size;
    let value = 0;
    for (let b = 0; b < size; b++) value |= (data[offset + b] ?? 0) << (8 * b);
    return (value << lane) >>> 0;
  }
}
