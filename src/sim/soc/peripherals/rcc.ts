import type { AccessSize, ClockEnable, IrqLine, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { ClockFrequencies, ResetSource, SocContext } from '../soc-context.js';
import { Oscillator } from './oscillator.js';
import { BusClocks } from './rcc-bus-clocks.js';
import {
  BDCR,
  CFGR,
  CIR,
  CR,
  CSR,
  PLLCFGR,
  PLLI2SCFGR,
  RCC_BASE,
  RCC_REG,
  SSCGR_WRITABLE,
  SYSCLK_SOURCE,
} from '../../../target/stm32f4/rcc-registers.js';
import {
  LSI_HZ,
  STARTUP_NS,
  ahbDivider,
  apb1Divider,
  apb2Divider,
  pllLockNs,
  pllVcoHz,
  plli2sVcoHz,
  sysclkHz,
} from './rcc-clock-tree.js';

export interface RccOptions {
  /** The HSE clock the board provides (Discovery: 8 MHz); 0 = none, HSERDY never sets. */
  readonly hseHz: number;
  /** The LSE crystal; 0 (the default) = not fitted, LSERDY never sets. */
  readonly lseHz?: number;
  /**
   * PWR_CR.DBP: RCC_BDCR is write-protected after reset until it is set (RM0090 §5.1.2). Wire it
   * to `Pwr.backupDomainWritable`; by default the backup domain stays protected.
   */
  readonly backupDomainWritable?: () => boolean;
}

/** The RCC global interrupt (RM0090 table 61). */
export const RCC_IRQ = 5;
/** HSICAL, calibrated in the factory (RM0090 §7.3.1); any value, this is the one our part has. */
const HSICAL = 0x6a;
const CR_RESET = CR.HSION | CR.HSIRDY | (16 << CR.HSITRIM_SHIFT) | (HSICAL << CR.HSICAL_SHIFT);
const CR_WRITABLE = CR.HSION | CR.HSITRIM_MASK | CR.HSEON | CR.HSEBYP | CR.CSSON | CR.PLLON | CR.PLLI2SON;

interface MutableFrequencies {
  sysclk: number;
  hclk: number;
  pclk1: number;
  pclk2: number;
  lsi: number;
}

/**
 * Reset and clock control (RM0090 §6, §7): oscillators with their start-up and lock times in
 * virtual time, the SYSCLK switch, the bus prescalers, the peripheral clock enables and resets,
 * and the reset flags. Always clocked; byte, half-word and word accesses (RM0090 §7.3).
 */
export class Rcc implements Peripheral {
  readonly name = 'RCC';
  readonly base = RCC_BASE;
  readonly size = 0x400;
  readonly clockEnable = undefined;
  /** Called after any of `frequencies` changed (feed the core clock, SysTick, timers). */
  onFrequencyChange: (() => void) | undefined = undefined;
  /** Called when a xxxRSTR bit is set: the peripheral behind that enable bit is to be reset. */
  onPeripheralReset: ((enable: ClockEnable) => void) | undefined = undefined;
  /** Called after a write changed an xxxENR register (peripherals that count need their clock). */
  onClockEnableChange: ((register: ClockEnable['register']) => void) | undefined = undefined;

  private readonly hseHz: number;
  private readonly lseHz: number;
  private readonly backupDomainWritable: () => boolean;
  private readonly irqLine: IrqLine;
  private irqLevel = false;

  private cr = 0;
  private pllcfgr = 0;
  private cfgr = 0;
  private sws = 0;
  private cir = 0;
  private readonly buses = new BusClocks();
  private bdcr = 0;
  private csr = 0;
  private sscgr = 0;
  private plli2scfgr = 0;
  private lsiForced = false;

  private readonly hsi: Oscillator;
  private readonly hse: Oscillator;
  private readonly pll: Oscillator;
  private readonly plli2s: Oscillator;
  private readonly lsi: Oscillator;
  private readonly lse: Oscillator;
  private readonly freq: MutableFrequencies = { sysclk: 0, hclk: 0, pclk1: 0, pclk2: 0, lsi: 0 };

  constructor(ctx: SocContext, options: RccOptions) {
    this.hseHz = options.hseHz;
    this.lseHz = options.lseHz ?? 0;
    this.backupDomainWritable = options.backupDomainWritable ?? (() => false);
    this.irqLine = ctx.irq(RCC_IRQ);
    const ready = (flag: number) => () => {
      if ((this.cir & (flag << CIR.IE_SHIFT)) !== 0) this.cir |= flag;
      this.update();
    };
    this.hsi = new Oscillator(ctx.clock, ready(CIR.HSIRDYF));
    this.hse = new Oscillator(ctx.clock, ready(CIR.HSERDYF));
    this.pll = new Oscillator(ctx.clock, ready(CIR.PLLRDYF));
    this.plli2s = new Oscillator(ctx.clock, ready(CIR.PLLI2SRDYF));
    this.lsi = new Oscillator(ctx.clock, ready(CIR.LSIRDYF));
    this.lse = new Oscillator(ctx.clock, ready(CIR.LSERDYF));
    this.reset('power-on');
  }

  /** SYSCLK, HCLK, PCLK1, PCLK2 and the LSI (0 while it is not running), in Hz. Same object always. */
  get frequencies(): ClockFrequencies {
    return this.freq;
  }

  isEnabled(enable: ClockEnable): boolean {
    return this.buses.isEnabled(enable);
  }

  /**
   * Sets the RCC_CSR reset flags for a reset (RM0090 §6.1, §7.3.21). Every internal reset source
   * drives NRST low through the pulse generator (§6.1.2, figure 11), so PINRSTF is set with it; a
   * power-on reset sets PORRSTF, BORRSTF (set on POR/PDR or BOR) and PINRSTF. Call after `reset`.
   */
  recordReset(source: ResetSource): void {
    const flag = {
      'power-on': CSR.PORRSTF | CSR.BORRSTF,
      pin: 0,
      software: CSR.SFTRSTF,
      iwdg: CSR.IWDGRSTF,
      wwdg: CSR.WWDGRSTF,
      'low-power': CSR.LPWRRSTF,
    }[source];
    this.csr |= flag | CSR.PINRSTF;
  }

  /** The IWDG forces the LSI on while it runs (RM0090 §19.3.1); a reset releases it. */
  forceLsiOn(): void {
    this.lsiForced = true;
    this.update();
  }

  /**
   * Entering Stop: the PLLs, HSI and HSE are switched off (RM0090 §5.3.6). On exit the HSI is
   * the system clock (`stopExited`).
   */
  stopEntered(): void {
    this.cr &= ~(CR.HSEON | CR.PLLON | CR.PLLI2SON);
    this.hse.stop();
    this.pll.stop();
    this.plli2s.stop();
    this.hsi.stop();
    this.update();
  }

  /** Leaving Stop: HSI on and selected as SYSCLK (RM0090 §5.3.6, §7.3.1 HSION). */
  stopExited(): void {
    this.cr |= CR.HSION;
    this.hsi.forceReady();
    this.cfgr &= ~CFGR.SW_MASK;
    this.sws = SYSCLK_SOURCE.HSI;
    this.update();
  }

  /**
   * The backup domain loses power (on the Discovery VBAT is tied to VDD, so: power removed).
   * Neither a system reset nor the end of Standby touches RCC_BDCR (RM0090 §5.1.2, §7.3.20).
   */
  resetBackupDomain(): void {
    this.bdcr = 0;
    this.lse.stop();
    this.update();
  }

  read(offset: number, size: AccessSize): number {
    return readLane(this.readRegister(offset & ~3), offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    this.writeRegister(reg, mergeWrite(this.readRegister(reg), offset, size, value));
    this.update();
  }

  reset(kind: SocResetKind): void {
    for (const osc of [this.hse, this.pll, this.plli2s, this.lsi]) osc.stop();
    this.hsi.forceReady();
    this.lsiForced = false;
    this.cr = CR_RESET & ~CR.HSIRDY;
    this.pllcfgr = PLLCFGR.RESET;
    this.cfgr = 0;
    this.sws = SYSCLK_SOURCE.HSI;
    this.cir = 0;
    this.buses.reset();
    this.sscgr = 0;
    this.plli2scfgr = PLLI2SCFGR.RESET;
    // The reset flags survive a system reset; only a power reset clears them (RM0090 §7.3.21).
    this.csr = kind === 'power-on' ? 0 : this.csr & CSR.FLAGS;
    this.update();
  }

  private readRegister(reg: number): number {
    switch (reg) {
      case RCC_REG.CR:
        return this.cr | this.readyBits();
      case RCC_REG.PLLCFGR:
        return this.pllcfgr | PLLCFGR.RESERVED_ONE;
      case RCC_REG.CFGR:
        return this.cfgr | (this.sws << CFGR.SWS_SHIFT);
      case RCC_REG.CIR:
        return this.cir;
      case RCC_REG.BDCR:
        return this.bdcr | (this.lse.ready ? BDCR.LSERDY : 0);
      case RCC_REG.CSR:
        return this.csr | (this.lsi.ready ? CSR.LSIRDY : 0);
      case RCC_REG.SSCGR:
        return this.sscgr;
      case RCC_REG.PLLI2SCFGR:
        return this.plli2scfgr;
    }
    return this.buses.read(reg);
  }

  private writeRegister(reg: number, value: number): void {
    switch (reg) {
      case RCC_REG.CR: {
        this.writeCr(value);
        return;
      }
      case RCC_REG.PLLCFGR:
        // RM0090 asks for PLLOFF while these change; what silicon does otherwise is unspecified.
        this.pllcfgr = value & PLLCFGR.WRITABLE;
        return;
      case RCC_REG.CFGR:
        this.cfgr = value & CFGR.WRITABLE;
        return;
      case RCC_REG.CIR: {
        this.cir = (this.cir & ~CIR.IE_MASK) | (value & CIR.IE_MASK);
        const clear = ((value >>> CIR.CLEAR_SHIFT) & 0x3f) | ((value & CIR.CSSC) !== 0 ? CIR.CSSF : 0);
        this.cir &= ~clear;
        return;
      }
      case RCC_REG.BDCR: {
        this.writeBdcr(value);
        return;
      }
      case RCC_REG.CSR:
        this.csr = (this.csr & ~CSR.LSION) | (value & CSR.LSION);
        if ((value & CSR.RMVF) !== 0) this.csr &= ~CSR.FLAGS;
        return;
      case RCC_REG.SSCGR:
        this.sscgr = value & SSCGR_WRITABLE;
        return;
      case RCC_REG.PLLI2SCFGR:
        this.plli2scfgr = value & PLLI2SCFGR.WRITABLE;
        return;
    }
    this.buses.write(reg, value, this.onPeripheralReset, this.onClockEnableChange);
  }

  private writeCr(value: number): void {
    const pllSrcHse = (this.pllcfgr & PLLCFGR.PLLSRC) !== 0;
    const onPll = this.sws === SYSCLK_SOURCE.PLL;
    let next = (this.cr & ~CR_WRITABLE) | (value & CR_WRITABLE);
    // An oscillator clocking SYSCLK, directly or through the PLL, cannot be switched off (§7.3.1).
    if (this.sws === SYSCLK_SOURCE.HSI || (onPll && !pllSrcHse)) next |= CR.HSION;
    if (this.sws === SYSCLK_SOURCE.HSE || (onPll && pllSrcHse)) next |= CR.HSEON;
    if (onPll) next |= CR.PLLON;
    // HSEBYP can be written only while the HSE is off.
    if ((this.cr & CR.HSEON) !== 0 || this.hse.ready) next = (next & ~CR.HSEBYP) | (this.cr & CR.HSEBYP);
    this.cr = next;
  }

  private writeBdcr(value: number): void {
    if (!this.backupDomainWritable()) return;
    if ((value & BDCR.BDRST) !== 0) {
      this.bdcr = BDCR.BDRST;
      return;
    }
    let next = value & BDCR.WRITABLE;
    // Once selected, the RTC clock source changes only through a backup domain reset (§7.3.20).
    if ((this.bdcr & BDCR.RTCSEL_MASK) !== 0)
      next = (next & ~BDCR.RTCSEL_MASK) | (this.bdcr & BDCR.RTCSEL_MASK);
    if ((this.bdcr & BDCR.LSEON) !== 0 || this.lse.ready)
      next = (next & ~BDCR.LSEBYP) | (this.bdcr & BDCR.LSEBYP);
    this.bdcr = next;
  }

  private readyBits(): number {
    return (
      (this.hsi.ready ? CR.HSIRDY : 0) |
      (this.hse.ready ? CR.HSERDY : 0) |
      (this.pll.ready ? CR.PLLRDY : 0) |
      (this.plli2s.ready ? CR.PLLI2SRDY : 0)
    );
  }

  /** Brings oscillators, the SYSCLK switch, frequencies and the interrupt in line with the registers. */
  private update(): void {
    const cr = this.cr;
    this.hsi.request((cr & CR.HSION) !== 0, STARTUP_NS.HSI);
    const bypass = (cr & CR.HSEBYP) !== 0;
    this.hse.request(
      (cr & CR.HSEON) !== 0 && this.hseHz > 0,
      bypass ? STARTUP_NS.HSE_BYPASS : STARTUP_NS.HSE_CRYSTAL,
    );
    const source = (this.pllcfgr & PLLCFGR.PLLSRC) !== 0 ? this.hse : this.hsi;
    this.pll.request((cr & CR.PLLON) !== 0 && source.ready, pllLockNs(pllVcoHz(this.pllcfgr, this.hseHz)));
    this.plli2s.request(
      (cr & CR.PLLI2SON) !== 0 && source.ready,
      pllLockNs(plli2sVcoHz(this.pllcfgr, this.plli2scfgr, this.hseHz)),
    );
    this.lsi.request((this.csr & CSR.LSION) !== 0 || this.lsiForced, STARTUP_NS.LSI);
    this.lse.request((this.bdcr & BDCR.LSEON) !== 0 && this.lseHz > 0, STARTUP_NS.LSE);

    // The switch happens once the selected source is ready; until then SWS keeps the old one
    // (RM0090 §7.2.6). SW = 0b11 is "not allowed": nothing switches.
    const sw = this.cfgr & CFGR.SW_MASK;
    const target = [this.hsi, this.hse, this.pll][sw];
    if (sw !== this.sws && target?.ready === true) this.sws = sw;

    this.updateFrequencies();
    const level = (this.cir & (this.cir >>> CIR.IE_SHIFT) & 0x3f) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irqLine(level);
    }
  }

  private updateFrequencies(): void {
    const f = this.freq;
    const sysclk = sysclkHz(this.sws, this.pllcfgr, this.hseHz);
    const hclk = sysclk / ahbDivider(this.cfgr);
    const pclk1 = hclk / apb1Divider(this.cfgr);
    const pclk2 = hclk / apb2Divider(this.cfgr);
    const lsi = this.lsi.ready ? LSI_HZ : 0;
    if (f.sysclk === sysclk && f.hclk === hclk && f.pclk1 === pclk1 && f.pclk2 === pclk2 && f.lsi === lsi)
      return;
    f.sysclk = sysclk;
    f.hclk = hclk;
    f.pclk1 = pclk1;
    f.pclk2 = pclk2;
    f.lsi = lsi;
    this.onFrequencyChange?.();
  }
}
