import { BusError } from '../../cpu/bus.js';
import type { AccessSize } from '../peripheral.js';
import { AHB_AP_CSW, CSW, CSW_ADDRINC, MEM_AP_REG } from '../../../arch/adiv5/ap.js';
import {
  AHB_AP_BASE,
  AHB_AP_CFG,
  AHB_AP_IDR,
  CSW_RESET,
  CSW_WRITABLE,
  TAR_INCREMENT_BLOCK,
} from './dap-registers.js';
import type { DapTarget } from './dap-target.js';

/** Outcome of one AP register access. */
export const AP_STATUS = {
  OK: 0,
  /** The AHB transfer got an error response: the DP sets STICKYERR. */
  ERROR: 1,
  /** The AHB transfer is held in wait states; it completes in `settle()` once time has passed. */
  STALLED: 2,
} as const;
export type ApStatus = (typeof AP_STATUS)[keyof typeof AP_STATUS];

/** What `settle()` reports about a transfer that was stalled. */
export const SETTLED = { NOTHING: 0, READ_DONE: 1, WRITE_DONE: 2, ERROR: 3 } as const;
export type Settled = (typeof SETTLED)[keyof typeof SETTLED];

interface StalledTransfer {
  readonly write: boolean;
  /** The AP register (DRW or BDn) the transfer was made through. */
  readonly register: number;
  readonly value: number;
  readonly readyAt: number;
  /** DAPABORT freed the DP from waiting; the AHB transfer itself still runs to its end. */
  aborted: boolean;
}

const SIZE_BYTES: readonly AccessSize[] = [1, 2, 4];

/**
 * The Cortex-M4's AHB-AP: a MEM-AP (ADIv5.2 part C2) whose DRW and BD0–BD3 accesses become transfers on
 * the system bus (Cortex-M4 TRM, AHB-AP). Register-level: the SW-DP (sw-dp.ts) decides when an access
 * reaches it, and does the posting of reads.
 *
 * Stalls: an AHB transfer to a location held in wait states (flash while BSY) does not complete
 * within the SWD transaction; the AP stays busy until the target's clock reaches the end of the
 * stall, and the SW-DP answers WAIT meanwhile (ADIv5.2 B4.2, WAIT response). The transfer itself
 * is made when it completes, so a read of flash being erased returns the erased value, as on
 * silicon.
 */
export class AhbAp {
  csw = CSW_RESET;
  tar = 0;
  /** The data of the last completed read through DRW/BDn, or an AP register read. */
  value = 0;
  private stalled: StalledTransfer | undefined = undefined;

  constructor(private readonly target: DapTarget) {}

  reset(): void {
    this.csw = CSW_RESET;
    this.tar = 0;
    this.value = 0;
    this.stalled = undefined;
  }

  private get now(): number {
    return this.target.now ?? 0;
  }

  /** True while an access to AP register `register` must wait for an outstanding transfer. */
  blocks(register: number): boolean {
    const stalled = this.stalled;
    if (stalled === undefined || this.now >= stalled.readyAt) return false;
    // After DAPABORT the AP's registers are reachable again; its bus is still occupied.
    return !stalled.aborted || isTransferRegister(register);
  }

  /** Finishes a stalled transfer whose wait states are over. */
  settle(): Settled {
    const stalled = this.stalled;
    if (stalled === undefined || this.now < stalled.readyAt) return SETTLED.NOTHING;
    this.stalled = undefined;
    const status = stalled.write
      ? this.transferWrite(stalled.register, stalled.value)
      : this.transferRead(stalled.register);
    if (stalled.aborted) return SETTLED.NOTHING;
    if (status === AP_STATUS.ERROR) return SETTLED.ERROR;
    return stalled.write ? SETTLED.WRITE_DONE : SETTLED.READ_DONE;
  }

  /** DAPABORT (ADIv5.2 B2.2, ABORT): the DP stops waiting for the AP. */
  abort(): void {
    if (this.stalled !== undefined) this.stalled.aborted = true;
  }

  read(register: number): ApStatus {
    switch (register) {
      case MEM_AP_REG.CSW:
        this.value =
          (this.csw | (this.stalled !== undefined && this.now < this.stalled.readyAt ? CSW.TRINPROG : 0)) >>>
          0;
        return AP_STATUS.OK;
      case MEM_AP_REG.TAR:
        this.value = this.tar >>> 0;
        return AP_STATUS.OK;
      case MEM_AP_REG.CFG:
        this.value = AHB_AP_CFG;
        return AP_STATUS.OK;
      case MEM_AP_REG.BASE:
        this.value = AHB_AP_BASE;
        return AP_STATUS.OK;
      case MEM_AP_REG.IDR:
        this.value = AHB_AP_IDR;
        return AP_STATUS.OK;
      default:
        if (!isTransferRegister(register)) {
          this.value = 0; // reserved AP registers read as zero (ADIv5.2 C2.6)
          return AP_STATUS.OK;
        }
        if (this.stallAhead(register, false, 0)) return AP_STATUS.STALLED;
        return this.transferRead(register);
    }
  }

  write(register: number, value: number): ApStatus {
    switch (register) {
      case MEM_AP_REG.CSW:
        this.csw =
          ((this.csw & ~CSW_WRITABLE) | (value & CSW_WRITABLE) | AHB_AP_CSW.HPROT0 | CSW.DEVICEEN) >>> 0;
        return AP_STATUS.OK;
      case MEM_AP_REG.TAR:
        this.tar = value >>> 0;
        return AP_STATUS.OK;
      default:
        if (!isTransferRegister(register)) return AP_STATUS.OK; // read-only or reserved: ignored
        if (this.stallAhead(register, true, value)) return AP_STATUS.STALLED;
        return this.transferWrite(register, value);
    }
  }

  // --- AHB transfers --------------------------------------------------------------------------

  private get sizeCode(): number {
    return this.csw & CSW.SIZE_MASK;
  }

  private get addrInc(): number {
    return (this.csw & CSW.ADDRINC_MASK) >>> CSW.ADDRINC_SHIFT;
  }

  /** BDn addresses TAR[31:4] + 4n and never increments TAR (ADIv5.2 C2.6, banked data registers). */
  private transferAddress(register: number): number {
    if (register === MEM_AP_REG.DRW) return this.tar;
    return ((this.tar & ~0xf) | (register - MEM_AP_REG.BD0) | (this.tar & 0x3)) >>> 0;
  }

  private stallAhead(register: number, write: boolean, value: number): boolean {
    const stallUntil = this.target.debugStallUntil?.(this.transferAddress(register), write) ?? 0;
    if (stallUntil <= this.now) return false;
    this.stalled = { write, register, value: value >>> 0, readyAt: stallUntil, aborted: false };
    return true;
  }

  private transferRead(register: number): ApStatus {
    const size = SIZE_BYTES[this.sizeCode];
    if (size === undefined) {
      this.value = 0; // reserved Size: no transfer
      return AP_STATUS.OK;
    }
    const increments = register === MEM_AP_REG.DRW ? this.addrInc : CSW_ADDRINC.OFF;
    let address = this.transferAddress(register);
    const count = increments === CSW_ADDRINC.PACKED ? packedCount(address, size) : 1;
    let word = 0;
    for (let i = 0; i < count; i++) {
      const aligned = (address & ~(size - 1)) >>> 0;
      let data: number;
      try {
        data = this.target.debugRead(aligned, size);
      } catch (error) {
        if (error instanceof BusError) {
          this.value = word >>> 0;
          return AP_STATUS.ERROR;
        }
        throw error;
      }
      // Sub-word data travels in the byte lanes of its address (ADIv5.2 C2.2, byte lanes).
      word |= size === 4 ? data : (data & (size === 1 ? 0xff : 0xffff)) << ((aligned & 3) * 8);
      address = this.advance(increments, size);
    }
    this.value = word >>> 0;
    return AP_STATUS.OK;
  }

  private transferWrite(register: number, value: number): ApStatus {
    const size = SIZE_BYTES[this.sizeCode];
    if (size === undefined) return AP_STATUS.OK;
    const increments = register === MEM_AP_REG.DRW ? this.addrInc : CSW_ADDRINC.OFF;
    let address = this.transferAddress(register);
    const count = increments === CSW_ADDRINC.PACKED ? packedCount(address, size) : 1;
    for (let i = 0; i < count; i++) {
      const aligned = (address & ~(size - 1)) >>> 0;
      const lane = size === 4 ? value : (value >>> ((aligned & 3) * 8)) & (size === 1 ? 0xff : 0xffff);
      try {
        this.target.debugWrite(aligned, size, lane);
      } catch (error) {
        if (error instanceof BusError) return AP_STATUS.ERROR;
        throw error;
      }
      address = this.advance(increments, size);
    }
    return AP_STATUS.OK;
  }

  /** TAR after a completed DRW transfer: incremented by the size, carrying only within the block. */
  private advance(increments: number, size: number): number {
    if (increments !== CSW_ADDRINC.SINGLE && increments !== CSW_ADDRINC.PACKED) return this.tar;
    const offsetMask = TAR_INCREMENT_BLOCK - 1;
    this.tar = ((this.tar & ~offsetMask) | ((this.tar + size) & offsetMask)) >>> 0;
    return this.tar;
  }
}

function isTransferRegister(register: number): boolean {
  return register === MEM_AP_REG.DRW || (register >= MEM_AP_REG.BD0 && register <= MEM_AP_REG.BD3);
}

/** Packed transfers fill the rest of the data word from TAR's lane on (ADIv5.2 C2.2, packed transfers). */
function packedCount(address: number, size: number): number {
  if (size === 4) return 1;
  return (4 - (address & 3 & ~(size - 1))) / size;
}
