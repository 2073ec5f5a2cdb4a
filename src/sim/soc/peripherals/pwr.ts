import type { AccessSize, ClockEnable, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';

/** PWR_CR (RM0090 §5.4.1, STM32F405/407 layout: one VOS bit). */
export const PWR_CR = {
  LPDS: 1 << 0,
  PDDS: 1 << 1,
  CWUF: 1 << 2,
  CSBF: 1 << 3,
  PVDE: 1 << 4,
  PLS_MASK: 0x7 << 5,
  DBP: 1 << 8,
  FPDS: 1 << 9,
  VOS: 1 << 14,
  RESET: 0x0000_4000,
  WRITABLE: 0x0000_43f3,
} as const;

/** PWR_CSR (RM0090 §5.4.2). */
export const PWR_CSR = {
  WUF: 1 << 0,
  SBF: 1 << 1,
  PVDO: 1 << 2,
  BRR: 1 << 3,
  EWUP: 1 << 8,
  BRE: 1 << 9,
  VOSRDY: 1 << 14,
} as const;

/**
 * The power controller's registers and rules (RM0090 §5); the SoC owns what the modes do to time
 * and the core. Byte, half-word and word accesses.
 *
 * Not modelled: the PVD comparator — VDD is 3.0 V on the Discovery (UM1472), above every PLS
 * threshold (DS8626 table 19, ≤ 2.9 V), so PVDO stays 0 and EXTI line 16 never fires. VOS has no
 * effect on the clocks we allow; VOSRDY reads 1 (the regulator is ready whenever the core runs).
 * BRR follows BRE at once (no figure for the backup regulator's start-up is given).
 */
export class Pwr implements Peripheral {
  readonly name = 'PWR';
  readonly base = 0x4000_7000;
  readonly size = 0x400;
  readonly clockEnable: ClockEnable = { register: 'APB1ENR', bit: 28 };

  private cr: number = PWR_CR.RESET;
  private csr = 0;
  /** PWR_CSR as it was before the last power reset: what the end of Standby must give back. */
  private csrBeforePowerReset = 0;

  constructor(_ctx: SocContext) {
    this.reset('power-on');
  }

  /** What SLEEPDEEP + WFI/WFE enters: PDDS (RM0090 §5.3.6–5.3.7). */
  get deepSleepMode(): 'stop' | 'standby' {
    return (this.cr & PWR_CR.PDDS) !== 0 ? 'standby' : 'stop';
  }

  /** LPDS: the regulator in low-power mode during Stop (longer wake-up, RM0090 §5.3.6). */
  get lowPowerRegulator(): boolean {
    return (this.cr & PWR_CR.LPDS) !== 0;
  }

  /** FPDS: flash in power-down during Stop. */
  get flashPowerDown(): boolean {
    return (this.cr & PWR_CR.FPDS) !== 0;
  }

  /** DBP: RTC, backup registers and RCC_BDCR writable (RM0090 §5.1.2). Wire to the RCC. */
  get backupDomainWritable(): boolean {
    return (this.cr & PWR_CR.DBP) !== 0;
  }

  /**
   * The end of Standby. Call after `reset('power-on')` of the wake-up: PWR_CSR is not reset by
   * a wake-up from Standby, so its bits come back, and SBF says where the chip has been (§5.4.2).
   */
  standbyExited(): void {
    this.csr = (this.csrBeforePowerReset & (PWR_CSR.WUF | PWR_CSR.EWUP | PWR_CSR.BRE)) | PWR_CSR.SBF;
    this.update();
  }

  /**
   * A rising edge on PA0/WKUP. With EWUP set it is a wake-up event (WUF); the SoC ends Standby when
   * this returns true (RM0090 §5.3.7). Without EWUP the pin is a GPIO and nothing happens.
   */
  wakeupPinEdge(): boolean {
    if ((this.csr & PWR_CSR.EWUP) === 0) return false;
    this.csr |= PWR_CSR.WUF;
    return true;
  }

  /** VBAT (VDD on the Discovery) lost: BRE, in the backup domain, clears. */
  resetBackupDomain(): void {
    this.csr &= ~PWR_CSR.BRE;
    this.csrBeforePowerReset &= ~PWR_CSR.BRE;
    this.update();
  }

  read(offset: number, size: AccessSize): number {
    const reg = offset & ~3;
    const word = reg === 0 ? this.cr : reg === 4 ? this.csr : 0;
    return readLane(word, offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    if (reg === 0) {
      const v = mergeWrite(this.cr, offset, size, value);
      // CWUF and CSBF are commands and read 0 (WUF clears two clock cycles later: at once here).
      if ((v & PWR_CR.CWUF) !== 0) this.csr &= ~PWR_CSR.WUF;
      if ((v & PWR_CR.CSBF) !== 0) this.csr &= ~PWR_CSR.SBF;
      this.cr = v & PWR_CR.WRITABLE & ~(PWR_CR.CWUF | PWR_CR.CSBF);
    } else if (reg === 4) {
      const v = mergeWrite(this.csr, offset, size, value);
      const rw = PWR_CSR.EWUP | PWR_CSR.BRE;
      this.csr = (this.csr & ~rw) | (v & rw);
      this.update();
    }
  }

  /**
   * System reset: PWR_CR, WUF and EWUP reset; SBF survives (cleared only by POR/PDR or CSBF) and
   * so does BRE (backup domain). Power reset: everything but BRE (RM0090 §5.4.1–5.4.2).
   */
  reset(kind: SocResetKind): void {
    this.cr = PWR_CR.RESET;
    if (kind === 'power-on') {
      this.csrBeforePowerReset = this.csr;
      this.csr &= PWR_CSR.BRE;
    } else {
      this.csr &= PWR_CSR.SBF | PWR_CSR.BRE;
    }
    this.update();
  }

  private update(): void {
    this.csr = (this.csr & ~PWR_CSR.BRR) | ((this.csr & PWR_CSR.BRE) !== 0 ? PWR_CSR.BRR : 0);
    this.csr |= PWR_CSR.VOSRDY;
  }
}
