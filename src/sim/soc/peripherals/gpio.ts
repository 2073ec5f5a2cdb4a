import type { AccessSize, ClockEnable, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';

export type GpioPortName = 'A' | 'B' | 'C' | 'D' | 'E';
export type PinMode = 'input' | 'output' | 'alternate' | 'analog';

/** Register offsets (RM0090 §8.4.11, GPIO register map). */
export const GPIO_REG = {
  MODER: 0x00,
  OTYPER: 0x04,
  OSPEEDR: 0x08,
  PUPDR: 0x0c,
  IDR: 0x10,
  ODR: 0x14,
  BSRR: 0x18,
  LCKR: 0x1c,
  AFRL: 0x20,
  AFRH: 0x24,
} as const;

export const LCKR_LCKK = 1 << 16;
const PORT_INDEX = { A: 0, B: 1, C: 2, D: 3, E: 4 } as const;
const MODES: readonly PinMode[] = ['input', 'output', 'alternate', 'analog'];

/**
 * Non-zero reset values (RM0090 §8.4.1, §8.4.3, §8.4.4): PA13 (SWDIO), PA14 (SWCLK), PA15 (JTDI),
 * PB3 (JTDO/SWO) and PB4 (NJTRST) start in alternate function AF0 with their pulls.
 */
const RESET_VALUES: Readonly<Record<GpioPortName, { moder: number; ospeedr: number; pupdr: number }>> = {
  A: { moder: 0xa800_0000 | 0, ospeedr: 0x0c00_0000, pupdr: 0x6400_0000 },
  B: { moder: 0x0000_0280, ospeedr: 0x0000_00c0, pupdr: 0x0000_0100 },
  C: { moder: 0, ospeedr: 0, pupdr: 0 },
  D: { moder: 0, ospeedr: 0, pupdr: 0 },
  E: { moder: 0, ospeedr: 0, pupdr: 0 },
};

/** Spreads a 16-bit pin mask to the 2-bit fields of MODER/OSPEEDR/PUPDR. */
function spread2(mask: number): number {
  let out = 0;
  for (let pin = 0; pin < 16; pin++) if ((mask & (1 << pin)) !== 0) out |= 3 << (2 * pin);
  return out;
}

/** Spreads 8 pins of a mask (from `first`) to the 4-bit fields of AFRL/AFRH. */
function spread4(mask: number, first: number): number {
  let out = 0;
  for (let i = 0; i < 8; i++) if ((mask & (1 << (first + i))) !== 0) out |= 0xf << (4 * i);
  return out;
}

/** The pins whose 2-bit field in `word` equals `value` (0–3), as a 16-bit mask. */
function pinsWithField(word: number, value: number): number {
  const lo = value & 1 ? word : ~word;
  const hi = value & 2 ? word >>> 1 : ~(word >>> 1);
  // Gather the even bits of the 32-bit match into 16 contiguous bits.
  let x = lo & hi & 0x5555_5555;
  x = (x | (x >>> 1)) & 0x3333_3333;
  x = (x | (x >>> 2)) & 0x0f0f_0f0f;
  x = (x | (x >>> 4)) & 0x00ff_00ff;
  return (x | (x >>> 8)) & 0xffff;
}

/**
 * A GPIO port (RM0090 §8). Registers accept byte, half-word and word accesses (§8.4) except LCKR,
 * which the lock sequence requires as words (§8.4.8): a sub-word write there is ignored and breaks
 * a sequence in progress. The pins' levels are computed on every change, so IDR reads are cheap.
 */
export class Gpio implements Peripheral {
  readonly name: string;
  readonly base: number;
  readonly size = 0x400;
  readonly clockEnable: ClockEnable;
  /** A pin's input level (IDR) changed: to EXTI through SYSCFG_EXTICR, to the wake-up logic. */
  onInputChange: ((pin: number, level: boolean) => void) | undefined = undefined;
  /** Pins driven high by the port changed (`outputLevel`): LEDs. */
  onOutputChange: ((changedMask: number) => void) | undefined = undefined;

  private moder = 0;
  private otyper = 0;
  private ospeedr = 0;
  private pupdr = 0;
  private odr = 0;
  private lckr = 0;
  private readonly afr = new Int32Array(2);
  private lockStep = 0;
  private lockValue = 0;
  private idr = 0;
  private drivenHigh = 0;
  private externalMask = 0;
  private externalLevels = 0;

  constructor(
    readonly port: GpioPortName,
    _ctx: SocContext,
  ) {
    const index = PORT_INDEX[port];
    this.name = `GPIO${port}`;
    this.base = 0x4002_0000 + 0x400 * index;
    this.clockEnable = { register: 'AHB1ENR', bit: index };
    this.reset('power-on');
  }

  /** What the board drives onto a pin (a button, a wire); undefined = not driven. */
  driveExternal(pin: number, level: boolean | undefined): void {
    const bit = 1 << pin;
    if (level === undefined) this.externalMask &= ~bit;
    else {
      this.externalMask |= bit;
      this.externalLevels = level ? this.externalLevels | bit : this.externalLevels & ~bit;
    }
    this.recompute();
  }

  /** The pin's IDR bit. */
  inputLevel(pin: number): boolean {
    return (this.idr & (1 << pin)) !== 0;
  }

  /** True when the port's output driver pulls the pin high (output mode, ODR 1, push-pull). */
  outputLevel(pin: number): boolean {
    return (this.drivenHigh & (1 << pin)) !== 0;
  }

  mode(pin: number): PinMode {
    return MODES[(this.moder >>> (2 * pin)) & 3]!;
  }

  /** AFRL/AFRH selection, AF0–AF15 (RM0090 §8.4.9–8.4.10). */
  alternateFunction(pin: number): number {
    return (this.afr[pin >>> 3]! >>> (4 * (pin & 7))) & 0xf;
  }

  read(offset: number, size: AccessSize): number {
    return readLane(this.readRegister(offset & ~3), offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    if (reg === GPIO_REG.LCKR) {
      if (size === 4) this.writeLckr(value);
      else this.lockStep = 0;
      return;
    }
    const merged = mergeWrite(reg === GPIO_REG.BSRR ? 0 : this.readRegister(reg), offset, size, value);
    const locked = this.lckr & (LCKR_LCKK - 1);
    const keep2 = (this.lckr & LCKR_LCKK) !== 0 ? spread2(locked) : 0;
    const keep4 = (first: number) => ((this.lckr & LCKR_LCKK) !== 0 ? spread4(locked, first) : 0);
    switch (reg) {
      case GPIO_REG.MODER:
        this.moder = (merged & ~keep2) | (this.moder & keep2);
        break;
      case GPIO_REG.OTYPER: {
        const keep = (this.lckr & LCKR_LCKK) !== 0 ? locked : 0;
        this.otyper = ((merged & ~keep) | (this.otyper & keep)) & 0xffff;
        break;
      }
      case GPIO_REG.OSPEEDR:
        this.ospeedr = (merged & ~keep2) | (this.ospeedr & keep2);
        break;
      case GPIO_REG.PUPDR:
        this.pupdr = (merged & ~keep2) | (this.pupdr & keep2);
        break;
      case GPIO_REG.ODR:
        this.odr = merged & 0xffff;
        break;
      case GPIO_REG.BSRR: {
        // Set wins when a pin's BS and BR bits are both written 1 (RM0090 §8.4.7).
        const set = merged & 0xffff;
        this.odr = (this.odr | set) & ~((merged >>> 16) & ~set) & 0xffff;
        break;
      }
      case GPIO_REG.AFRL:
      case GPIO_REG.AFRH: {
        const i = (reg - GPIO_REG.AFRL) >>> 2;
        const keep = keep4(8 * i);
        this.afr[i] = (merged & ~keep) | (this.afr[i]! & keep);
        break;
      }
      default:
        return; // IDR is read-only; offsets past AFRH are reserved
    }
    this.recompute();
  }

  reset(_kind: SocResetKind): void {
    const values = RESET_VALUES[this.port];
    this.moder = values.moder;
    this.otyper = 0;
    this.ospeedr = values.ospeedr;
    this.pupdr = values.pupdr;
    this.odr = 0;
    this.lckr = 0;
    this.afr.fill(0);
    this.lockStep = 0;
    this.recompute();
  }

  private readRegister(reg: number): number {
    switch (reg) {
      case GPIO_REG.MODER:
        return this.moder;
      case GPIO_REG.OTYPER:
        return this.otyper;
      case GPIO_REG.OSPEEDR:
        return this.ospeedr;
      case GPIO_REG.PUPDR:
        return this.pupdr;
      case GPIO_REG.IDR:
        return this.idr;
      case GPIO_REG.ODR:
        return this.odr;
      case GPIO_REG.LCKR:
        return this.lckr;
      case GPIO_REG.AFRL:
        return this.afr[0]!;
      case GPIO_REG.AFRH:
        return this.afr[1]!;
      default:
        return 0; // BSRR is write-only and reads 0
    }
  }

  /**
   * The lock key sequence (RM0090 §8.4.8): write LCKK=1, LCKK=0, LCKK=1, each with the same
   * LCK[15:0]; then LCKK reads 1 and the selected pins' configuration is frozen until reset. Any
   * other write aborts the sequence (a write with LCKK=1 begins a new one); LCK[15:0] can be
   * changed only while LCKK is 0.
   */
  private writeLckr(value: number): void {
    if ((this.lckr & LCKR_LCKK) !== 0) return;
    const key = (value & LCKR_LCKK) !== 0;
    const pins = value & 0xffff;
    this.lckr = pins;
    const expected = this.lockStep === 1 ? !key : key;
    if (this.lockStep === 0 || !expected || pins !== this.lockValue) {
      this.lockStep = key ? 1 : 0;
      this.lockValue = pins;
      return;
    }
    this.lockStep++;
    if (this.lockStep === 3) {
      this.lckr = pins | LCKR_LCKK;
      this.lockStep = 0;
    }
  }

  /**
   * IDR per pin (RM0090 §8.3, figure 26): analog pins read 0 (Schmitt trigger off); otherwise an
   * external drive wins, then the port's own output driver (push-pull, or open-drain driving 0),
   * then the pull-up/pull-down; a floating pin reads 0.
   */
  private recompute(): void {
    const output = pinsWithField(this.moder, 1);
    const analog = pinsWithField(this.moder, 3);
    const pullUp = pinsWithField(this.pupdr, 1);
    const openDrainHigh = this.otyper & this.odr;
    const driving = output & ~openDrainHigh;
    const drivenHigh = driving & this.odr;
    let idr = pullUp;
    idr = (idr & ~driving) | drivenHigh;
    idr = (idr & ~this.externalMask) | (this.externalLevels & this.externalMask);
    idr &= ~analog & 0xffff;

    const inputChanged = idr ^ this.idr;
    const outputChanged = drivenHigh ^ this.drivenHigh;
    this.idr = idr;
    this.drivenHigh = drivenHigh;
    if (inputChanged !== 0 && this.onInputChange !== undefined) {
      for (let pin = 0; pin < 16; pin++) {
        if ((inputChanged & (1 << pin)) !== 0) this.onInputChange(pin, (idr & (1 << pin)) !== 0);
      }
    }
    if (outputChanged !== 0) this.onOutputChange?.(outputChanged);
  }
}
