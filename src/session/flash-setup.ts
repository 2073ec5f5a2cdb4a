import type { CortexM } from '../arm/cortex-m.js';
import type { MemoryAccess } from '../arm/memory-access.js';
import type { AlgorithmCore } from '../flash/algorithm.js';
import type { PlanMemory } from '../flash/plan.js';
import type { EraseTimes } from '../flash/program-image.js';
import { LOADER_LAYOUT, Stm32f4Flash } from '../flash/stm32f4/driver.js';
import { PARALLELISM, parallelismForVoltage } from '../flash/stm32f4/psize.js';
import { mainFlashBase } from '../target/chip.js';
import type { ChipInfo } from '../target/identify.js';
import { MASS_ERASE_MS, sectorEraseMs } from '../target/stm32f4/flash-timing.js';
import { TargetError } from '../util/errors.js';
import type { Clock } from '../arm/debug-access.js';

/**
 * Where an image may go on this chip: main flash as the chip reports it, and its RAMs, with
 * contiguous ones (SRAM1 and SRAM2 on the F4) merged so a segment may span them.
 */
export function planMemory(chip: ChipInfo): PlanMemory {
  const rams = Object.entries(chip.description.memory)
    .filter(([, r]) => r.kind === 'ram')
    .map(([name, r]) => ({ name, address: r.base, size: r.size }))
    .sort((a, b) => a.address - b.address);
  const merged: { name: string; address: number; size: number }[] = [];
  for (const ram of rams) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.address + last.size === ram.address) {
      last.name = `${last.name}+${ram.name}`;
      last.size += ram.size;
    } else merged.push({ ...ram });
  }
  return {
    flash: { address: mainFlashBase(chip.description), size: chip.flashSize, sectors: chip.sectors },
    ram: merged,
  };
}

export interface FlashSetup {
  readonly driver: Stm32f4Flash;
  readonly eraseTimes: EraseTimes;
}

/**
 * The chip's flash driver (target/ names it) at the parallelism the measured voltage allows, and
 * DS8626's typical erase times at that parallelism (target/stm32f4/flash-timing.ts).
 */
export function flashSetup(
  chip: ChipInfo,
  memory: MemoryAccess,
  core: CortexM,
  volts: number,
  clock: Clock,
): FlashSetup {
  // target/ names one driver today ('stm32f4'); a second name makes this a choice by name.
  // Without a voltage reading (a probe that cannot measure it) x8 is the width safe at any supply.
  const parallelism = Number.isNaN(volts) ? PARALLELISM.x8 : parallelismForVoltage(volts);
  // The loader runs from the first executable RAM big enough for it (SRAM1 on the F4).
  const ram = Object.values(chip.description.memory)
    .filter((r) => r.kind === 'ram' && r.executable && r.size >= LOADER_LAYOUT.size)
    .sort((a, b) => a.base - b.base)[0];
  if (ram === undefined) {
    throw new TargetError(
      'no-loader-ram',
      `${chip.name}: no executable RAM of ${LOADER_LAYOUT.size} bytes for the flash loader`,
    );
  }
  // CortexM has AlgorithmCore's shape; flash/ declares the interface above arm/.
  const algorithmCore: AlgorithmCore = core;
  const driver = new Stm32f4Flash({
    memory,
    core: algorithmCore,
    parallelism,
    ramBase: ram.base,
    // The loader's ring of slots spreads over every RAM big enough for one (SRAM1+SRAM2, the CCM);
    // the F4's 4 KiB backup SRAM is too small, and would need its clock enabled anyway.
    ram: planMemory(chip).ram,
    sleep: clock.sleep,
    now: clock.now,
  });
  return {
    driver,
    eraseTimes: {
      sectorMs: (sector) => sectorEraseMs(sector.size, parallelism.name),
      massMs: MASS_ERASE_MS[parallelism.name],
    },
  };
}
