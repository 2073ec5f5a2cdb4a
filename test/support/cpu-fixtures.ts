import { BusError, type Bus, type CodeRegion } from '../../src/sim/cpu/bus.js';
import { Cpu, type CpuOptions } from '../../src/sim/cpu/cpu.js';
import { PPB } from '../../src/arch/armv7m/memory-map.js';
import type { PpbDevice } from '../../src/sim/cpu/system/scs.js';

/**
 * A flat little-endian bus for unit tests: 1 MiB "code" at 0x00000000 and 128 KiB "SRAM" at
 * 0x20000000, both executable, and the Private Peripheral Bus (0xE0000000–0xE00FFFFF) routed to
 * `ppb` — the core's System Control Space once `cpuWithCode` (or a test) connects it, as the SoC
 * does. Everything else is a bus error. Not the STM32F407 map (src/sim/soc).
 */
export class FlatBus implements Bus {
  readonly code = new Uint8Array(0x10_0000);
  readonly sram = new Uint8Array(0x2_0000);
  readonly codeRegions: readonly CodeRegion[] = [
    { base: 0x0000_0000, size: this.code.length },
    { base: 0x2000_0000, size: this.sram.length },
  ];
  /** The device behind 0xE0000000–0xE00FFFFF (normally `cpu.ppb`). */
  ppb: PpbDevice | undefined = undefined;
  private readonly codeView = new DataView(this.code.buffer);
  private readonly sramView = new DataView(this.sram.buffer);

  private locate(address: number, size: number, access: 'read' | 'write' | 'fetch'): [DataView, number] {
    const a = address >>> 0;
    if (a + size <= this.code.length) return [this.codeView, a];
    if (a >= 0x2000_0000 && a + size <= 0x2000_0000 + this.sram.length)
      return [this.sramView, a - 0x2000_0000];
    throw new BusError(a, access);
  }

  /** The PPB device if `address` is in the PPB and one is connected. */
  private device(address: number): PpbDevice | undefined {
    return ((address >>> 0) - PPB.BASE) >>> 0 < PPB.SIZE ? this.ppb : undefined;
  }

  read8(address: number): number {
    const ppb = this.device(address);
    if (ppb !== undefined) return ppb.read8(address);
    const [view, offset] = this.locate(address, 1, 'read');
    return view.getUint8(offset);
  }
  read16(address: number): number {
    const ppb = this.device(address);
    if (ppb !== undefined) return ppb.read16(address);
    const [view, offset] = this.locate(address, 2, 'read');
    return view.getUint16(offset, true);
  }
  read32(address: number): number {
    const ppb = this.device(address);
    if (ppb !== undefined) return ppb.read32(address);
    const [view, offset] = this.locate(address, 4, 'read');
    return view.getInt32(offset, true);
  }
  write8(address: number, value: number): void {
    const ppb = this.device(address);
    if (ppb !== undefined) {
      ppb.write8(address, value);
      return;
    }
    const [view, offset] = this.locate(address, 1, 'write');
    view.setUint8(offset, value & 0xff);
  }
  write16(address: number, value: number): void {
    const ppb = this.device(address);
    if (ppb !== undefined) {
      ppb.write16(address, value);
      return;
    }
    const [view, offset] = this.locate(address, 2, 'write');
    view.setUint16(offset, value & 0xffff, true);
  }
  write32(address: number, value: number): void {
    const ppb = this.device(address);
    if (ppb !== undefined) {
      ppb.write32(address, value);
      return;
    }
    const [view, offset] = this.locate(address, 4, 'write');
    view.setInt32(offset, value | 0, true);
  }
  fetch16(address: number): number {
    const [view, offset] = this.locate(address, 2, 'fetch');
    return view.getUint16(offset, true);
  }
}

/**
 * A core on a FlatBus with `halfwords` placed at `origin` (default 0x100) and the PC there, SP at the
 * top of SRAM, the PPB connected. Encode 32-bit instructions as two halfwords, first halfword
 * first, as in the ARM ARM.
 */
export function cpuWithCode(
  halfwords: readonly number[],
  origin = 0x100,
  options: CpuOptions = {},
): { cpu: Cpu; bus: FlatBus } {
  const bus = new FlatBus();
  halfwords.forEach((hw, i) => {
    bus.write16(origin + 2 * i, hw);
  });
  const cpu = new Cpu(bus, options);
  bus.ppb = cpu.ppb;
  cpu.pc = origin;
  cpu.writeSp(0x2002_0000);
  return { cpu, bus };
}

/** The APSR flags as a string such as "nZCv q" for readable assertions. */
export function flags(cpu: Cpu): string {
  const f = (bit: number, name: string): string => (bit === 1 ? name.toUpperCase() : name);
  return `${f(cpu.n, 'n')}${f(cpu.z, 'z')}${f(cpu.c, 'c')}${f(cpu.v, 'v')} ${f(cpu.q, 'q')}`;
}

/** Where `cpuWithVectors` puts the reset handler (the code under test). */
export const VECTORED_CODE = 0x800;

/** Where `cpuWithVectors` puts the handler of exception `exception`. */
export function handlerAddress(exception: number): number {
  return 0x1000 + 0x20 * exception;
}

/**
 * A core as after a power-on reset from a real vector table at 0: MSP = 0x20020000, Reset → `code`
 * at VECTORED_CODE (0x800, past the vector table), and every other exception's vector pointing at `handlerAddress(n)` (Thumb bit set),
 * where a `b .` (0xE7FE) waits unless `handlers` gives code for it.
 */
export function cpuWithVectors(
  code: readonly number[],
  handlers: Readonly<Record<number, readonly number[]>> = {},
  options: CpuOptions = {},
): { cpu: Cpu; bus: FlatBus } {
  const { cpu, bus } = cpuWithCode(code, VECTORED_CODE, options);
  bus.write32(0, 0x2002_0000);
  bus.write32(4, VECTORED_CODE | 1);
  for (let e = 2; e < cpu.nvic.exceptionCount; e++) {
    bus.write32(4 * e, handlerAddress(e) | 1);
    const body = handlers[e] ?? [0xe7fe];
    body.forEach((hw, i) => {
      bus.write16(handlerAddress(e) + 2 * i, hw);
    });
  }
  cpu.reset('power-on');
  return { cpu, bus };
}
