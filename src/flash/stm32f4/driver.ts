import type { MemoryAccess } from '../../arm/memory-access.js';
import {
  FLASH_CR,
  FLASH_KEY,
  FLASH_OPTCR,
  FLASH_R_BASE,
  FLASH_REG,
  FLASH_SR,
  FLASH_SR_ERRORS,
  FLASH_SR_W1C,
} from '../../target/stm32f4/flash-registers.js';
import { TargetError, TimeoutError } from '../../util/errors.js';
import type { AlgorithmCore } from '../algorithm.js';
import type { Segment } from '../image/types.js';
import type { FlashSector } from '../plan.js';
import { flashStatusError } from './flash-status.js';
import { STM32F4_LOADER_ENTRY, stm32f4LoaderCode } from './loader-image.js';
import type { Parallelism } from './psize.js';

const SR = FLASH_R_BASE + FLASH_REG.SR;
const CR = FLASH_R_BASE + FLASH_REG.CR;
const KEYR = FLASH_R_BASE + FLASH_REG.KEYR;
const OPTCR = FLASH_R_BASE + FLASH_REG.OPTCR;

/**
 * Where the loader lives in SRAM, relative to the SRAM base (see firmware/loader/stm32f4-flash.S for
 * the control block). 16 KiB slots: one programs in 65 ms at x32 (4096 × 16 µs) while the host fills
 * the other in about 20 ms over a full-speed ST-Link, so the flash, not USB, sets the pace.
 */
export const LOADER_LAYOUT = {
  code: 0x0000,
  control: 0x0400,
  crcList: 0x0440,
  crcListEntries: 64,
  crcTables: 0x0800,
  stackTop: 0x2000,
  slots: [0x2000, 0x6000],
  slotBytes: 0x4000,
  /** SRAM the loader needs from the base. */
  size: 0xa000,
} as const;

const SLOT = { EMPTY: 0, FULL: 1, STOP: 2, ERROR: 3 } as const;

/**
 * How long to wait for the hardware, from DS8626's maximum figures (table 42) with a margin: a 128 KiB
 * sector takes at most 4 s at x8, a mass erase 32 s; a loader slot at most 4096 × 100 µs.
 */
const TIMEOUT_MS = { sector: 8_000, mass: 40_000, slot: 2_000, crcBase: 2_000, crcPerKiB: 5 } as const;

export type Sleep = (ms: number) => Promise<void>;
const wallSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export interface Stm32f4FlashOptions {
  readonly memory: MemoryAccess;
  readonly core: AlgorithmCore;
  readonly parallelism: Parallelism;
  /** Start of the SRAM the loader may use (LOADER_LAYOUT.size bytes; the chip's SRAM1). */
  readonly ramBase: number;
  readonly sleep?: Sleep;
  /** Wall clock in ms, for timeouts. */
  readonly now?: () => number;
}

/** A CRC request: `length` bytes from `address`. */
export interface CrcRange {
  readonly address: number;
  readonly length: number;
}

/**
 * The STM32F405/407/415/417 flash interface (RM0090 §3), driven from the host for erase and option
 * bytes and through swdkit's RAM loader for programming and CRCs. The core must be halted.
 */
export class Stm32f4Flash {
  private readonly memory: MemoryAccess;
  private readonly core: AlgorithmCore;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private loaderLoaded = false;
  /** The largest piece `program` takes: one loader slot. */
  readonly pieceBytes = LOADER_LAYOUT.slotBytes;

  constructor(private readonly options: Stm32f4FlashOptions) {
    this.memory = options.memory;
    this.core = options.core;
    this.sleep = options.sleep ?? wallSleep;
    this.now = options.now ?? (() => performance.now());
  }

  get parallelism(): Parallelism {
    return this.options.parallelism;
  }

  private at(offset: number): number {
    return this.options.ramBase + offset;
  }

  /** KEYR sequence if FLASH_CR is locked (RM0090 3.6.1); clears stale error flags. */
  async unlock(): Promise<void> {
    if ((await this.memory.read32(CR)) & FLASH_CR.LOCK) {
      await this.memory.write32(KEYR, FLASH_KEY.KEY1);
      await this.memory.write32(KEYR, FLASH_KEY.KEY2);
      const cr = await this.memory.read32(CR);
      if (cr & FLASH_CR.LOCK) {
        throw new TargetError(
          'flash-unlock-failed',
          `FLASH_CR stays locked after the key sequence (FLASH_CR 0x${cr.toString(16)})`,
          {
            hint: 'A wrong key sequence locks FLASH_CR until the next reset: reset the target (`swdkit reset --halt`) and retry.',
          },
        );
      }
    }
    await this.memory.write32(SR, FLASH_SR_W1C);
  }

  /** Sets FLASH_CR.LOCK: the interface stays locked until the next unlock or reset. */
  async lock(): Promise<void> {
    await this.memory.write32(CR, FLASH_CR.LOCK >>> 0);
  }

  /** Sectors whose nWRP bit is clear in FLASH_OPTCR (write-protected). */
  async protectedSectors(sectorCount: number): Promise<number[]> {
    const optcr = await this.memory.read32(OPTCR);
    const nwrp = (optcr & FLASH_OPTCR.nWRP_MASK) >>> FLASH_OPTCR.nWRP_SHIFT;
    return Array.from({ length: sectorCount }, (_, i) => i).filter((i) => (nwrp & (1 << i)) === 0);
  }

  private async failure(sr: number, operation: string, address?: number): Promise<TargetError> {
    await this.memory.write32(SR, sr & FLASH_SR_W1C);
    return flashStatusError(sr, {
      operation,
      ...(address === undefined ? {} : { address }),
      protectedSectors: await this.protectedSectors(12),
    });
  }

  /** Polls FLASH_SR until BSY clears; throws on an error flag or after `timeoutMs`. */
  private async waitIdle(operation: string, timeoutMs: number, expectedMs: number): Promise<void> {
    const start = this.now();
    // The first look comes after most of the expected time, then every few ms: a poll is a USB round trip.
    if (expectedMs > 4) await this.sleep(expectedMs * 0.9);
    for (;;) {
      const sr = await this.memory.read32(SR);
      if ((sr & FLASH_SR.BSY) === 0) {
        if (sr & FLASH_SR_ERRORS) throw await this.failure(sr, operation);
        return;
      }
      if (this.now() - start > timeoutMs) {
        throw new TimeoutError('flash-busy', `${operation}: FLASH_SR.BSY still set after ${timeoutMs} ms`, {
          hint: 'The flash interface did not finish: power-cycle the board, then retry (the sector may be left erased).',
        });
      }
      await this.sleep(Math.min(Math.max(expectedMs / 20, 1), 20));
    }
  }

  /** Erases one sector at the current parallelism (SER, SNB, PSIZE, then STRT: RM0090 3.6.3). */
  async eraseSector(sector: FlashSector, expectedMs: number): Promise<void> {
    const cr =
      FLASH_CR.SER | (sector.index << FLASH_CR.SNB_SHIFT) | (this.parallelism.psize << FLASH_CR.PSIZE_SHIFT);
    await this.memory.write32(CR, cr);
    await this.memory.write32(CR, cr | FLASH_CR.STRT);
    await this.waitIdle(`erasing sector ${sector.index}`, TIMEOUT_MS.sector, expectedMs);
    await this.memory.write32(CR, 0);
  }

  /** Erases all main flash (MER, RM0090 3.6.3). */
  async massErase(expectedMs: number): Promise<void> {
    const cr = FLASH_CR.MER | (this.parallelism.psize << FLASH_CR.PSIZE_SHIFT);
    await this.memory.write32(CR, cr);
    await this.memory.write32(CR, cr | FLASH_CR.STRT);
    await this.waitIdle('mass erase', TIMEOUT_MS.mass, expectedMs);
    await this.memory.write32(CR, 0);
  }

  private async loadLoader(): Promise<void> {
    if (this.loaderLoaded) return;
    await this.memory.writeMemory(this.at(LOADER_LAYOUT.code), stm32f4LoaderCode());
    this.loaderLoaded = true;
  }

  /** Waits for the core to stop at the loader's BKPT; on a timeout halts it and throws. */
  private async waitHalted(what: string, timeoutMs: number): Promise<void> {
    const start = this.now();
    while (!(await this.core.isHalted())) {
      if (this.now() - start > timeoutMs) {
        await this.core.halt();
        throw new TimeoutError(
          'flash-loader-timeout',
          `${what}: the RAM loader did not finish within ${timeoutMs} ms`,
          {
            hint: 'The target may have reset or lost power during the operation; check it with `swdkit info` and retry.',
          },
        );
      }
      await this.sleep(1);
    }
  }

  /**
   * Programs `pieces` (each aligned to the access size, inside erased sectors, at most slotBytes)
   * through the loader's two slots: while the loader programs one, the next is transferred.
   * `onProgrammed(piece)` is called when the loader has finished a piece.
   */
  async program(pieces: readonly Segment[], onProgrammed: (piece: Segment) => void): Promise<void> {
    await this.loadLoader();
    const control = this.at(LOADER_LAYOUT.control);
    await this.memory.writeMemory(control, new Uint8Array(40));
    const { psize, accessBytes } = this.parallelism;
    await this.core.startAlgorithm({
      entry: this.at(LOADER_LAYOUT.code) + STM32F4_LOADER_ENTRY.program,
      args: [control, FLASH_R_BASE, FLASH_CR.PG | (psize << FLASH_CR.PSIZE_SHIFT), accessBytes],
      stack: this.at(LOADER_LAYOUT.stackTop),
    });
    const inSlot: (Segment | undefined)[] = [undefined, undefined];
    const slotState = (block: DataView, slot: number): number => block.getUint32(8 + 16 * slot, true);

    /** Waits until `slot` is free, reporting what finished; throws what the loader reported. */
    const waitFree = async (slot: number): Promise<void> => {
      const start = this.now();
      for (;;) {
        const bytes = await this.memory.readMemory(control, 40);
        const block = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (const s of [0, 1]) {
          const piece = inSlot[s];
          const state = slotState(block, s);
          if (piece !== undefined && state === SLOT.EMPTY) {
            inSlot[s] = undefined;
            onProgrammed(piece);
          }
          if (state === SLOT.ERROR) {
            await this.waitHalted('programming', TIMEOUT_MS.slot);
            throw await this.failure(block.getUint32(0, true), 'programming', block.getUint32(4, true));
          }
        }
        if (slotState(block, slot) !== SLOT.FULL) return;
        if (this.now() - start > TIMEOUT_MS.slot) {
          await this.core.halt();
          throw new TimeoutError(
            'flash-loader-timeout',
            `programming: the RAM loader took no data for ${TIMEOUT_MS.slot} ms`,
            {
              hint: 'The target may have reset or lost power during programming; check it with `swdkit info`, then flash again.',
            },
          );
        }
      }
    };

    let slot = 0;
    for (const piece of pieces) {
      await waitFree(slot);
      const data = this.at(LOADER_LAYOUT.slots[slot === 0 ? 0 : 1]);
      const descriptor = control + 8 + 16 * slot;
      await this.memory.writeMemory(data, piece.data);
      const fields = new DataView(new ArrayBuffer(12));
      fields.setUint32(0, piece.address, true);
      fields.setUint32(4, piece.data.length, true);
      fields.setUint32(8, data, true);
      await this.memory.writeMemory(descriptor + 4, new Uint8Array(fields.buffer));
      inSlot[slot] = piece;
      await this.memory.write32(descriptor, SLOT.FULL);
      slot ^= 1;
    }
    await waitFree(slot);
    await waitFree(slot ^ 1);
    await this.memory.write32(control + 8 + 16 * slot, SLOT.STOP);
    await this.waitHalted('programming', TIMEOUT_MS.slot);
    const status = await this.memory.read32(control);
    if (status !== 0) throw await this.failure(status, 'programming', await this.memory.read32(control + 4));
  }

  /** CRC-32/MPEG-2 of each range, computed by the loader on the target (nothing is read back). */
  async crc(ranges: readonly CrcRange[]): Promise<number[]> {
    await this.loadLoader();
    const results: number[] = [];
    for (let first = 0; first < ranges.length; first += LOADER_LAYOUT.crcListEntries) {
      const batch = ranges.slice(first, first + LOADER_LAYOUT.crcListEntries);
      const list = new DataView(new ArrayBuffer(12 * batch.length));
      batch.forEach((range, i) => {
        list.setUint32(12 * i, range.address, true);
        list.setUint32(12 * i + 4, range.length, true);
        list.setUint32(12 * i + 8, 0xffff_ffff, true);
      });
      const at = this.at(LOADER_LAYOUT.crcList);
      await this.memory.writeMemory(at, new Uint8Array(list.buffer));
      await this.core.startAlgorithm({
        entry: this.at(LOADER_LAYOUT.code) + STM32F4_LOADER_ENTRY.crc,
        args: [at, batch.length, this.at(LOADER_LAYOUT.crcTables)],
        stack: this.at(LOADER_LAYOUT.stackTop),
      });
      const kib = batch.reduce((n, r) => n + r.length, 0) / 1024;
      await this.waitHalted('checksum', TIMEOUT_MS.crcBase + kib * TIMEOUT_MS.crcPerKiB);
      const out = await this.memory.readMemory(at, 12 * batch.length);
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      batch.forEach((_, i) => results.push(view.getUint32(12 * i + 8, true)));
    }
    return results;
  }
}
