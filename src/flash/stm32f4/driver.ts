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
import { raiseCoreClock, restoreCoreClock, type SavedClock } from './core-clock.js';

const SR = FLASH_R_BASE + FLASH_REG.SR;
const CR = FLASH_R_BASE + FLASH_REG.CR;
const KEYR = FLASH_R_BASE + FLASH_REG.KEYR;
const OPTCR = FLASH_R_BASE + FLASH_REG.OPTCR;

/**
 * Where the loader lives in SRAM, relative to its base (see firmware/loader/stm32f4-flash.S for the
 * control block), and its ring of 16 KiB slots: from `slotsStart` to the end of the loader's RAM, then
 * in the chip's other RAMs (the F4's CCM is data-only, which is all a slot needs). One slot programs in
 * 65 ms at x32 (4096 × 16 µs); a full-speed ST-Link takes about 80 ms to fill one (sixteen 1 KiB
 * transfers: the MEM-AP's TAR auto-increment block), so the link sets the pace, and the ring is filled
 * while the flash is still erasing.
 */
export const LOADER_LAYOUT = {
  code: 0x0000,
  control: 0x0400,
  crcList: 0x0700,
  crcListEntries: 64,
  crcTables: 0x0a00,
  stackTop: 0x2000,
  slotsStart: 0x2000,
  slotBytes: 0x4000,
  /** Descriptors that fit between the control block and the CRC list (16 + 20 n bytes). */
  maxSlots: 32,
  /** SRAM the loader needs from its base: code, tables, stack and two slots. */
  size: 0xa000,
} as const;

const CONTROL_HEADER = 16;
const DESCRIPTOR = { bytes: 20, crc: 12, state: 16 } as const;
const SLOT = { EMPTY: 0, FULL: 1, STOP: 2, ERROR: 3 } as const;

/**
 * How long to wait for the hardware, from DS8626's maximum figures (table 42) with a margin: a 128 KiB
 * sector takes at most 4 s at x8, a mass erase 32 s; a loader slot at most 4096 × 100 µs.
 */
const TIMEOUT_MS = { sector: 8_000, mass: 40_000, slot: 2_000, crcBase: 2_000, crcPerKiB: 5 } as const;

export type Sleep = (ms: number) => Promise<void>;
/** Work to do while the flash is busy, given until when (the driver's clock, ms) it may take. */
export type Meanwhile = (until: number) => Promise<void>;
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
  /**
   * RAM the slots may use beyond the loader's own (contiguous regions, e.g. SRAM1+SRAM2 and CCM). The
   * region that holds `ramBase` gives slots from `ramBase + slotsStart` to its end. Default: the two
   * slots `LOADER_LAYOUT.size` covers.
   */
  readonly ram?: readonly { readonly address: number; readonly size: number }[];
  /**
   * Run the core at 84 MHz while the loader works (core-clock.ts), when it is at its reset clock.
   * Default true; lock() puts the clock back.
   */
  readonly raiseClock?: boolean;
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
  /** The clock configuration to put back in lock(), when loadLoader() raised the core clock. */
  private savedClock: SavedClock | undefined;
  /** The data buffer of each slot of the ring, in the order the loader takes them. */
  private readonly slots: readonly number[];
  /** Pieces preload() put in slots 0.. before the loader started, and whether slot CRCs were asked for. */
  private staged: { readonly pieces: readonly Segment[]; readonly crc: boolean } | undefined;
  /** The largest piece `program` takes: one loader slot. */
  readonly pieceBytes = LOADER_LAYOUT.slotBytes;

  constructor(private readonly options: Stm32f4FlashOptions) {
    this.memory = options.memory;
    this.core = options.core;
    this.sleep = options.sleep ?? wallSleep;
    this.now = options.now ?? (() => performance.now());
    this.slots = ringSlots(options.ramBase, options.ram);
  }

  /** Slots in the ring (RAM buffers of `pieceBytes`). */
  get slotCount(): number {
    return this.slots.length;
  }

  get parallelism(): Parallelism {
    return this.options.parallelism;
  }

  private at(offset: number): number {
    return this.options.ramBase + offset;
  }

  /**
   * KEYR sequence if FLASH_CR is locked (RM0090 3.6.1); clears stale error flags. An erase that an
   * earlier connection started (and lost the link during) may still be running: flash reads stall until
   * it ends, so wait for BSY first.
   */
  async unlock(): Promise<void> {
    if ((await this.memory.read32(SR)) & FLASH_SR.BSY) {
      await this.waitIdle('an erase started before this connection', TIMEOUT_MS.mass, 0).catch(
        (thrown: unknown) => {
          // Its error flags belong to that earlier operation, which is cleared below; a timeout is ours.
          if (thrown instanceof TimeoutError) throw thrown;
        },
      );
    }
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

  /**
   * Sets FLASH_CR.LOCK: the interface stays locked until the next unlock or reset. Also puts back the
   * core clock if the loader ran it faster.
   */
  async lock(): Promise<void> {
    await this.memory.write32(CR, FLASH_CR.LOCK >>> 0);
    const saved = this.savedClock;
    this.savedClock = undefined;
    if (saved !== undefined) await restoreCoreClock(this.memory, saved);
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

  /**
   * Polls FLASH_SR until BSY clears; throws on an error flag or after `timeoutMs`. `meanwhile` runs
   * first, while the flash works (the probe is free: only flash reads stall), told until when the
   * first look at FLASH_SR was due.
   */
  private async waitIdle(
    operation: string,
    timeoutMs: number,
    expectedMs: number,
    meanwhile?: Meanwhile,
  ): Promise<void> {
    const start = this.now();
    // Other work may take most of the expected time; then FLASH_SR is read every 1/20 of it (at most
    // 20 ms, one READDEBUGREG each). DS8626's times are typical ones: a chip that finishes sooner is
    // seen within a poll interval, not after 90 % of the typical time.
    if (meanwhile !== undefined) await meanwhile(start + expectedMs * 0.9);
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
  async eraseSector(sector: FlashSector, expectedMs: number, meanwhile?: Meanwhile): Promise<void> {
    const cr =
      FLASH_CR.SER | (sector.index << FLASH_CR.SNB_SHIFT) | (this.parallelism.psize << FLASH_CR.PSIZE_SHIFT);
    await this.memory.write32(CR, cr);
    await this.memory.write32(CR, cr | FLASH_CR.STRT);
    await this.waitIdle(`erasing sector ${sector.index}`, TIMEOUT_MS.sector, expectedMs, meanwhile);
    await this.memory.write32(CR, 0);
  }

  /** Erases all main flash (MER, RM0090 3.6.3). */
  async massErase(expectedMs: number, meanwhile?: Meanwhile): Promise<void> {
    const cr = FLASH_CR.MER | (this.parallelism.psize << FLASH_CR.PSIZE_SHIFT);
    await this.memory.write32(CR, cr);
    await this.memory.write32(CR, cr | FLASH_CR.STRT);
    await this.waitIdle('mass erase', TIMEOUT_MS.mass, expectedMs, meanwhile);
    await this.memory.write32(CR, 0);
  }

  /** Copies the loader into SRAM and, from the reset clock configuration, raises the core clock. */
  private async loadLoader(): Promise<void> {
    if (this.loaderLoaded) return;
    await this.memory.writeMemory(this.at(LOADER_LAYOUT.code), stm32f4LoaderCode());
    this.loaderLoaded = true;
    if (this.options.raiseClock ?? true) this.savedClock = await raiseCoreClock(this.memory);
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

  /** The control block with `count` empty descriptors. */
  private async writeControl(crc: boolean): Promise<void> {
    const block = new DataView(new ArrayBuffer(CONTROL_HEADER + DESCRIPTOR.bytes * this.slots.length));
    block.setUint32(8, this.slots.length, true);
    block.setUint32(12, crc ? this.at(LOADER_LAYOUT.crcTables) : 0, true);
    await this.memory.writeMemory(this.at(LOADER_LAYOUT.control), new Uint8Array(block.buffer));
  }

  /** Copies `piece` into slot `slot` and hands it to the loader: data, then the descriptor, state last. */
  private async fillSlot(slot: number, piece: Segment): Promise<void> {
    const data = this.slots[slot] ?? 0;
    await this.memory.writeMemory(data, piece.data);
    const descriptor = new DataView(new ArrayBuffer(DESCRIPTOR.bytes));
    descriptor.setUint32(0, piece.address, true);
    descriptor.setUint32(4, piece.data.length, true);
    descriptor.setUint32(8, data, true);
    descriptor.setUint32(DESCRIPTOR.state, SLOT.FULL, true);
    await this.memory.writeMemory(this.descriptorAt(slot), new Uint8Array(descriptor.buffer));
  }

  private descriptorAt(slot: number): number {
    return this.at(LOADER_LAYOUT.control) + CONTROL_HEADER + DESCRIPTOR.bytes * slot;
  }

  /**
   * Copies the loader and the first of `pieces` into the ring while the flash is busy (erasing), until
   * `until` (this driver's clock) or the ring is full; program() then starts with them ready. Nothing
   * is programmed until program() runs.
   */
  async preload(
    pieces: readonly Segment[],
    options: { readonly crc: boolean; readonly until: number },
  ): Promise<void> {
    this.staged = undefined;
    await this.loadLoader();
    await this.writeControl(options.crc);
    const staged: Segment[] = [];
    let slowest = 0;
    for (const piece of pieces.slice(0, this.slots.length)) {
      const started = this.now();
      if (started + slowest > options.until) break;
      await this.fillSlot(staged.length, piece);
      staged.push(piece);
      slowest = Math.max(slowest, this.now() - started);
    }
    this.staged = { pieces: staged, crc: options.crc };
  }

  /**
   * Programs `pieces` (each aligned to the access size, inside erased sectors, at most slotBytes)
   * through the loader's ring: while the loader programs one slot, the next are transferred.
   * `onProgrammed(piece, crc)` is called in order as the loader finishes each piece; with `crc` the
   * loader also computes the CRC-32/MPEG-2 of the flash it has just programmed and `crc` is that.
   */
  async program(
    pieces: readonly Segment[],
    onProgrammed: (piece: Segment, crc: number | undefined) => void,
    options: { readonly crc?: boolean } = {},
  ): Promise<void> {
    const crc = options.crc ?? false;
    const staged = this.staged;
    this.staged = undefined;
    let first = 0;
    if (staged !== undefined && staged.crc === crc && staged.pieces.every((p, i) => pieces[i] === p)) {
      first = staged.pieces.length;
    } else {
      await this.loadLoader();
      await this.writeControl(crc);
    }
    const control = this.at(LOADER_LAYOUT.control);
    const { psize, accessBytes } = this.parallelism;
    await this.core.startAlgorithm({
      entry: this.at(LOADER_LAYOUT.code) + STM32F4_LOADER_ENTRY.program,
      args: [control, FLASH_R_BASE, FLASH_CR.PG | (psize << FLASH_CR.PSIZE_SHIFT), accessBytes],
      stack: this.at(LOADER_LAYOUT.stackTop),
    });
    const n = this.slots.length;
    const blockBytes = CONTROL_HEADER + DESCRIPTOR.bytes * n;
    // The loader finishes pieces in order: `reported` pieces are done, the next is in slot reported % n.
    let reported = 0;
    let placed = first;
    let progressAt = this.now();

    /** Reads the control block and reports what finished; throws what the loader reported. */
    const poll = async (): Promise<void> => {
      const bytes = await this.memory.readMemory(control, blockBytes);
      const block = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const field = (slot: number, offset: number): number =>
        block.getUint32(CONTROL_HEADER + DESCRIPTOR.bytes * slot + offset, true);
      for (let slot = 0; slot < n; slot++) {
        if (field(slot, DESCRIPTOR.state) === SLOT.ERROR) {
          await this.waitHalted('programming', TIMEOUT_MS.slot);
          throw await this.failure(block.getUint32(0, true), 'programming', block.getUint32(4, true));
        }
      }
      while (reported < placed) {
        const slot = reported % n;
        if (field(slot, DESCRIPTOR.state) !== SLOT.EMPTY) break;
        const piece = pieces[reported];
        reported++;
        progressAt = this.now();
        if (piece !== undefined) onProgrammed(piece, crc ? field(slot, DESCRIPTOR.crc) : undefined);
      }
    };

    /** Waits until at most `inFlight` handed-over pieces are unfinished. */
    const drainTo = async (inFlight: number): Promise<void> => {
      while (placed - reported > inFlight) {
        await poll();
        if (placed - reported <= inFlight) return;
        if (this.now() - progressAt > TIMEOUT_MS.slot) {
          await this.core.halt();
          throw new TimeoutError(
            'flash-loader-timeout',
            `programming: the RAM loader finished nothing for ${TIMEOUT_MS.slot} ms`,
            {
              hint: 'The target may have reset or lost power during programming; check it with `swdkit info`, then flash again.',
            },
          );
        }
      }
    };

    for (let i = first; i < pieces.length; i++) {
      const piece = pieces[i];
      if (piece === undefined) continue;
      await drainTo(n - 1);
      await this.fillSlot(i % n, piece);
      placed++;
    }
    await drainTo(0);
    await this.memory.write32(this.descriptorAt(placed % n) + DESCRIPTOR.state, SLOT.STOP);
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

/**
 * The ring's slot buffers: from the loader's base + slotsStart to the end of its RAM region, then the
 * other regions, at most LOADER_LAYOUT.maxSlots.
 */
function ringSlots(
  ramBase: number,
  ram: readonly { readonly address: number; readonly size: number }[] | undefined,
): number[] {
  const { slotsStart, slotBytes, size, maxSlots } = LOADER_LAYOUT;
  const regions = ram ?? [{ address: ramBase, size }];
  const own = regions.filter((r) => ramBase >= r.address && ramBase < r.address + r.size);
  const others = regions.filter((r) => !own.includes(r));
  const slots: number[] = [];
  for (const region of [...own, ...others]) {
    const end = region.address + region.size;
    let at = own.includes(region) ? ramBase + slotsStart : Math.ceil(region.address / 4) * 4;
    for (; at + slotBytes <= end && slots.length < maxSlots; at += slotBytes) slots.push(at);
  }
  return slots;
}
