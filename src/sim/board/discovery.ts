import type { ProbeTargetLink } from '../probe/target-link.js';
import { SwDp } from '../soc/debug-port/sw-dp.js';
import type { SwdWire } from '../soc/debug-port/swd.js';
import { EventClock } from '../soc/event-clock.js';
import type { FlashStorage } from '../soc/flash/flash-storage.js';
import { Stm32f407 } from '../soc/stm32f407.js';
import type { DeviceIdentity } from '../soc/device-info.js';
import { BoardConsole } from './console.js';
import { SocDebugTarget } from './soc-debug-target.js';

/** The board's fixed wiring (UM1472: hardware layout — LEDs, push buttons, power supply, OSC). */
export const DISCOVERY = {
  /** The 8 MHz crystal on the STM32's HSE pins (UM1472, OSC clock). */
  HSE_HZ: 8_000_000,
  /**
   * VDD of the STM32 as the on-board ST-Link measures it: the board's 3 V supply (UM1472, power
   * supply: VDD = 3 V, with JP1 in the line for current measurement). 0 V when off.
   */
  VDD_VOLTS: 3.0,
  /** LD4 green, LD3 orange, LD5 red, LD6 blue on GPIOD, lit while the pin drives high (UM1472, LEDs). */
  LEDS: { green: 12, orange: 13, red: 14, blue: 15 },
  /** B1 USER on PA0 (also WKUP): high while pressed, pulled low otherwise (UM1472, push buttons). */
  USER_BUTTON_PIN: 0,
} as const;

/** How often (virtual ns) a running board checks whether its SW-DP has gone silent. */
const SILENCE_SAMPLE_NS = 1_000_000;

export type LedName = keyof typeof DISCOVERY.LEDS;
const LED_MASK = Object.values(DISCOVERY.LEDS).reduce((mask, pin) => mask | (1 << pin), 0);
export type LedState = Readonly<Record<LedName, boolean>>;

export interface DiscoveryBoardOptions {
  /** Flash, OTP and option bytes to start with (`--state FILE`); a factory-fresh chip otherwise. */
  readonly storage?: FlashStorage;
  readonly identity?: DeviceIdentity;
  /** Start with target power on (default) or off (`--no-power`). */
  readonly powered?: boolean;
  /** An image already in flash when the board first powers up (`--firmware FILE`). */
  readonly preload?: readonly FlashSegment[];
}

/** An image segment to place in flash, as the CLI's image loaders (src/flash/image) produce them. */
export interface FlashSegment {
  readonly address: number;
  readonly data: Uint8Array;
}

/**
 * A virtual STM32F4DISCOVERY (UM1472, board MB997): the STM32F407VG with its 8 MHz crystal, the four
 * user LEDs, the user button, BOOT0 strapped low, and the wires the on-board ST-Link uses — SWD,
 * NRST and the VDD sense — as a `ProbeTargetLink` for the virtual probe (src/sim/probe).
 *
 * One `EventClock` is the board's time; nothing here runs by itself: `runFor` / `runUntil` advance
 * it (a `BoardRunner` does that continuously).
 */
export class DiscoveryBoard implements ProbeTargetLink {
  readonly clock: EventClock;
  readonly soc: Stm32f407;
  /** The STM32's SW-DP, as the ST-Link's SWDIO/SWCLK reach it. */
  readonly swDp: SwDp;
  readonly console = new BoardConsole();
  private readonly ledListeners: ((leds: LedState) => void)[] = [];
  private buttonDown = false;
  private boot0High = false;

  constructor(options: DiscoveryBoardOptions = {}) {
    this.clock = new EventClock();
    this.soc = new Stm32f407({
      hseHz: DISCOVERY.HSE_HZ,
      clock: this.clock,
      ...(options.storage === undefined ? {} : { storage: options.storage }),
      ...(options.identity === undefined ? {} : { identity: options.identity }),
    });
    this.swDp = new SwDp(new SocDebugTarget(this.soc));
    this.soc.onDebugPortSilenced = () => this.swDp.sample();
    this.soc.onConsoleByte((byte) => {
      this.console.receive(byte);
    });
    this.soc.boot0 = false;
    this.driveButton();
    this.soc.devices.gpio.D.onOutputChange = (changed) => {
      if ((changed & LED_MASK) === 0) return;
      const leds = this.leds;
      for (const listener of this.ledListeners) listener(leds);
    };
    if (options.preload !== undefined) this.preload(options.preload);
    if (options.powered ?? true) this.power(true);
  }

  // --- ProbeTargetLink -------------------------------------------------------------------------

  get swd(): SwdWire {
    return this.swDp;
  }

  targetVoltage(): number {
    return this.soc.powered ? DISCOVERY.VDD_VOLTS : 0;
  }

  /** NRST as the on-board ST-Link drives it (open drain: true pulls it low). */
  setNrst(low: boolean): void {
    this.swDp.sample();
    this.soc.setNrst(low);
    this.swDp.sample();
  }

  // --- Board controls --------------------------------------------------------------------------

  get powered(): boolean {
    return this.soc.powered;
  }

  /** Target power (the USB supply through U2, or JP1 pulled): off loses everything volatile. */
  power(on: boolean): void {
    if (on === this.soc.powered) return;
    if (on) {
      // Power-on: the debug logic starts from its reset state too (the SWJ-DP in JTAG mode).
      this.swDp.powerOnReset();
      this.soc.powerOn();
      this.driveButton();
    } else {
      this.soc.powerOff();
    }
    this.swDp.sample();
  }

  get nrstLow(): boolean {
    return this.soc.nrstLow;
  }

  /** BOOT0, pulled low on the Discovery (a wire to VDD pulls it high); sampled at reset (RM0090 §2.4). */
  setBoot0(high: boolean): void {
    this.boot0High = high;
    this.soc.boot0 = high;
  }

  get boot0(): boolean {
    return this.boot0High;
  }

  /** B1 USER: PA0 high while pressed. A rising edge also reaches the WKUP logic (PWR_CSR.EWUP). */
  pressButton(down: boolean): void {
    this.swDp.sample();
    this.buttonDown = down;
    this.driveButton();
    this.swDp.sample();
  }

  private driveButton(): void {
    this.soc.devices.gpio.A.driveExternal(DISCOVERY.USER_BUTTON_PIN, this.buttonDown);
  }

  /** LD3 orange, LD4 green, LD5 red, LD6 blue: lit while their GPIOD pin drives high. */
  get leds(): LedState {
    const gpioD = this.soc.devices.gpio.D;
    const on = (pin: number): boolean => this.soc.powered && gpioD.outputLevel(pin);
    return {
      green: on(DISCOVERY.LEDS.green),
      orange: on(DISCOVERY.LEDS.orange),
      red: on(DISCOVERY.LEDS.red),
      blue: on(DISCOVERY.LEDS.blue),
    };
  }

  /** Called with the new state whenever one of the four LEDs changes. */
  onLedChange(listener: (leds: LedState) => void): void {
    this.ledListeners.push(listener);
  }

  /**
   * Puts an image into flash as if it had been programmed before: the CLI converts ELF, HEX or BIN
   * into segments (src/flash/image). Takes effect at the next reset, like any flashed firmware: pass
   * `preload` to the constructor (or call this before `power(true)`), or reset the board afterwards.
   */
  preload(segments: readonly FlashSegment[]): void {
    for (const segment of segments) this.soc.preload(segment.address, segment.data);
  }

  // --- Time ------------------------------------------------------------------------------------

  get now(): number {
    return this.clock.now;
  }

  /** The core cannot execute now (the runner then lets time pass gently, see runner.ts). */
  get idle(): boolean {
    return this.soc.idle;
  }

  runFor(ns: number): void {
    this.runUntil(this.clock.now + ns);
  }

  runUntil(time: number): void {
    // A silence during the run (Standby, Stop, pins taken) means the probe must line-reset again,
    // and one that cut debug power (Standby) also resets the DP: look at the port at least every
    // SILENCE_SAMPLE_NS, so only a silence shorter than that can go unnoticed.
    while (this.clock.now < time) {
      this.soc.runUntil(Math.min(time, this.clock.now + SILENCE_SAMPLE_NS));
      this.swDp.sample();
    }
  }
}
