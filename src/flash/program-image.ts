import type { MemoryAccess } from '../arm/memory-access.js';
import { hex32 } from '../util/bytes.js';
import { SwdkitError, TargetError, asSwdkitError } from '../util/errors.js';
import { crc32Mpeg2 } from './crc32-mpeg2.js';
import type { Segment } from './image/types.js';
import { programPieces } from './pieces.js';
import type { FlashPlan, FlashSector, SectorPlan } from './plan.js';
import { SILENT_PROGRESS, type FlashProgress } from './progress.js';

/** What the image programmer needs of a chip's flash driver (src/flash/stm32f4/driver.ts is one). */
export interface FlashDriver {
  readonly parallelism: { readonly accessBytes: 1 | 2 | 4; readonly name: string };
  /** The largest piece `program` takes at once. */
  readonly pieceBytes: number;
  unlock(): Promise<void>;
  lock(): Promise<void>;
  /** `meanwhile` runs while the flash erases, told until when (the driver's clock) it may take. */
  eraseSector(sector: FlashSector, expectedMs: number, meanwhile?: Meanwhile): Promise<void>;
  massErase(expectedMs: number, meanwhile?: Meanwhile): Promise<void>;
  /** Puts the first pieces where program() takes them from, while the flash is busy; optional. */
  preload?(
    pieces: readonly Segment[],
    options: { readonly crc: boolean; readonly until: number },
  ): Promise<void>;
  /**
   * Programs the pieces in order; with `crc` the driver may report each piece's CRC-32/MPEG-2 as read
   * from flash after programming it (then no separate verify pass is needed).
   */
  program(
    pieces: readonly Segment[],
    onProgrammed: (piece: Segment, crc: number | undefined) => void,
    options?: { readonly crc?: boolean },
  ): Promise<void>;
  crc(ranges: readonly { readonly address: number; readonly length: number }[]): Promise<number[]>;
}

/** Work to do while the flash is busy, given until when (the driver's clock, ms) it may take. */
export type Meanwhile = (until: number) => Promise<void>;

/** Typical erase times at the parallelism in use (the chip's datasheet), for choosing and for ETAs. */
export interface EraseTimes {
  sectorMs(sector: FlashSector): number;
  readonly massMs: number;
}

export interface FlashImageOptions {
  /** Check the written sectors (a CRC on the target; readback if that fails). Default true. */
  readonly verify?: boolean;
  /** Erase all flash first, and program every sector even where it already matches. */
  readonly fullErase?: boolean;
  /** Every sector of the chip, to tell whether an image covers all flash (then mass erase is cheaper). */
  readonly allSectors: readonly FlashSector[];
  readonly eraseTimes: EraseTimes;
  readonly progress?: FlashProgress;
  /**
   * The target's supply now, as the probe measures it: asked after a failure, so that a board that
   * lost power is reported as that instead of as the SWD fault it causes.
   */
  readonly supplyVolts?: () => Promise<number>;
}

/** Below this the chip is not powered (DS8626: VDD 1.8-3.6 V). */
const MIN_SUPPLY_VOLTS = 1.7;

export interface FlashReport {
  /** Sectors erased and programmed. */
  readonly written: readonly number[];
  /** Sectors whose contents already matched the image (left untouched). */
  readonly unchanged: readonly number[];
  readonly massErase: boolean;
  readonly bytesProgrammed: number;
  readonly verified: 'crc' | 'readback' | 'no';
  readonly ramBytes: number;
  readonly parallelism: string;
}

/**
 * A flash operation that stopped part way: which sectors were left erased or partly written, so the
 * user knows the image is not on the target. It keeps the class of what stopped it (a cut link is
 * `unavailable`, a target that stopped answering `target`), so the exit status stays meaningful.
 */
export class FlashIncompleteError extends SwdkitError {
  override readonly name: string = 'FlashIncompleteError';
  constructor(
    cause: SwdkitError,
    readonly erased: readonly number[],
    readonly partlyWritten: readonly number[],
  ) {
    const parts = [
      erased.length > 0 ? `sector${erased.length > 1 ? 's' : ''} ${erased.join(', ')} left erased` : '',
      partlyWritten.length > 0
        ? `sector${partlyWritten.length > 1 ? 's' : ''} ${partlyWritten.join(', ')} partly written`
        : '',
    ].filter((p) => p !== '');
    const state = parts.length === 0 ? 'no sector was changed' : parts.join(', ');
    super(
      cause.errorClass,
      'flash-incomplete',
      `${cause.message.replace(/[.;]+$/, '')}; the image is NOT on the target (${state})`,
      {
        cause,
        hint: `${cause.hint ?? ''}${cause.hint === undefined ? '' : ' '}Then run the same flash command again: it erases and writes what is missing.`,
      },
    );
  }
}

function sectorRanges(plan: readonly SectorPlan[]): { address: number; length: number; sector: number }[] {
  return plan.flatMap((s) =>
    s.runs.map((r) => ({ address: r.address, length: r.data.length, sector: s.sector.index })),
  );
}

/** Bytes read from the start of each sector before asking the loader for CRCs. */
const SAMPLE_BYTES = 64;

/**
 * Sectors whose image bytes differ from the target's. With `sample`, the first bytes of each sector's
 * first run are read back first: a board that holds some other program differs there in almost every
 * sector, and one short read proves it for far less than a CRC over the whole sector (which the core
 * computes at 16 MHz). The sectors whose sample matches, or all without `sample`, are compared by
 * CRCs computed on both sides.
 */
async function changedSectors(
  driver: FlashDriver,
  memory: MemoryAccess,
  sectors: readonly SectorPlan[],
  sample = false,
): Promise<Set<number>> {
  const changed = new Set<number>();
  if (sample) {
    for (const s of sectors) {
      const run = s.runs[0];
      if (run === undefined) continue;
      const head = run.data.subarray(0, SAMPLE_BYTES);
      const actual = await memory.readMemory(run.address, head.length);
      if (actual.some((byte, i) => byte !== head[i])) changed.add(s.sector.index);
    }
  }
  const rest = sectors.filter((s) => !changed.has(s.sector.index));
  const ranges = sectorRanges(rest);
  if (ranges.length === 0) return changed;
  const crcs = await driver.crc(ranges);
  const expected = rest.flatMap((s) => s.runs.map((r) => crc32Mpeg2(r.data)));
  ranges.forEach((range, i) => {
    if (crcs[i] !== expected[i]) changed.add(range.sector);
  });
  return changed;
}

/**
 * Puts `plan` on the target: compares each sector's contents (CRC on the target) and leaves matching
 * sectors alone, erases the others (one mass erase when the image covers every sector), programs them
 * through the driver, verifies, locks the flash, then writes RAM segments. The core must be halted.
 */
export async function flashImage(
  plan: FlashPlan,
  driver: FlashDriver,
  memory: MemoryAccess,
  options: FlashImageOptions,
): Promise<FlashReport> {
  const progress = options.progress ?? SILENT_PROGRESS;
  const verify = options.verify ?? true;
  const erased = new Set<number>();
  const partly = new Set<number>();
  const done = new Set<number>();
  let phase: Parameters<FlashProgress['end']>[0] | undefined;
  const begin = (name: typeof phase & string, total: number, detail?: string): void => {
    phase = name;
    progress.start(name, total, detail);
  };
  const finish = (): void => {
    if (phase !== undefined) progress.end(phase);
    phase = undefined;
  };

  try {
    await driver.unlock();
    let toWrite = plan.sectors;
    if (!options.fullErase && plan.sectors.length > 0) {
      begin('compare', plan.flashBytes);
      const changed = await changedSectors(driver, memory, plan.sectors, true);
      progress.update('compare', plan.flashBytes);
      finish();
      toWrite = plan.sectors.filter((s) => changed.has(s.sector.index));
    }
    const writtenIndexes = new Set(toWrite.map((s) => s.sector.index));
    const massErase =
      options.fullErase === true ||
      (options.allSectors.every((s) => writtenIndexes.has(s.index)) &&
        options.eraseTimes.massMs <
          options.allSectors.reduce((ms, s) => ms + options.eraseTimes.sectorMs(s), 0));

    if (options.fullErase === true) toWrite = plan.sectors;
    const pieces = toWrite.flatMap((s) =>
      programPieces(s.runs, driver.parallelism.accessBytes, driver.pieceBytes).map((piece) => ({
        piece,
        sector: s.sector.index,
      })),
    );
    const handOver = pieces.map((p) => p.piece);
    // The first erase is the time to copy the first pieces into the loader's RAM: the probe is idle.
    let meanwhile: Meanwhile | undefined =
      driver.preload === undefined || handOver.length === 0
        ? undefined
        : (until) => driver.preload?.(handOver, { crc: verify, until }) ?? Promise.resolve();
    const takeMeanwhile = (): Meanwhile | undefined => {
      const m = meanwhile;
      meanwhile = undefined;
      return m;
    };

    if (massErase) {
      const total = options.allSectors.reduce((n, s) => n + s.size, 0);
      begin('erase', total, `mass erase, ${driver.parallelism.name}`);
      // Count every sector as erased before it starts: a failure part way leaves them all in doubt.
      for (const s of options.allSectors) erased.add(s.index);
      await driver.massErase(options.eraseTimes.massMs, takeMeanwhile());
      progress.update('erase', total);
      finish();
    } else if (toWrite.length > 0) {
      const total = toWrite.reduce((n, s) => n + s.sector.size, 0);
      begin(
        'erase',
        total,
        `${toWrite.length} sector${toWrite.length > 1 ? 's' : ''}, ${driver.parallelism.name}`,
      );
      let bytes = 0;
      for (const s of toWrite) {
        erased.add(s.sector.index);
        try {
          await driver.eraseSector(s.sector, options.eraseTimes.sectorMs(s.sector), takeMeanwhile());
        } catch (thrown) {
          // Write protection refuses the erase before it starts (RM0090 3.6.3): the sector is intact.
          if (thrown instanceof SwdkitError && thrown.code === 'target.flash-write-protected')
            erased.delete(s.sector.index);
          throw thrown;
        }
        bytes += s.sector.size;
        progress.update('erase', bytes);
      }
      finish();
    }

    const sectorOf = new Map(pieces.map((p) => [p.piece, p.sector]));
    const remaining = new Map<number, number>();
    for (const p of pieces) remaining.set(p.sector, (remaining.get(p.sector) ?? 0) + 1);
    const programBytes = pieces.reduce((n, p) => n + p.piece.data.length, 0);
    /** Sectors a piece of which read back with another CRC than the image's, and how many pieces had one. */
    const badCrc = new Set<number>();
    let crcs = 0;
    if (pieces.length > 0) {
      begin('program', programBytes, driver.parallelism.name);
      let bytes = 0;
      // A sector becomes "partly written" as soon as its first piece is handed over.
      for (const p of pieces) partly.add(p.sector);
      await driver.program(
        handOver,
        (piece, crc) => {
          bytes += piece.data.length;
          progress.update('program', bytes);
          const sector = sectorOf.get(piece);
          if (sector === undefined) return;
          if (crc !== undefined) {
            crcs++;
            if (crc !== crc32Mpeg2(piece.data)) badCrc.add(sector);
          }
          const left = (remaining.get(sector) ?? 1) - 1;
          remaining.set(sector, left);
          if (left === 0) done.add(sector);
        },
        { crc: verify },
      );
      finish();
    }
    for (const s of toWrite) done.add(s.sector.index);

    let verified: FlashReport['verified'] = 'no';
    if (verify && toWrite.length > 0) {
      const bytes = toWrite.reduce((n, s) => n + s.bytes, 0);
      if (crcs === pieces.length) {
        // The loader read every piece back as it went (a CRC per slot): nothing left to read.
        begin('verify', bytes, 'CRC of each piece computed on the target as it was programmed');
        if (badCrc.size > 0) throw verifyFailed(badCrc);
        verified = 'crc';
      } else {
        begin('verify', bytes);
        verified = await verifySectors(driver, memory, toWrite);
      }
      progress.update('verify', bytes);
      finish();
    }
    await driver.lock();

    let ramBytes = 0;
    if (plan.ram.length > 0) {
      const total = plan.ram.reduce((n, s) => n + s.data.length, 0);
      begin('ram', total);
      for (const segment of plan.ram) {
        await memory.writeMemory(segment.address, segment.data);
        ramBytes += segment.data.length;
        progress.update('ram', ramBytes);
        if (verify) await verifyByReadback(memory, segment);
      }
      finish();
    }
    return {
      written: toWrite.map((s) => s.sector.index),
      unchanged: plan.sectors
        .filter((s) => !writtenIndexes.has(s.sector.index) && !massErase)
        .map((s) => s.sector.index),
      massErase,
      bytesProgrammed: programBytes,
      verified,
      ramBytes,
      parallelism: driver.parallelism.name,
    };
  } catch (thrown) {
    finish();
    let error = asSwdkitError(thrown);
    if (error.errorClass !== 'unavailable' && options.supplyVolts !== undefined) {
      const volts = await options.supplyVolts().catch(() => Number.NaN);
      if (volts < MIN_SUPPLY_VOLTS) {
        error = new TargetError(
          'power-lost',
          `the target lost power during flashing (it now measures ${volts.toFixed(2)} V; ${error.message.replace(/[.;]+$/, '')})`,
          {
            cause: error,
            hint: 'Check the board’s supply: its USB cable or power jumper (JP1 on the STM32F4DISCOVERY), or the external supply.',
          },
        );
      }
    }
    // A failed verify already names the sectors that do not hold the image; every step before it ran.
    if (error.code === 'target.flash-verify-failed') {
      await driver.lock().catch(() => undefined);
      throw error;
    }
    // Best effort: leave the interface locked even after a failure (it may not answer at all).
    await driver.lock().catch(() => undefined);
    const erasedOnly = [...erased].filter((s) => !partly.has(s) && !done.has(s)).sort((a, b) => a - b);
    const partial = [...partly].filter((s) => !done.has(s)).sort((a, b) => a - b);
    if (
      error instanceof FlashIncompleteError ||
      (erasedOnly.length === 0 && partial.length === 0 && done.size === 0)
    ) {
      throw error;
    }
    throw new FlashIncompleteError(error, erasedOnly, partial);
  }
}

async function verifySectors(
  driver: FlashDriver,
  memory: MemoryAccess,
  sectors: readonly SectorPlan[],
): Promise<'crc' | 'readback'> {
  let changed: Set<number>;
  let how: 'crc' | 'readback' = 'crc';
  try {
    changed = await changedSectors(driver, memory, sectors);
  } catch (thrown) {
    // The loader could not run (e.g. the core would not halt): compare by reading the flash back.
    if (!(thrown instanceof SwdkitError) || thrown.errorClass === 'unavailable') throw thrown;
    how = 'readback';
    changed = new Set();
    for (const s of sectors) {
      for (const run of s.runs) {
        if (!(await matches(memory, run))) changed.add(s.sector.index);
      }
    }
  }
  if (changed.size > 0) throw verifyFailed(changed);
  return how;
}

function verifyFailed(sectors: ReadonlySet<number>): TargetError {
  const list = [...sectors].sort((a, b) => a - b).join(', ');
  return new TargetError(
    'flash-verify-failed',
    `verify failed: sector${sectors.size > 1 ? 's' : ''} ${list} do not hold the image after programming`,
    {
      hint: 'Flash again with --full-erase; if it fails again the flash may be worn or the supply unstable.',
    },
  );
}

async function matches(memory: MemoryAccess, segment: Segment): Promise<boolean> {
  const actual = await memory.readMemory(segment.address, segment.data.length);
  return actual.every((byte, i) => byte === segment.data[i]);
}

async function verifyByReadback(memory: MemoryAccess, segment: Segment): Promise<void> {
  if (!(await matches(memory, segment))) {
    throw new TargetError(
      'ram-verify-failed',
      `verify failed: RAM at ${hex32(segment.address)} (${segment.data.length} bytes) does not read back as written`,
      {
        hint: 'Check that the ELF’s RAM segment is in RAM the chip has; a running core may also overwrite it.',
      },
    );
  }
}
