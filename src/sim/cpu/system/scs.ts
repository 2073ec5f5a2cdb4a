import { BusError } from '../bus.js';
import type { Cpu } from '../cpu.js';
import { IPR_END } from './nvic.js';
import { DEBUG_REG } from '../../../arch/armv7m/debug.js';
import { PPB } from '../../../arch/armv7m/memory-map.js';
import { NVIC_REG } from '../../../arch/armv7m/nvic.js';
import { CCR } from '../../../arch/armv7m/scb.js';
import { SYST_REG } from '../../../arch/armv7m/systick.js';

/** The Private Peripheral Bus as a bus device: what the SoC maps at 0xE0000000–0xE00FFFFF. */
export interface PpbDevice {
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  write8(address: number, value: number): void;
  write16(address: number, value: number): void;
  write32(address: number, value: number): void;
}

/**
 * CoreSight identification (PIDR4–7, PIDR0–3, CIDR0–3 at 0xFD0–0xFFC of each 4 KiB component) of the
 * Cortex-M4 components (TRM Table 3-1 and the component chapters), and its ROM table.
 */
const COMPONENT_IDS: Readonly<Record<number, readonly number[]>> = {
  [PPB.SCS]: [0x04, 0, 0, 0, 0x0c, 0xb0, 0x0b, 0x00, 0x0d, 0xe0, 0x05, 0xb1],
  [PPB.DWT]: [0x04, 0, 0, 0, 0x02, 0xb0, 0x3b, 0x00, 0x0d, 0xe0, 0x05, 0xb1],
  [PPB.FPB]: [0x04, 0, 0, 0, 0x03, 0xb0, 0x2b, 0x00, 0x0d, 0xe0, 0x05, 0xb1],
  [PPB.ITM]: [0x04, 0, 0, 0, 0x01, 0xb0, 0x3b, 0x00, 0x0d, 0xe0, 0x05, 0xb1],
  [PPB.ROM_TABLE]: [0x04, 0, 0, 0, 0xc4, 0xb4, 0x0b, 0x00, 0x0d, 0x10, 0x05, 0xb1],
};
/** ROM table entries (offset, present): SCS, DWT, FPB, ITM, TPIU, ETM, end marker. */
const ROM_TABLE = [0xfff0_f003, 0xfff0_2003, 0xfff0_3003, 0xfff0_1003, 0xfff4_1003, 0xfff4_2003, 0];

/**
 * The PPB register file (ARMv7-M B3.1, B3.2–B3.4, C1): ITM (RAZ/WI here), DWT, FPB, the System Control
 * Space (ICTR, ACTLR, SysTick, NVIC, SCB, debug, STIR, FP registers), and the ROM table. Two
 * instances share the core's state: the core's own view (`Cpu.ppb`, reached by its loads and stores
 * through the bus), where unprivileged accesses are BusFaults (B3.1.1) except STIR with
 * CCR.USERSETMPEND; and a debugger's view (`Cpu.debugPort`, for the AHB-AP), always privileged and
 * the only one that can set DHCSR.C_DEBUGEN. Unimplemented addresses read as zero and ignore
 * writes; 0xE0040000–0xE00FEFFF (TPIU, ETM, vendor parts such as the STM32's DBGMCU) goes to
 * `external` when the SoC sets it. Accesses are word, halfword or byte; sub-word writes reach
 * registers byte-wise (IPR, SHPR, CFSR are byte-accessible; others ignore partial writes).
 */
export class SystemControlSpace implements PpbDevice {
  /** The SoC's devices in the external PPB (0xE0040000–0xE00FEFFF), if any. */
  external: PpbDevice | undefined = undefined;

  constructor(
    private readonly cpu: Cpu,
    readonly fromDebugger: boolean,
  ) {}

  private checkAccess(address: number, write: boolean): void {
    if (this.fromDebugger) return;
    const cpu = this.cpu;
    if (cpu.isPrivileged() && !cpu.forceUnprivileged) return;
    if (write && address >>> 0 === NVIC_REG.STIR && (cpu.scb.ccr & CCR.USERSETMPEND) !== 0) return;
    throw new BusError(address >>> 0, write ? 'write' : 'read');
  }

  read32(address: number): number {
    this.checkAccess(address, false);
    const a = address >>> 0;
    if (a >= PPB.TPIU && a < PPB.ROM_TABLE) return this.external?.read32(a) ?? 0;
    return this.readWord((a & ~3) >>> 0);
  }

  read16(address: number): number {
    if (this.isExternal(address)) return this.external?.read16(address >>> 0) ?? 0;
    return (this.read32(address & ~3) >>> (8 * (address & 2))) & 0xffff;
  }

  read8(address: number): number {
    if (this.isExternal(address)) return this.external?.read8(address >>> 0) ?? 0;
    return (this.read32(address & ~3) >>> (8 * (address & 3))) & 0xff;
  }

  write32(address: number, value: number): void {
    this.checkAccess(address, true);
    const a = address >>> 0;
    if (a >= PPB.TPIU && a < PPB.ROM_TABLE) {
      this.external?.write32(a, value);
      return;
    }
    this.writeWord((a & ~3) >>> 0, value | 0, -1);
  }

  write16(address: number, value: number): void {
    this.checkAccess(address, true);
    if (this.isExternal(address)) {
      this.external?.write16(address >>> 0, value);
      return;
    }
    const shift = 8 * (address & 2);
    this.writeWord((address & ~3) >>> 0, (value & 0xffff) << shift, 0xffff << shift);
  }

  write8(address: number, value: number): void {
    this.checkAccess(address, true);
    if (this.isExternal(address)) {
      this.external?.write8(address >>> 0, value);
      return;
    }
    const shift = 8 * (address & 3);
    this.writeWord((address & ~3) >>> 0, (value & 0xff) << shift, 0xff << shift);
  }

  private isExternal(address: number): boolean {
    const a = address >>> 0;
    if (a >= PPB.TPIU && a < PPB.ROM_TABLE) {
      this.checkAccess(a, false);
      return true;
    }
    return false;
  }

  /** `a`: a word address, as an unsigned number (the registers' addresses are compared with it). */
  private readWord(a: number): number {
    const cpu = this.cpu;
    const block = (a & ~0xfff) >>> 0;
    const offset = a & 0xfff;
    if (offset >= 0xfd0) return this.componentId(block, offset);
    switch (block) {
      case PPB.DWT:
        return cpu.dwt.read(a);
      case PPB.FPB:
        return cpu.fpb.read(a);
      case PPB.SCS:
        return this.readScs(a);
      case PPB.ROM_TABLE:
        if (offset === 0xfcc) return 1; // MEMTYPE.SYSMEM: system memory is visible on this bus
        return offset < 4 * ROM_TABLE.length ? ROM_TABLE[offset >>> 2]! | 0 : 0;
      default:
        return 0;
    }
  }

  private componentId(block: number, offset: number): number {
    const ids = COMPONENT_IDS[block];
    if (ids === undefined) return 0;
    return ids[(offset - 0xfd0) >>> 2] ?? 0;
  }

  private readScs(a: number): number {
    const cpu = this.cpu;
    if (a === NVIC_REG.ICTR) return cpu.nvic.ictr;
    if (a >= SYST_REG.CSR && a <= SYST_REG.CALIB) return cpu.sysTick.read(a);
    if (a >= NVIC_REG.ISER && a < IPR_END) return cpu.nvic.read(a);
    switch (a) {
      case DEBUG_REG.DHCSR:
        return cpu.debug.readDhcsr();
      case DEBUG_REG.DCRSR:
        return 0; // DCRSR is write-only
      case DEBUG_REG.DCRDR:
        return cpu.debug.dcrdr;
      case DEBUG_REG.DEMCR:
        return cpu.debug.readDemcr();
      default:
        return cpu.scb.read(a) ?? 0;
    }
  }

  private writeWord(a: number, value: number, mask: number): void {
    const cpu = this.cpu;
    const block = (a & ~0xfff) >>> 0;
    if (block === PPB.DWT) {
      if (mask === -1) cpu.dwt.write(a, value);
      return;
    }
    if (block === PPB.FPB) {
      if (mask === -1) cpu.fpb.write(a, value);
      return;
    }
    if (block !== PPB.SCS) return;
    if (a >= SYST_REG.CSR && a <= SYST_REG.CALIB) {
      if (mask === -1) cpu.sysTick.write(a, value);
      return;
    }
    if (a >= NVIC_REG.ISER && a < IPR_END) {
      cpu.nvic.write(a, value, mask);
      return;
    }
    switch (a) {
      case DEBUG_REG.DHCSR:
        if (mask === -1) cpu.debug.writeDhcsr(value, this.fromDebugger);
        return;
      case DEBUG_REG.DCRSR:
        if (mask === -1) cpu.debug.writeDcrsr(value);
        return;
      case DEBUG_REG.DCRDR:
        cpu.debug.dcrdr = (cpu.debug.dcrdr & ~mask) | (value & mask);
        return;
      case DEBUG_REG.DEMCR:
        cpu.debug.writeDemcr((cpu.debug.readDemcr() & ~mask) | (value & mask));
        return;
      case NVIC_REG.STIR:
        if (mask === -1) cpu.nvic.writeStir(value);
        return;
      default:
        cpu.scb.write(a, value, mask);
    }
  }

  /** Instruction fetches from the PPB: it is Execute Never (B3.1.1), so every fetch errors. */
  fetch16(address: number): number {
    throw new BusError(address >>> 0, 'fetch');
  }
}
