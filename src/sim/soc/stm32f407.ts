import { Cpu } from '../cpu/cpu.js';
import type { PpbDevice } from '../cpu/system/scs.js';
import { MEM_MODE, SocBus } from './bus.js';
import { NS_PER_SECOND, NS_PER_US } from './clock.js';
import { DBGMCU_CR, debugPortSilence, type LowPowerState, type SilenceReason } from './debug-port-rules.js';
import { deviceInfoBlock, type DeviceIdentity } from './device-info.js';
import { EventClock } from './event-clock.js';
import { MEMORY } from './memory-map.js';
import type { AccessSize, ClockEnable, IrqLine, Peripheral, SocResetKind } from './peripheral.js';
import { PeripheralMap } from './peripheral-map.js';
import { SocDevices } from './soc-devices.js';
import type { ClockFrequencies, DebugFreeze, ResetSource, SocContext } from './soc-context.js';
import { standInBootProgram } from './system-memory.js';
import { unmodelledPeripherals } from './reset-value-peripheral.js';
import type { FlashStorage } from './flash/flash-storage.js';

/** STM32F407 interrupt lines (RM0090 §12.2 table 61: 82 maskable interrupt channels). */
const IRQ_COUNT = 82;
/**
 * The longest stretch the core runs between looks at the event queue. A slice also ends early, at
 * the instruction that schedules an event sooner than the slice's end (the event clock tells), so
 * events fire on time; the quantum only bounds how long the runner's `runFor` may take.
 */
const QUANTUM_NS = 1000 * NS_PER_US;
/**
 * What SocContext reports while SocDevices is still constructing the peripherals (they reset
 * themselves in their constructors): the reset clock tree (HSI 16 MHz, no prescaling, LSI 32 kHz;
 * RM0090 §7.2) and DBGMCU's reset values.
 */
const RESET_CLOCKS: ClockFrequencies = { sysclk: 16e6, hclk: 16e6, pclk1: 16e6, pclk2: 16e6, lsi: 32_000 };
const NO_DEBUG_FREEZE: DebugFreeze = { cr: 0, apb1fz: 0, apb2fz: 0 };
/** Internal resets drive NRST low for at least 20 µs (RM0090 §6.1.2). */
const RESET_PULSE_NS = 20 * NS_PER_US;

export interface Stm32f407Options {
  /** The board's HSE crystal in Hz (the Discovery's is 8 MHz); 0 = none. */
  readonly hseHz?: number;
  /** Flash, OTP and option bytes to start with (a `--state` file, a preloaded image). */
  readonly storage?: FlashStorage;
  readonly identity?: DeviceIdentity;
  /** Shares a board clock; by default the SoC has its own. */
  readonly clock?: EventClock;
}

/**
 * The STM32F407VG: a Cortex-M4F, its bus matrix and memories, the peripherals, the reset and power
 * logic, driven by one virtual clock. The board (src/sim/board) powers it, drives NRST and BOOT0,
 * and reaches its debug port.
 *
 * Running: `runUntil(t)` / `runFor(ns)` execute the core at HCLK in quanta that end at the next
 * timed event, firing events in time order. While the core cannot execute (unpowered, held in
 * reset, halted, in Stop or Standby) time passes without it.
 */
export class Stm32f407 implements SocContext {
  readonly clock: EventClock;
  readonly cpu: Cpu;
  readonly devices: SocDevices;
  readonly peripherals = new PeripheralMap();
  /** RM0090's other peripherals: registers at their reset values, no behaviour. */
  private readonly unmodelled: readonly Peripheral[] = unmodelledPeripherals();
  /** The core's view of the bus matrix and the debugger's (AHB-AP) view. */
  readonly bus: SocBus;
  readonly debugBus: SocBus;

  powered = false;
  /** BOOT0 pin level (the Discovery pulls it low). BOOT1 is PB2, read at reset. */
  boot0 = false;
  boot1 = false;
  /** The NRST pin as driven from outside (the on-board ST-Link, the reset button). */
  private nrstDriven = false;
  /** While set, an internal reset pulse is holding the chip in reset. */
  private resetPulseUntil = 0;
  lowPower: LowPowerState = 'run';
  /** A debugger has accessed the chip since power-on (RM0090 §3.7.3: read protection reacts to it). */
  debugIntrusion = false;

  /**
   * Called the moment the chip enters a state in which its SW-DP stops answering (power off, Stop or
   * Standby without the DBGMCU bit), so the debug port loses its session even if the state is left
   * again before anyone looks (a Standby that the IWDG ends a few µs later).
   */
  onDebugPortSilenced: (() => void) | undefined = undefined;

  private readonly irqLines: IrqLine[] = [];
  private readonly consoleListeners: ((byte: number) => void)[] = [];
  private hz: number;
  private sliceActive = false;
  private sliceStartNs = 0;
  private sliceStartCycles = 0;
  private sliceEndNs = 0;
  private wasHalted = false;
  private stopWakePending = false;

  constructor(options: Stm32f407Options = {}) {
    this.clock = options.clock ?? new EventClock();
    this.devices = new SocDevices(this, {
      hseHz: options.hseHz ?? 8_000_000,
      storage: options.storage,
      bootMode: () => this.bootMode(),
      codeChanged: (address, length) => {
        this.flashChanged(address, length);
      },
      debugIntrusion: () => this.debugIntrusion || this.bootMode() !== MEM_MODE.FLASH,
    });
    for (const peripheral of this.devices.memoryMapped) this.peripherals.add(peripheral);
    for (const peripheral of this.unmodelled) this.peripherals.add(peripheral);
    const system = standInBootProgram();
    const info = deviceInfoBlock(options.identity);
    this.bus = new SocBus(this, false, system, info);
    this.debugBus = new SocBus(this, true, system, info, this.bus);
    this.cpu = new Cpu(this.bus, { irqCount: IRQ_COUNT, sysTickReferenceDivider: 8 });
    this.cpu.ppb.external = this.devices.dbgmcu;
    this.cpu.debugPort.external = this.devices.dbgmcu;
    this.cpu.onSystemResetRequest = () => {
      this.systemReset('software');
    };
    this.cpu.onSleep = (deep) => {
      this.enteredSleep(deep);
    };
    this.cpu.onHalt = () => {
      this.noteDebugState();
    };
    this.devices.rcc.onFrequencyChange = () => {
      this.frequencyChanged();
    };
    this.devices.dbgmcu.onChange = () => {
      this.devices.debugHaltChanged();
    };
    this.hz = this.devices.rcc.frequencies.hclk;
    this.clock.onEarlierEvent = (at) => {
      if (this.sliceActive && at < this.sliceEndNs) this.cpu.requestRunExit();
    };
  }

  // --- SocContext --------------------------------------------------------------------------------

  get clocks(): ClockFrequencies {
    // Peripherals read the clock tree while SocDevices is still building them: the reset tree then.
    return (this.devices as SocDevices | undefined)?.rcc.frequencies ?? RESET_CLOCKS;
  }

  irq(n: number): IrqLine {
    let line = this.irqLines[n];
    if (line === undefined) {
      line = (level: boolean) => {
        // Peripherals settle their lines while the SoC is still being built, before the core
        // exists (the FLASH interface resets itself in its constructor); the NVIC starts low anyway.
        const cpu = this.cpu as Cpu | undefined;
        if (cpu === undefined) return;
        cpu.setIrqLevel(n, level);
        if (level && this.lowPower === 'stop') this.stopWakePending = true;
      };
      this.irqLines[n] = line;
    }
    return line;
  }

  requestReset(source: ResetSource): void {
    if (!this.powered) return;
    this.systemReset(source);
  }

  get coreHalted(): boolean {
    // Asked by peripherals resetting themselves while the SoC is being built, before the core exists.
    return (this.cpu as Cpu | undefined)?.halted ?? false;
  }

  get debugFreeze(): DebugFreeze {
    return (this.devices as SocDevices | undefined)?.dbgmcu.debugFreeze ?? NO_DEBUG_FREEZE;
  }

  consoleByte(byte: number): void {
    for (const listener of this.consoleListeners) listener(byte);
  }

  onConsoleByte(listener: (byte: number) => void): void {
    this.consoleListeners.push(listener);
  }

  // --- Bus host ------------------------------------------------------------------------------------

  get flash() {
    return this.devices.flash;
  }

  get now(): number {
    return this.clock.now;
  }

  ppb(fromDebugger: boolean): PpbDevice {
    return fromDebugger ? this.cpu.debugPort : this.cpu.ppb;
  }

  isClockEnabled(enable: ClockEnable): boolean {
    return this.devices.rcc.isEnabled(enable);
  }

  syncTime(): void {
    if (this.sliceActive) {
      this.clock.syncTo(
        this.sliceStartNs + ((this.cpu.cycles - this.sliceStartCycles) * NS_PER_SECOND) / this.hz,
      );
    }
  }

  stallUntil(at: number): void {
    if (!this.sliceActive) return; // a debugger's access: the probe's own timing covers the wait
    this.syncTime();
    const wait = at - this.clock.now;
    if (wait > 0) this.cpu.cycles += Math.ceil((wait * this.hz) / NS_PER_SECOND);
    this.syncTime();
  }

  invalidateCode(address: number, length: number): void {
    this.cpu.invalidateCode(address, length);
  }

  get flashRegisters(): unknown {
    return this.devices.flash.registers;
  }

  flashMayChange(): void {
    this.bus.flashMayChange();
  }

  // --- Power, reset, boot ----------------------------------------------------------------------------

  /** Power-on reset (RM0090 §6.1.2): everything, debug logic included, starts from its reset state. */
  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.bus.sram.fill(0);
    this.bus.ccm.fill(0);
    this.debugIntrusion = false;
    this.resetChip('power-on', 'power-on');
  }

  /** Target power off: the chip stops, its volatile state is gone, its SW-DP is silent. */
  powerOff(): void {
    if (!this.powered) return;
    this.powered = false;
    this.lowPower = 'run';
    this.devices.powerLost();
    this.onDebugPortSilenced?.();
  }

  /** The NRST pin as driven from outside (true = held low). */
  setNrst(low: boolean): void {
    if (low === this.nrstDriven) return;
    this.nrstDriven = low;
    if (!this.powered) return;
    if (low) {
      // Peripherals (and the SWD pins) go to their reset state at once and stay there; NRST also
      // ends Standby.
      if (this.lowPower === 'standby') this.resetChip('system', undefined);
      else this.resetPeripherals('system');
      this.lowPower = 'run';
    } else {
      this.resetChip('system', 'pin');
    }
  }

  get nrstLow(): boolean {
    return this.nrstDriven;
  }

  /** True while the chip is held in reset, by the pin or an internal reset pulse. */
  get inReset(): boolean {
    return this.nrstDriven || this.clock.now < this.resetPulseUntil;
  }

  /** System reset (RM0090 §6.1.2) from an internal source: SYSRESETREQ, IWDG, WWDG, low-power. */
  systemReset(source: ResetSource): void {
    this.resetChip('system', source);
    this.resetPulseUntil = this.clock.now + RESET_PULSE_NS;
  }

  /**
   * A reset of the chip. Leaving Standby is one too, of everything but the backup domain, whatever
   * ends it (WKUP pin, NRST, IWDG: RM0090 §5.3.7); the debug logic survives it only if DBG_STANDBY
   * kept it powered. `source` undefined: no RCC_CSR flag (the WKUP pin).
   */
  private resetChip(kind: SocResetKind, source: ResetSource | undefined): void {
    const fromStandby = this.lowPower === 'standby';
    const debugKept = (this.devices.dbgmcu.debugFreeze.cr & DBGMCU_CR.DBG_STANDBY) !== 0;
    const peripheralKind: SocResetKind = fromStandby ? 'power-on' : kind;
    this.resetPeripherals(peripheralKind);
    if (source !== undefined) this.devices.rcc.recordReset(source);
    if (fromStandby) this.devices.pwr.standbyExited();
    this.lowPower = 'run';
    this.stopWakePending = false;
    this.updateProtection();
    const coreKind = kind === 'power-on' || (fromStandby && !debugKept) ? 'power-on' : 'system';
    this.bus.vectorFetch = true;
    try {
      this.cpu.reset(coreKind);
    } finally {
      this.bus.vectorFetch = false;
    }
    this.wasHalted = this.cpu.halted;
    this.frequencyChanged();
    this.devices.debugHaltChanged();
  }

  private resetPeripherals(kind: SocResetKind): void {
    this.devices.reset(kind);
    for (const peripheral of this.unmodelled) peripheral.reset(kind);
    this.remap();
  }

  /** BOOT pins as SYSCFG_MEMRMP.MEM_MODE's reset value (RM0090 §2.4 table 2). */
  private bootMode(): number {
    if (!this.boot0) return MEM_MODE.FLASH;
    return this.boot1 ? MEM_MODE.SRAM : MEM_MODE.SYSTEM;
  }

  /** Applies SYSCFG_MEMRMP to the boot alias. */
  remap(): void {
    const mode = this.devices.syscfg.memoryMode;
    if (mode === this.bus.memoryMode) return;
    this.bus.memoryMode = mode;
    this.debugBus.memoryMode = mode;
    this.cpu.invalidateCode(0, MEMORY.BOOT_ALIAS_SIZE);
  }

  /**
   * Read protection level 1 (RM0090 §3.7.3): main flash is out of reach of a debugger, and of the
   * core too once a debugger has been connected since power-on or the chip booted from SRAM or
   * system memory.
   */
  private updateProtection(): void {
    const protectedLevel = this.devices.flash.rdpLevel !== 0;
    this.debugBus.flashReadable = !protectedLevel;
    const readable = !(protectedLevel && (this.debugIntrusion || this.bootMode() !== MEM_MODE.FLASH));
    if (this.bus.flashReadable && !readable) {
      // Code the core decoded while flash was readable must be fetched again — and fault.
      this.cpu.invalidateCode(MEMORY.FLASH_BASE, MEMORY.FLASH_SIZE);
      this.cpu.invalidateCode(0, MEMORY.FLASH_SIZE);
    }
    this.bus.flashReadable = readable;
    this.bus.flashMayChange();
  }

  private flashChanged(address: number, length: number): void {
    const offset = ((address >>> 0) - MEMORY.FLASH_BASE) >>> 0;
    const at = offset < MEMORY.FLASH_SIZE ? offset : address >>> 0;
    this.cpu.invalidateCode(MEMORY.FLASH_BASE + at, length);
    this.cpu.invalidateCode(at, length);
  }

  /** Writes an image into flash as if it had been programmed before (a preloaded board). */
  preload(address: number, bytes: Uint8Array): void {
    const offset = ((address >>> 0) - MEMORY.FLASH_BASE) >>> 0;
    if (offset + bytes.length > MEMORY.FLASH_SIZE) {
      throw new RangeError(`0x${(address >>> 0).toString(16)}+${bytes.length} is outside main flash`);
    }
    this.devices.flash.main.set(bytes, offset);
    this.flashChanged(address, bytes.length);
  }

  // --- Low-power modes (RM0090 §5.3) ---------------------------------------------------------------

  private enteredSleep(deep: boolean): void {
    if (!deep) {
      this.lowPower = 'sleep';
      return;
    }
    // Stop and Standby stop HCLK: the core's slice (and SysTick, which counts core cycles) ends here.
    this.cpu.requestRunExit();
    const flash = this.devices.flash;
    if (this.devices.pwr.deepSleepMode === 'standby') {
      // nRST_STDBY = 0: entering Standby resets the chip instead (RM0090 §3.7.1, low-power reset).
      if (flash.resetOnStandby) this.systemReset('low-power');
      else {
        this.lowPower = 'standby';
        this.onDebugPortSilenced?.();
      }
    } else if (flash.resetOnStop) this.systemReset('low-power');
    else {
      this.lowPower = 'stop';
      this.stopWakePending = false;
      this.devices.stopEntered();
      this.onDebugPortSilenced?.();
    }
  }

  /** A rising edge on PA0/WKUP (the Discovery's user button) ends Standby when PWR_CSR.EWUP is set. */
  wakeupPinRose(): void {
    if (this.lowPower === 'standby' && this.devices.pwr.wakeupPinEdge()) this.resetChip('system', undefined);
  }

  // --- Debug port --------------------------------------------------------------------------------

  /** Why the SW-DP would not answer now, or undefined if it would. */
  get debugPortSilence(): SilenceReason | undefined {
    const gpioA = this.devices.gpio.A;
    const pinsInDebugFunction =
      gpioA.mode(13) === 'alternate' &&
      gpioA.alternateFunction(13) === 0 &&
      gpioA.mode(14) === 'alternate' &&
      gpioA.alternateFunction(14) === 0;
    return debugPortSilence({
      powered: this.powered,
      nrstLow: this.inReset,
      swdPinsInDebugFunction: pinsInDebugFunction,
      rdpLevel: this.devices.flash.rdpLevel,
      lowPower: this.lowPower,
      dbgmcuCr:
        this.devices.dbgmcu.debugFreeze.cr &
        (DBGMCU_CR.DBG_STOP | DBGMCU_CR.DBG_STANDBY | DBGMCU_CR.DBG_SLEEP),
    });
  }

  /**
   * An AHB-AP access to the system bus (ADIv5 MEM-AP → the Cortex-M4's DAP bus). Throws BusError on
   * an error response, which the AP turns into a sticky error. The caller (the SW-DP model) has
   * already checked that the debug port answers at all.
   */
  debugRead(address: number, size: AccessSize): number {
    this.noteIntrusion();
    if (this.inReset) this.cpu.debug.coreReset(); // S_RESET_ST reads 1 for as long as reset lasts
    const value =
      size === 4
        ? this.debugBus.read32(address)
        : size === 2
          ? this.debugBus.read16(address)
          : this.debugBus.read8(address);
    return value;
  }

  debugWrite(address: number, size: AccessSize, value: number): void {
    this.noteIntrusion();
    if (size === 4) this.debugBus.write32(address, value);
    else if (size === 2) this.debugBus.write16(address, value);
    else this.debugBus.write8(address, value);
    // AIRCR.SYSRESETREQ/VECTRESET from a debugger reset the chip at once, halted core or not; the
    // core performs a requested reset at its next boundary, which a halted core would never reach.
    if (this.cpu.resetRequest !== undefined) this.cpu.step();
    this.noteDebugState();
  }

  private noteIntrusion(): void {
    if (this.debugIntrusion) return;
    this.debugIntrusion = true;
    this.updateProtection();
  }

  /** Halting and resuming freeze and thaw the watchdogs (DBGMCU_APB1_FZ). */
  private noteDebugState(): void {
    if (this.cpu.halted === this.wasHalted) return;
    this.wasHalted = this.cpu.halted;
    this.devices.debugHaltChanged();
  }

  // --- Running -----------------------------------------------------------------------------------

  private frequencyChanged(): void {
    this.devices.frequencyChanged();
    const hz = this.devices.rcc.frequencies.hclk;
    if (hz === this.hz) return;
    if (this.sliceActive) {
      // The slice's cycle budget was worked out at the old clock: end it and start afresh.
      this.syncTime();
      this.sliceStartNs = this.clock.now;
      this.sliceStartCycles = this.cpu.cycles;
      this.cpu.requestRunExit();
    }
    this.hz = hz;
  }

  runFor(ns: number): void {
    this.runUntil(this.clock.now + ns);
  }

  /** Runs the chip until virtual time `target` (ns). */
  runUntil(target: number): void {
    const clock = this.clock;
    while (clock.now < target) {
      const runs = this.coreRuns();
      // With the core stopped nothing can schedule an event sooner than the queue's head: jump there.
      const resume = clock.now < this.resetPulseUntil ? this.resetPulseUntil : Infinity;
      const next = Math.min(target, clock.nextEventAt(), runs ? clock.now + this.quantum() : resume);
      if (runs) this.runCore(next);
      // A core that ran stopped either at the slice's end or early, at the instruction that needed
      // the slice cut (requestRunExit): time is where it got to. A core that cannot run (any more:
      // it halted, or entered Stop) lets the rest of the slice pass.
      clock.advanceTo(runs && this.coreRuns() ? clock.now : Math.max(next, clock.now));
      this.afterQuantum();
    }
  }

  /**
   * How far the core may run before the event queue is looked at again. A sleeping core executes
   * nothing that could schedule an event, so it sleeps through to its own next event (SysTick, kept
   * in core cycles) or the queue's head — Sleep costs nothing per quantum.
   */
  private quantum(): number {
    const cpu = this.cpu;
    if (!cpu.sleeping) return QUANTUM_NS;
    const cycles = cpu.nextEventCycle - cpu.cycles;
    return cycles === Infinity ? Infinity : Math.max(QUANTUM_NS, (cycles * NS_PER_SECOND) / this.hz);
  }

  /** True while the core cannot execute: halted, held in reset, unpowered, in Stop or Standby. */
  get idle(): boolean {
    return !this.coreRuns();
  }

  private coreRuns(): boolean {
    if (!this.powered || this.inReset || this.cpu.halted) return false;
    if (this.lowPower === 'standby') return false;
    // In Stop HCLK is off (SysTick too); only a wake-up interrupt brings the core back.
    if (this.lowPower === 'stop') return this.stopWakePending;
    return true;
  }

  private runCore(until: number): void {
    const cpu = this.cpu;
    const cycles = Math.max(1, Math.ceil(((until - this.clock.now) * this.hz) / NS_PER_SECOND));
    this.sliceStartNs = this.clock.now;
    this.sliceStartCycles = cpu.cycles;
    this.sliceEndNs = until;
    this.sliceActive = true;
    try {
      cpu.run(cycles);
      this.syncTime();
    } finally {
      this.sliceActive = false;
    }
  }

  private afterQuantum(): void {
    const cpu = this.cpu;
    if (this.lowPower === 'stop' && this.stopWakePending) {
      this.stopWakePending = false;
      if (!cpu.sleeping) {
        this.lowPower = 'run';
        this.devices.stopExited();
      }
    } else if (this.lowPower === 'sleep' && !cpu.sleeping) this.lowPower = 'run';
    this.noteDebugState();
  }
}
