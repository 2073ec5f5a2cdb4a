import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { ATTN } from './attention.js';
import { PRIORITY_MASK } from './nvic.js';
import { DEBUG_REG } from '../../../arch/armv7m/debug.js';
import { AIRCR, CCR, FPCAR, FPCCR, ICSR, SCB_REG } from '../../../arch/armv7m/scb.js';

/** CPUID of the Cortex-M4 r0p1 in the STM32F4 (B3.2.3; PM0214 4.4.1). */
export const CPUID = 0x410f_c241;
/** Media and FP feature registers of the FPv4-SP unit (B4.6.1). */
export const MVFR0 = 0x1011_0021;
export const MVFR1 = 0x1100_0011;
/** ID_PFR0 … ID_ISAR4 of the Cortex-M4 (TRM 3.2, B4.1), in address order. */
const FEATURE_REGISTERS = [
  0x0000_0030, 0x0000_0200, 0x0010_0000, 0x0000_0000, 0x0010_0030, 0x0000_0000, 0x0100_0000, 0x0000_0000,
  0x0110_1110, 0x0211_1000, 0x2111_2231, 0x0111_1110, 0x0131_0132,
];
const CCR_WRITABLE =
  CCR.NONBASETHRDENA | CCR.USERSETMPEND | CCR.UNALIGN_TRP | CCR.DIV_0_TRP | CCR.BFHFNMIGN | CCR.STKALIGN;
const FPCCR_WRITABLE = 0xc000_017b;
/** SHCSR bit → exception for the active bits (B3.2.13). */
const SHCSR_ACTIVE: readonly (readonly [number, number])[] = [
  [0, EXCEPTION.MemManage],
  [1, EXCEPTION.BusFault],
  [3, EXCEPTION.UsageFault],
  [7, EXCEPTION.SVCall],
  [8, EXCEPTION.DebugMonitor],
  [10, EXCEPTION.PendSV],
  [11, EXCEPTION.SysTick],
];
const SHCSR_PENDED: readonly (readonly [number, number])[] = [
  [12, EXCEPTION.UsageFault],
  [13, EXCEPTION.MemManage],
  [14, EXCEPTION.BusFault],
  [15, EXCEPTION.SVCall],
];
const SHCSR_ENABLE: readonly (readonly [number, number])[] = [
  [16, EXCEPTION.MemManage],
  [17, EXCEPTION.BusFault],
  [18, EXCEPTION.UsageFault],
];

/**
 * The System Control Block (ARMv7-M B3.2) and the FP control registers: CPUID, ICSR, VTOR, AIRCR,
 * SCR, CCR, SHPR1–3, SHCSR, CFSR, HFSR, MMFAR, BFAR, AFSR, CPACR, FPCCR, FPCAR, FPDSCR, MVFR0/1,
 * ACTLR, by address. The state of the system exceptions lives in the Nvic.
 */
export class Scb {
  vtor = 0;
  scr = 0;
  ccr = CCR.STKALIGN;
  cfsr = 0;
  hfsr = 0;
  mmfar = 0;
  bfar = 0;
  afsr = 0;
  cpacr = 0;
  fpccr = FPCCR.ASPEN | FPCCR.LSPEN;
  fpcar = 0;
  fpdscr = 0;
  actlr = 0;

  constructor(private readonly cpu: Cpu) {}

  /** Reset values (B3.2); the debug-owned DFSR is not here. */
  reset(): void {
    this.vtor = 0;
    this.scr = 0;
    this.ccr = CCR.STKALIGN;
    this.cfsr = 0;
    this.hfsr = 0;
    this.mmfar = 0;
    this.bfar = 0;
    this.afsr = 0;
    this.cpacr = 0;
    this.fpccr = FPCCR.ASPEN | FPCCR.LSPEN;
    this.fpcar = 0;
    this.fpdscr = 0;
    this.actlr = 0;
  }

  /** ICSR read (B3.2.4): VECTACTIVE, RETTOBASE, VECTPENDING, ISRPENDING, ISRPREEMPT, the SET bits. */
  private readIcsr(): number {
    const cpu = this.cpu;
    const nvic = cpu.nvic;
    let value = cpu.ipsr;
    if (cpu.ipsr !== 0 && nvic.activeCount === 1) value |= ICSR.RETTOBASE;
    value |= nvic.highestPending() << ICSR.VECTPENDING_SHIFT;
    for (let e = EXCEPTION.IRQ0; e < nvic.exceptionCount; e++) {
      if (nvic.pending[e] === 1) {
        value |= ICSR.ISRPENDING;
        break;
      }
    }
    if (cpu.halted && nvic.takeable(nvic.executionPriority(false)) !== 0) value |= ICSR.ISRPREEMPT;
    if (nvic.pending[EXCEPTION.SysTick] === 1) value |= ICSR.PENDSTSET;
    if (nvic.pending[EXCEPTION.PendSV] === 1) value |= ICSR.PENDSVSET;
    if (nvic.pending[EXCEPTION.NMI] === 1) value |= ICSR.NMIPENDSET;
    return value | 0;
  }

  private writeIcsr(value: number): void {
    const nvic = this.cpu.nvic;
    if ((value & ICSR.NMIPENDSET) !== 0) nvic.setPending(EXCEPTION.NMI);
    if ((value & ICSR.PENDSVSET) !== 0) nvic.setPending(EXCEPTION.PendSV);
    else if ((value & ICSR.PENDSVCLR) !== 0) nvic.clearPending(EXCEPTION.PendSV);
    if ((value & ICSR.PENDSTSET) !== 0) nvic.setPending(EXCEPTION.SysTick);
    else if ((value & ICSR.PENDSTCLR) !== 0) nvic.clearPending(EXCEPTION.SysTick);
  }

  /**
   * AIRCR write (B3.2.6): ignored without VECTKEY 0x05FA. SYSRESETREQ asks the SoC for a system reset
   * and VECTRESET resets the core locally, both at the next instruction boundary; VECTCLRACTIVE
   * clears every active state (a debugger's tool).
   */
  private writeAircr(value: number): void {
    if (value >>> 16 !== AIRCR.VECTKEY >>> 16) return;
    const cpu = this.cpu;
    cpu.nvic.prigroup = (value & AIRCR.PRIGROUP_MASK) >>> AIRCR.PRIGROUP_SHIFT;
    if ((value & AIRCR.VECTCLRACTIVE) !== 0) {
      for (let e = 1; e < cpu.nvic.exceptionCount; e++) cpu.nvic.setActive(e, false);
      cpu.ipsr = 0;
      cpu.syncStackSelection();
    }
    if ((value & AIRCR.SYSRESETREQ) !== 0) cpu.resetRequest = 'system';
    else if ((value & AIRCR.VECTRESET) !== 0) cpu.resetRequest = 'local';
    if (cpu.resetRequest !== undefined) cpu.attention |= ATTN.RESET;
    cpu.attention |= ATTN.EXCEPTIONS;
  }

  private readShcsr(): number {
    const nvic = this.cpu.nvic;
    let value = 0;
    for (const [bit, e] of SHCSR_ACTIVE) value |= nvic.active[e]! << bit;
    for (const [bit, e] of SHCSR_PENDED) value |= nvic.pending[e]! << bit;
    for (const [bit, e] of SHCSR_ENABLE) value |= nvic.enabled[e]! << bit;
    return value;
  }

  private writeShcsr(value: number): void {
    const nvic = this.cpu.nvic;
    for (const [bit, e] of SHCSR_ACTIVE) nvic.setActive(e, ((value >>> bit) & 1) === 1);
    for (const [bit, e] of SHCSR_PENDED) {
      if (((value >>> bit) & 1) === 1) nvic.setPending(e);
      else nvic.clearPending(e);
    }
    for (const [bit, e] of SHCSR_ENABLE) nvic.enabled[e] = (value >>> bit) & 1;
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** SHPR1–3: one priority byte per system exception 4–15; reserved slots RAZ/WI. */
  private readShpr(address: number): number {
    const nvic = this.cpu.nvic;
    const first = 4 + (address - SCB_REG.SHPR1);
    let value = 0;
    for (let i = 0; i < 4; i++) value |= nvic.priority[first + i]! << (8 * i);
    return value;
  }

  private writeShpr(address: number, value: number, mask: number): void {
    const nvic = this.cpu.nvic;
    const first = 4 + (address - SCB_REG.SHPR1);
    for (let i = 0; i < 4; i++) {
      const e = first + i;
      const configurable = e <= 6 || e === 11 || e === 12 || e === 14 || e === 15;
      if (configurable && ((mask >>> (8 * i)) & 0xff) !== 0) {
        nvic.priority[e] = (value >>> (8 * i)) & PRIORITY_MASK;
      }
    }
    this.cpu.attention |= ATTN.EXCEPTIONS;
  }

  /** Returns undefined for an address the SCB does not decode. */
  read(address: number): number | undefined {
    const cpu = this.cpu;
    switch (address) {
      case SCB_REG.ACTLR:
        return this.actlr;
      case SCB_REG.CPUID:
        return CPUID | 0;
      case SCB_REG.ICSR:
        return this.readIcsr();
      case SCB_REG.VTOR:
        return this.vtor;
      case SCB_REG.AIRCR:
        return AIRCR.VECTKEYSTAT | (cpu.nvic.prigroup << AIRCR.PRIGROUP_SHIFT) | 0;
      case SCB_REG.SCR:
        return this.scr;
      case SCB_REG.CCR:
        return this.ccr;
      case SCB_REG.SHPR1:
      case SCB_REG.SHPR2:
      case SCB_REG.SHPR3:
        return this.readShpr(address);
      case SCB_REG.SHCSR:
        return this.readShcsr();
      case SCB_REG.CFSR:
        return this.cfsr;
      case SCB_REG.HFSR:
        return this.hfsr;
      case DEBUG_REG.DFSR:
        return cpu.debug.dfsr;
      case SCB_REG.MMFAR:
        return this.mmfar;
      case SCB_REG.BFAR:
        return this.bfar;
      case SCB_REG.AFSR:
        return this.afsr;
      case SCB_REG.CPACR:
        return this.cpacr;
      case SCB_REG.FPCCR:
        return this.fpccr;
      case SCB_REG.FPCAR:
        return this.fpcar;
      case SCB_REG.FPDSCR:
        return this.fpdscr;
      case SCB_REG.MVFR0:
        return MVFR0;
      case SCB_REG.MVFR1:
        return MVFR1;
      default:
        if (address >= SCB_REG.ID_PFR0 && address < SCB_REG.ID_PFR0 + 4 * FEATURE_REGISTERS.length) {
          return FEATURE_REGISTERS[(address - SCB_REG.ID_PFR0) >>> 2]!;
        }
        return undefined;
    }
  }

  /** `mask` selects the bytes written; addresses the SCB does not decode ignore the write. */
  write(address: number, value: number, mask: number): void {
    const merge = (old: number, writable: number): number =>
      (old & ~(mask & writable)) | (value & mask & writable);
    switch (address) {
      case SCB_REG.ACTLR:
        this.actlr = merge(this.actlr, 0x307);
        return;
      case SCB_REG.ICSR:
        this.writeIcsr(value & mask);
        return;
      case SCB_REG.VTOR:
        this.vtor = merge(this.vtor, 0x3fff_ff80);
        return;
      case SCB_REG.AIRCR:
        if (mask === -1) this.writeAircr(value);
        return;
      case SCB_REG.SCR:
        this.scr = merge(this.scr, 0x16);
        return;
      case SCB_REG.CCR:
        this.ccr = merge(this.ccr, CCR_WRITABLE);
        return;
      case SCB_REG.SHPR1:
      case SCB_REG.SHPR2:
      case SCB_REG.SHPR3:
        this.writeShpr(address, value, mask);
        return;
      case SCB_REG.SHCSR:
        this.writeShcsr(merge(this.readShcsr(), 0x7fd8b));
        return;
      case SCB_REG.CFSR: // write-one-to-clear (B3.2.15)
        this.cfsr &= ~(value & mask);
        return;
      case SCB_REG.HFSR:
        this.hfsr &= ~(value & mask);
        return;
      case DEBUG_REG.DFSR:
        this.cpu.debug.dfsr &= ~(value & mask);
        return;
      case SCB_REG.MMFAR:
        this.mmfar = merge(this.mmfar, -1);
        return;
      case SCB_REG.BFAR:
        this.bfar = merge(this.bfar, -1);
        return;
      case SCB_REG.AFSR:
        this.afsr &= ~(value & mask);
        return;
      case SCB_REG.CPACR:
        this.cpacr = merge(this.cpacr, 0x00f0_0000);
        return;
      case SCB_REG.FPCCR:
        this.fpccr = merge(this.fpccr, FPCCR_WRITABLE);
        return;
      case SCB_REG.FPCAR:
        this.fpcar = merge(this.fpcar, FPCAR.ADDRESS_MASK);
        return;
      case SCB_REG.FPDSCR:
        this.fpdscr = merge(this.fpdscr, 0x07c0_0000);
        return;
      default:
    }
  }
}
