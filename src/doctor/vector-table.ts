/**
 * The first words of main flash as the core reads them at reset (ARM DDI 0403E B1.5.3): the initial
 * SP, then the Reset handler and the HardFault handler. Erased (all ones) means no firmware; an SP
 * outside RAM, or a handler outside flash/RAM or with bit 0 clear (not Thumb), means the core faults
 * before the program's first instruction.
 */
import type { MemoryAccess } from '../arm/memory-access.js';
import { mainFlashBase } from '../target/chip.js';
import type { ChipInfo } from '../target/identify.js';
import { hex32 } from '../util/bytes.js';

export interface VectorTableCheck {
  readonly initialSp: number;
  readonly reset: number;
  readonly hardFault: number;
  /** The whole first sector reads erased. */
  readonly erased: boolean;
  /** What is wrong with it, in words; empty when it looks like a program's. */
  readonly problems: readonly string[];
}

const ERASED = 0xffff_ffff;

export async function checkVectorTable(memory: MemoryAccess, chip: ChipInfo): Promise<VectorTableCheck> {
  const base = mainFlashBase(chip.description);
  const words = await memory.readMemory(base, 16);
  const view = new DataView(words.buffer, words.byteOffset, words.byteLength);
  const initialSp = view.getUint32(0, true);
  const reset = view.getUint32(4, true);
  const hardFault = view.getUint32(12, true);
  let erased = false;
  if (initialSp === ERASED && reset === ERASED) {
    const first = chip.sectors[0];
    const bytes = await memory.readMemory(base, first?.size ?? 16);
    erased = bytes.every((b) => b === chip.description.flash.erasedByte);
  }
  const problems: string[] = [];
  if (!erased) {
    const rams = Object.values(chip.description.memory).filter((m) => m.kind === 'ram');
    const inRam = (a: number, executable: boolean): boolean =>
      rams.some((m) => (!executable || m.executable) && a >= m.base && a <= m.base + m.size);
    const inFlash = (a: number): boolean =>
      (a >= base && a < base + chip.flashSize) ||
      (a >= chip.description.flash.bootAlias && a < chip.description.flash.bootAlias + chip.flashSize);
    if (!inRam(initialSp, false)) problems.push(`the initial SP ${hex32(initialSp)} is not in RAM`);
    for (const [name, vector] of [
      ['Reset', reset],
      ['HardFault', hardFault],
    ] as const) {
      const target = vector & ~1;
      if (!inFlash(target) && !inRam(target, true)) {
        problems.push(
          `the ${name} vector ${hex32(vector)} points outside flash (${hex32(base)}-${hex32(base + chip.flashSize - 1)}) and RAM`,
        );
      } else if ((vector & 1) === 0) {
        problems.push(
          `the ${name} vector ${hex32(vector)} has bit 0 clear: the core cannot run it (Thumb only)`,
        );
      }
    }
  }
  return { initialSp, reset, hardFault, erased, problems };
}
