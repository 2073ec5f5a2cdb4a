import { BusError } from '../cpu/bus.js';
import { FlashInterface } from './flash/flash-interface.js';
import { FlashStorage } from './flash/flash-storage.js';
import type { Peripheral, SocResetKind } from './peripheral.js';
import { Dbgmcu } from './peripherals/dbgmcu.js';
import { Exti } from './peripherals/exti.js';
import { Gpio } from './peripherals/gpio.js';
import { Iwdg } from './peripherals/iwdg.js';
import { Pwr } from './peripherals/pwr.js';
import { Rcc } from './peripherals/rcc.js';
import { Syscfg } from './peripherals/syscfg.js';
import { Usart } from './peripherals/usart.js';
import { Wwdg } from './peripherals/wwdg.js';
import type { SocContext } from './soc-context.js';

export interface SocDevicesOptions {
  readonly hseHz: number;
  readonly storage: FlashStorage | undefined;
  /** SYSCFG_MEMRMP.MEM_MODE at reset, from the BOOT pins. */
  readonly bootMode: () => number;
  /** Flash contents changed (programming, erase): decoded code there is stale. */
  readonly codeChanged: (address: number, length: number) => void;
  /** RM0090 §3.7.3's condition for level-1 protection: a debugger attached, or a boot from RAM/system memory. */
  readonly debugIntrusion: () => boolean;
}

/** WWDGEN (RM0090 §7.3.13): the WWDG counts only while its APB1 clock runs. */
const WWDG_CLOCK = { register: 'APB1ENR', bit: 11 } as const;

export type GpioPort = 'A' | 'B' | 'C' | 'D' | 'E';
const PORTS: readonly GpioPort[] = ['A', 'B', 'C', 'D', 'E'];

/** USART2 (RM0090 table 1, §7.3.13 bit 17, table 61 position 38): the Discovery's console on PA2. */
const USART2 = {
  name: 'USART2',
  base: 0x4000_4400,
  clockEnable: { register: 'APB1ENR', bit: 17 },
  irq: 38,
} as const;

/**
 * The STM32F407's modelled peripherals and the wires between them: GPIO inputs to EXTI through
 * SYSCFG_EXTICR, PA0 to the WKUP logic, option bytes to the IWDG, debug halts to the watchdogs.
 */
export class SocDevices {
  readonly rcc: Rcc;
  readonly pwr: Pwr;
  readonly flash: FlashInterface;
  readonly gpio: Readonly<Record<GpioPort, Gpio>>;
  readonly syscfg: Syscfg;
  readonly exti: Exti;
  readonly iwdg: Iwdg;
  readonly wwdg: Wwdg;
  readonly usart2: Usart;
  readonly dbgmcu: Dbgmcu;
  /** Everything above that sits in the peripheral region, for the bus's page table. */
  readonly memoryMapped: readonly Peripheral[];

  constructor(ctx: SocContext & { remap(): void; wakeupPinRose(): void }, options: SocDevicesOptions) {
    // The RCC's BDCR is writable only while PWR_CR.DBP is set; the PWR exists by the time it asks.
    this.rcc = new Rcc(ctx, {
      hseHz: options.hseHz,
      backupDomainWritable: () => this.pwr.backupDomainWritable,
    });
    this.pwr = new Pwr(ctx);
    this.flash = new FlashInterface(ctx, options.storage ?? new FlashStorage(), {
      codeChanged: options.codeChanged,
      // A wrong key is answered with a bus error (RM0090 §3.6.1): the core takes a BusFault, an
      // AHB-AP a sticky error.
      busError: (address, access) => {
        throw new BusError(address, access);
      },
      debugIntrusion: options.debugIntrusion,
    });
    const gpio = {} as Record<GpioPort, Gpio>;
    for (const port of PORTS) gpio[port] = new Gpio(port, ctx);
    this.gpio = gpio;
    this.syscfg = new Syscfg(ctx, { bootMode: options.bootMode });
    this.syscfg.onMemoryRemap = () => {
      ctx.remap();
    };
    this.exti = new Exti(ctx);
    this.iwdg = new Iwdg(ctx, { hardwareWatchdog: () => this.flash.hardwareWatchdog });
    // Starting the IWDG forces the LSI on (RM0090 §19.3.2), which RCC_CSR.LSIRDY then shows.
    this.iwdg.onStart = () => {
      this.rcc.forceLsiOn();
    };
    this.wwdg = new Wwdg(ctx, { clockEnabled: () => this.rcc.isEnabled(WWDG_CLOCK) });
    this.rcc.onClockEnableChange = () => {
      this.wwdg.clockGateChanged();
    };
    this.usart2 = new Usart(ctx, USART2);
    this.dbgmcu = new Dbgmcu(ctx);

    PORTS.forEach((port, index) => {
      gpio[port].onInputChange = (pin, level) => {
        // EXTI line n takes pin n of the port SYSCFG_EXTICR selects (RM0090 §12.2.5).
        if (this.syscfg.exticrPort(pin) === index) this.exti.inputChanged(pin, level);
        if (port === 'A' && pin === 0 && level) ctx.wakeupPinRose();
      };
    });

    this.memoryMapped = [
      this.rcc,
      this.pwr,
      this.flash.registers,
      ...PORTS.map((port) => gpio[port]),
      this.syscfg,
      this.exti,
      this.iwdg,
      this.wwdg,
      this.usart2,
    ];
  }

  /** Resets every modelled device; each decides what a `kind` reset means to it (DBGMCU: power-on only). */
  reset(kind: SocResetKind): void {
    for (const peripheral of this.memoryMapped) {
      if (peripheral !== this.flash.registers) peripheral.reset(kind);
    }
    this.flash.reset(kind);
    this.dbgmcu.reset(kind);
  }

  /** The clock tree changed: the counters that run from PCLK1 or the LSI re-time their events. */
  frequencyChanged(): void {
    this.iwdg.frequencyChanged();
    this.wwdg.frequencyChanged();
  }

  /** Entering and leaving Stop: the RCC stops the PLL and HSE, and wakes on the HSI (RM0090 §5.3.6). */
  stopEntered(): void {
    this.rcc.stopEntered();
  }

  stopExited(): void {
    this.rcc.stopExited();
  }

  /** Power really removed (not Standby): the backup domain (RCC_BDCR, PWR_CSR.BRE) is lost too. */
  powerLost(): void {
    this.rcc.resetBackupDomain();
    this.pwr.resetBackupDomain();
  }

  /** The core halted or resumed, or DBGMCU changed: the watchdogs re-evaluate their freeze. */
  debugHaltChanged(): void {
    this.iwdg.debugHaltChanged();
    this.wwdg.debugHaltChanged();
  }
}
