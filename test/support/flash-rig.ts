/**
 * A virtual Discovery board reached through the real host stack (StLink over the in-process
 * transport to the virtual ST-Link), halted, with the STM32F4 flash driver on top: the rig for flash
 * and option-byte tests. `cutAfter` unplugs the probe after that many commands.
 */
import type { Image } from '../../src/flash/image/types.js';
import type { PlanMemory } from '../../src/flash/plan.js';
import type { EraseTimes } from '../../src/flash/program-image.js';
import { Stm32f4Flash } from '../../src/flash/stm32f4/driver.js';
import { PARALLELISM } from '../../src/flash/stm32f4/psize.js';
import { CortexM } from '../../src/arm/cortex-m.js';
import { StLink } from '../../src/probe/stlink.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { flashSectors, mainFlashBase, STM32F40X } from '../../src/target/index.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { UnavailableError } from '../../src/util/errors.js';

export const KiB = 1024;

const FLASH_BASE = mainFlashBase(STM32F40X);
const { SRAM1, SRAM2 } = STM32F40X.memory;
/** The Discovery's STM32F407VG: 1 MiB of the family's flash, and SRAM1+SRAM2 as one RAM. */
export const SECTORS = flashSectors(STM32F40X, 1024 * KiB);
export const MEMORY: PlanMemory = {
  flash: { address: FLASH_BASE, size: 1024 * KiB, sectors: SECTORS },
  ram: [{ name: 'SRAM', address: SRAM1.base, size: SRAM2.base + SRAM2.size - SRAM1.base }],
};
/** DS8626 typical, x32. */
export const ERASE_TIMES: EraseTimes = {
  sectorMs: (s) => (s.size <= 16 * KiB ? 250 : s.size <= 64 * KiB ? 550 : 1000),
  massMs: 8000,
};

export interface Rig {
  readonly board: DiscoveryBoard;
  readonly stlink: StLink;
  /** The product's ARMv7-M layer over the probe: the flash driver's AlgorithmCore. */
  readonly core: CortexM;
  readonly flash: Stm32f4Flash;
  /** Probe commands answered so far; a cut is armed by setting `cutAfter` or `cutPowerAfter`. */
  commands: number;
  /** After this many commands every exchange fails as on an unplugged probe. */
  cutAfter: number;
  /** After this many commands the target loses power (the probe stays connected). */
  cutPowerAfter: number;
}

/** A rig on a new board holding `preload`, or (to reconnect after a cut) on an existing `board`. */
export async function rig(preload?: Image, existing?: DiscoveryBoard): Promise<Rig> {
  const board =
    existing ??
    new DiscoveryBoard({
      powered: false,
      ...(preload === undefined ? {} : { preload: preload.segments.map((s) => ({ ...s })) }),
    });
  if (!board.powered) board.power(true);
  board.runFor(2e6);
  const device = new VirtualStLinkDevice(board, {
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  const state: Rig = {
    board,
    stlink: undefined as unknown as StLink,
    core: undefined as unknown as CortexM,
    flash: undefined as unknown as Stm32f4Flash,
    commands: 0,
    cutAfter: Infinity,
    cutPowerAfter: Infinity,
  };
  // Counting exchanges lets a test unplug the probe after the Nth command.
  const counting = {
    identity: device.identity,
    exchange: (command: Uint8Array, phase: Parameters<typeof device.exchange>[1]) => {
      state.commands++;
      if (state.commands > state.cutAfter) {
        throw new UnavailableError('usb-disconnected', 'test: the probe’s USB link was cut');
      }
      if (state.commands > state.cutPowerAfter && board.powered) board.power(false);
      return device.exchange(command, phase);
    },
    readTrace: (n: number) => device.readTrace(n),
  };
  const stlink = await StLink.open(new InProcessTransport(counting));
  await stlink.enterSwd();
  const core = new CortexM(stlink, {
    clock: {
      sleep: async (ms) => {
        board.runFor(ms * 1e6);
        await Promise.resolve();
      },
      now: () => board.now / 1e6,
    },
  });
  await core.halt();
  const flash = new Stm32f4Flash({
    memory: stlink,
    core,
    parallelism: PARALLELISM.x32,
    ramBase: 0x2000_0000,
    // The ring over SRAM1+SRAM2 and the CCM, as the session gives it (11 slots).
    ram: [...MEMORY.ram, { address: STM32F40X.memory.CCM.base, size: STM32F40X.memory.CCM.size }],
    sleep: async () => {
      board.runFor(1e6);
      await Promise.resolve();
    },
  });
  return Object.assign(state, { stlink, core, flash });
}

export function image(...segments: [number, Uint8Array][]): Image {
  return {
    format: 'elf',
    entry: undefined,
    segments: segments.map(([address, data]) => ({ address, data })),
  };
}

export function pattern(length: number, seed: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    return x >>> 24;
  });
}

export const flashBytes = (board: DiscoveryBoard, address: number, length: number): Uint8Array =>
  board.soc.devices.flash.storage.main.subarray(address - FLASH_BASE, address - FLASH_BASE + length);
