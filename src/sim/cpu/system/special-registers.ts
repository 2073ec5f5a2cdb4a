import type { Cpu } from '../cpu.js';
import { ATTN } from './attention.js';
import { CONTROL } from '../../../arch/armv7m/special-registers.js';

/** xPSR (B1.4.2): APSR N Z C V Q [31:27], IT[1:0] [26:25], T [24], GE [19:16], IT[7:2] [15:10], IPSR [8:0]. */
export function readXpsr(cpu: Cpu): number {
  const it = cpu.itState;
  return (
    ((cpu.n << 31) |
      (cpu.z << 30) |
      (cpu.c << 29) |
      (cpu.v << 28) |
      (cpu.q << 27) |
      ((it & 3) << 25) |
      (cpu.thumb << 24) |
      (cpu.ge << 16) |
      ((it >>> 2) << 10) |
      cpu.ipsr) >>>
    0
  );
}

/**
 * Writes all of xPSR, as a debugger may (C1.6.4 DCRSR selector 0b10000): APSR, EPSR (T, IT) and IPSR,
 * which moves the core between Thread and Handler mode (and so between stacks).
 */
export function writeXpsr(cpu: Cpu, value: number): void {
  cpu.n = (value >>> 31) & 1;
  cpu.z = (value >>> 30) & 1;
  cpu.c = (value >>> 29) & 1;
  cpu.v = (value >>> 28) & 1;
  cpu.q = (value >>> 27) & 1;
  cpu.ge = (value >>> 16) & 0xf;
  cpu.itState = ((value >>> 25) & 3) | (((value >>> 10) & 0x3f) << 2);
  cpu.thumb = (value >>> 24) & 1;
  if (cpu.thumb === 0) cpu.attention |= ATTN.STATE;
  cpu.ipsr = value & 0x1ff;
  cpu.syncStackSelection();
  cpu.attention |= ATTN.EXCEPTIONS;
}

/** MRS (ARMv7-M B5.2.2): SYSm selects the register; unprivileged code reads zeros for the masks and SPs. */
export function readSpecial(cpu: Cpu, sysm: number): number {
  const privileged = cpu.isPrivileged();
  switch (sysm >>> 3) {
    case 0b00000: {
      // APSR/IAPSR/EAPSR/XPSR/IPSR/EPSR/IEPSR: EPSR always reads as zero.
      let value = 0;
      if ((sysm & 1) !== 0) value |= cpu.ipsr;
      if ((sysm & 4) === 0) {
        value |=
          (cpu.n << 31) | (cpu.z << 30) | (cpu.c << 29) | (cpu.v << 28) | (cpu.q << 27) | (cpu.ge << 16);
      }
      return value | 0;
    }
    case 0b00001:
      if (!privileged) return 0;
      if ((sysm & 7) === 0) return cpu.readMsp();
      if ((sysm & 7) === 1) return cpu.readPsp();
      return 0;
    case 0b00010:
      switch (sysm & 7) {
        case 0:
          return privileged ? cpu.primask : 0;
        case 1:
        case 2:
          return privileged ? cpu.basepri : 0;
        case 3:
          return privileged ? cpu.faultmask : 0;
        case 4:
          return cpu.control;
        default:
          return 0;
      }
    default:
      return 0;
  }
}

/**
 * MSR (ARMv7-M B5.2.3). `mask` is the instruction's mask field: bit 1 writes APSR.NZCVQ, bit 0 GE.
 * Unprivileged writes to anything but the APSR are ignored. BASEPRI_MAX only raises the priority;
 * FAULTMASK cannot be set at priority -1 or higher; CONTROL.SPSEL is ignored in Handler mode.
 */
export function writeSpecial(cpu: Cpu, sysm: number, mask: number, value: number): void {
  const privileged = cpu.isPrivileged();
  switch (sysm >>> 3) {
    case 0b00000:
      if ((sysm & 4) === 0) {
        if ((mask & 1) !== 0) cpu.ge = (value >>> 16) & 0xf;
        if ((mask & 2) !== 0) {
          cpu.n = (value >>> 31) & 1;
          cpu.z = (value >>> 30) & 1;
          cpu.c = (value >>> 29) & 1;
          cpu.v = (value >>> 28) & 1;
          cpu.q = (value >>> 27) & 1;
        }
      }
      return;
    case 0b00001:
      if (!privileged) return;
      if ((sysm & 7) === 0) cpu.writeMsp(value);
      else if ((sysm & 7) === 1) cpu.writePsp(value);
      return;
    case 0b00010:
      if (!privileged) return;
      switch (sysm & 7) {
        case 0:
          cpu.primask = value & 1;
          break;
        case 1:
          cpu.basepri = value & 0xf0;
          break;
        case 2: {
          const v = value & 0xf0;
          if (v !== 0 && (v < cpu.basepri || cpu.basepri === 0)) cpu.basepri = v;
          break;
        }
        case 3:
          if (cpu.nvic.executionPriority(false) > -1 || (value & 1) === 0) cpu.faultmask = value & 1;
          break;
        case 4: {
          let control =
            (cpu.control & ~(CONTROL.nPRIV | CONTROL.FPCA)) | (value & (CONTROL.nPRIV | CONTROL.FPCA));
          if (cpu.ipsr === 0) control = (control & ~CONTROL.SPSEL) | (value & CONTROL.SPSEL);
          cpu.control = control;
          cpu.syncStackSelection();
          break;
        }
        default:
          return;
      }
      // Lowering a mask may let a pending exception in.
      cpu.attention |= ATTN.EXCEPTIONS;
      return;
    default:
      return;
  }
}

/**
 * CPS (B5.2.1 CPSIE/CPSID): privileged only. Setting FAULTMASK is ignored at priority -1 or higher
 * (in HardFault or NMI); clearing is always allowed.
 */
export function changeProcessorState(
  cpu: Cpu,
  disable: boolean,
  affectPrimask: boolean,
  affectFaultmask: boolean,
): void {
  if (!cpu.isPrivileged()) return;
  if (disable) {
    if (affectPrimask) cpu.primask = 1;
    if (affectFaultmask && cpu.nvic.executionPriority(false) > -1) cpu.faultmask = 1;
  } else {
    if (affectPrimask) cpu.primask = 0;
    if (affectFaultmask) cpu.faultmask = 0;
  }
  cpu.attention |= ATTN.EXCEPTIONS;
}
