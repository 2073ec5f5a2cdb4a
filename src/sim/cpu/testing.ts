import { BusError, type Bus, type CodeRegion } from './bus.js';
import { Cpu } from './cpu.js';

/**
 * A flat little-endian bus for unit tests: 1 MiB "code" at 0x00000000 and 128 KiB "SRAM" at
 * 0x20000000, both executable; everything else is a bus error. Not the STM32F407 map (src/sim/soc).
 */
export class FlatBus implements Bus {
  readonly code = new Uint8Array(0x10_0000);
  readonly sram = new Uint8Array(0x2_0000);
  readonly codeRegions: readonly CodeRegion[] = [
    { base: 0x0000_0000, size: this.code.length },
    { base: 0x2000_0000, size: this.sram.length },
  ];
  private readonly codeView = new DataView(this.code.buffer);
  private readonly sramView = new DataView(this.sram.buffer);

  private locate(address: number, size: number, access: 'read' | 'write' | 'fetch'): [DataView, number] {
    const a = address >>> 0;
    if (a + size <= this.code.length) return [this.codeView, a];
    if (a >= 0x2000_0000 && a + size <= 0x2000_0000 + this.sram.length)
      return [this.sramView, a - 0x2000_0000];
    throw new BusError(a, access);
  }

  read8(address: number): number {
    const [view, offset] = this.locate(address, 1, 'read');
    return view.getUint8(offset);
  }
  read16(address: number): number {
    const [view, offset] = this.locate(address, 2, 'read');
    return view.getUint16(offset, true);
  }
  read32(address: number): number {
    const [view, offset] = this.locate(address, 4, 'read');
    return view.getInt32(offset, true);
  }
  write8(address: number, value: number): void {
    const [view, offset] = this.locate(address, 1, 'write');
    view.setUint8(offset, value & 0xff);
  }
  write16(address: number, value: number): void {
    const [view, offset] = this.locate(address, 2, 'write');
    view.setUint16(offset, value & 0xffff, true);
  }
  write32(address: number, value: number): void {
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
 * top of SRAM. Encode 32-bit instructions as two halfwords, first halfword first, as in the ARM ARM.
 */
export function cpuWithCode(halfwords: readonly number[], origin = 0x100): { cpu: Cpu; bus: FlatBus } {
  const bus = new FlatBus();
  halfwords.forEach((hw, i) => {
    bus.write16(origin + 2 * i, hw);
  });
  const cpu = new Cpu(bus);
  cpu.pc = origin;
  cpu.writeSp(0x2002_0000);
  return { cpu, bus };
}

/** The APSR flags as a string such as "nZCv q" for readable assertions. */
export function flags(cpu: Cpu): string {
  const f = (bit: number, name: string): string => (bit === 1 ? name.toUpperCase() : name);
  return `${f(cpu.n, 'n')}${f(cpu.z, 'z')}${f(cpu.c, 'c')}${f(cpu.v, 'v')} ${f(cpu.q, 'q')}`;
}
