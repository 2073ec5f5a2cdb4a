import type { TimerHandle } from '../clock.js';
import { NS_PER_SECOND } from '../clock.js';
import type { AccessSize, ClockEnable, IrqLine, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';

/** Register offsets (RM0090 §30.6.8, USART register map). */
export const USART_REG = {
  SR: 0x00,
  DR: 0x04,
  BRR: 0x08,
  CR1: 0x0c,
  CR2: 0x10,
  CR3: 0x14,
  GTPR: 0x18,
} as const;

/** USART_SR (RM0090 §30.6.1). */
export const USART_SR = {
  PE: 1 << 0,
  FE: 1 << 1,
  NF: 1 << 2,
  ORE: 1 << 3,
  IDLE: 1 << 4,
  RXNE: 1 << 5,
  TC: 1 << 6,
  TXE: 1 << 7,
  LBD: 1 << 8,
  CTS: 1 << 9,
} as const;

/** USART_CR1 (RM0090 §30.6.4). */
export const USART_CR1 = {
  SBK: 1 << 0,
  RE: 1 << 2,
  TE: 1 << 3,
  IDLEIE: 1 << 4,
  RXNEIE: 1 << 5,
  TCIE: 1 << 6,
  TXEIE: 1 << 7,
  PEIE: 1 << 8,
  PCE: 1 << 10,
  M: 1 << 12,
  UE: 1 << 13,
  OVER8: 1 << 15,
  WRITABLE: 0xbfff,
} as const;

const CR2_STOP_SHIFT = 12;
const CR2_WRITABLE = 0x7f6f;
const CR3_WRITABLE = 0x0fff;
/** SR bits software clears by writing 0 (rc_w0); the others are read-only. */
const SR_RC_W0 = USART_SR.RXNE | USART_SR.TC | USART_SR.LBD | USART_SR.CTS;
/** The preamble TE sends: a frame of ones, never output. */
const IDLE_FRAME = 0x10000;
/** STOP[1:0] → stop bits: 1, 0.5, 2, 1.5 (RM0090 §30.6.5). */
const STOP_BITS = [1, 0.5, 2, 1.5] as const;

export interface UsartOptions {
  readonly name: string;
  readonly base: number;
  /** APB1ENR (USART2/3: PCLK1) or APB2ENR (USART1/6: PCLK2) — also selects the kernel clock. */
  readonly clockEnable: ClockEnable;
  /** NVIC position (RM0090 table 61). */
  readonly irq: number;
  /** Where transmitted data goes; by default the SoC console. */
  readonly output?: (byte: number) => void;
}

/** The STM32F407's USARTs on the Discovery's pins (RM0090 table 1, §7.3.13–7.3.14, table 61). */
export const USARTS = {
  USART1: { name: 'USART1', base: 0x4001_1000, clockEnable: { register: 'APB2ENR', bit: 4 }, irq: 37 },
  USART2: { name: 'USART2', base: 0x4000_4400, clockEnable: { register: 'APB1ENR', bit: 17 }, irq: 38 },
  USART3: { name: 'USART3', base: 0x4000_4800, clockEnable: { register: 'APB1ENR', bit: 18 }, irq: 39 },
  USART6: { name: 'USART6', base: 0x4001_1400, clockEnable: { register: 'APB2ENR', bit: 5 }, irq: 71 },
} as const satisfies Record<string, UsartOptions>;

/**
 * A USART's transmitter (RM0090 §30.3.2). A byte written to DR waits in TDR (TXE = 0) until the
 * shift register is free, then moves there (TXE = 1) and takes one frame — start bit, 8 or 9 data
 * bits (M), 0.5–2 stop bits (STOP) — at the baud rate BRR divides from PCLK (OVER8 honoured); at
 * the frame's end it goes to `output`, and TC is set if TDR is empty. Setting TE first sends an
 * idle frame. Clearing TE abandons the frame on the wire; clearing UE lets it finish.
 *
 * Not modelled: the receiver — RXNE, IDLE, ORE, FE, NF, PE stay 0 and DR reads 0; synchronous,
 * LIN, smartcard, IrDA, half-duplex, hardware flow control (CTS) and DMA requests. TC is cleared
 * by any DR write (the SR-read-then-DR-write sequence of §30.6.1 without checking the SR read)
 * or by writing 0 to it. Half-word and word accesses (§30.6); byte accesses are merged likewise.
 */
export class Usart implements Peripheral {
  readonly name: string;
  readonly base: number;
  readonly size = 0x400;
  readonly clockEnable: ClockEnable;

  private readonly irqLine: IrqLine;
  private readonly output: (byte: number) => void;
  private readonly apb2: boolean;
  private irqLevel = false;
  private sr = 0;
  private brr = 0;
  private cr1 = 0;
  private cr2 = 0;
  private cr3 = 0;
  private gtpr = 0;
  /** TDR's content; -1 = empty (TXE). */
  private tdr = -1;
  /** The frame in the shift register: a data word, IDLE_FRAME, or -1 = idle. */
  private shifting = -1;
  private frameTimer: TimerHandle | undefined = undefined;

  constructor(
    private readonly ctx: SocContext,
    options: UsartOptions,
  ) {
    this.name = options.name;
    this.base = options.base;
    this.clockEnable = options.clockEnable;
    this.apb2 = options.clockEnable.register === 'APB2ENR';
    this.irqLine = ctx.irq(options.irq);
    this.output =
      options.output ??
      ((byte) => {
        ctx.consoleByte(byte);
      });
    this.reset('power-on');
  }

  /** The duration of one frame with the current BRR, CR1, CR2 and PCLK, in ns. */
  frameNs(): number {
    const fck = this.apb2 ? this.ctx.clocks.pclk2 : this.ctx.clocks.pclk1;
    const mantissa = this.brr >>> 4;
    const fraction = this.brr & 0xf;
    // Baud = fck / (8 × (2 − OVER8) × USARTDIV) (§30.3.4). USARTDIV < 1 is forbidden; we clamp to 1.
    const divisor =
      (this.cr1 & USART_CR1.OVER8) !== 0
        ? Math.max(8, mantissa * 8 + (fraction & 7))
        : Math.max(16, this.brr);
    const dataBits = (this.cr1 & USART_CR1.M) !== 0 ? 9 : 8;
    const bits = 1 + dataBits + STOP_BITS[(this.cr2 >>> CR2_STOP_SHIFT) & 3]!;
    return (bits * divisor * NS_PER_SECOND) / fck;
  }

  read(offset: number, size: AccessSize): number {
    return readLane(this.readRegister(offset & ~3), offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    const v = mergeWrite(this.readRegister(reg), offset, size, value);
    switch (reg) {
      case USART_REG.SR:
        this.sr &= v | ~SR_RC_W0;
        break;
      case USART_REG.DR:
        this.tdr = v & 0x1ff;
        this.sr &= ~(USART_SR.TXE | USART_SR.TC);
        this.startNextFrame();
        break;
      case USART_REG.BRR:
        this.brr = v & 0xffff;
        break;
      case USART_REG.CR1:
        this.writeCr1(v & USART_CR1.WRITABLE);
        break;
      case USART_REG.CR2:
        this.cr2 = v & CR2_WRITABLE;
        break;
      case USART_REG.CR3:
        this.cr3 = v & CR3_WRITABLE;
        break;
      case USART_REG.GTPR:
        this.gtpr = v & 0xffff;
        break;
    }
    this.updateIrq();
  }

  reset(_kind: SocResetKind): void {
    this.frameTimer?.cancel();
    this.frameTimer = undefined;
    this.sr = USART_SR.TXE | USART_SR.TC;
    this.brr = 0;
    this.cr1 = 0;
    this.cr2 = 0;
    this.cr3 = 0;
    this.gtpr = 0;
    this.tdr = -1;
    this.shifting = -1;
    this.updateIrq();
  }

  private transmitting(): boolean {
    return (this.cr1 & (USART_CR1.UE | USART_CR1.TE)) === (USART_CR1.UE | USART_CR1.TE);
  }

  private writeCr1(value: number): void {
    const was = this.transmitting();
    const teWas = (this.cr1 & USART_CR1.TE) !== 0;
    this.cr1 = value;
    if (teWas && (value & USART_CR1.TE) === 0 && this.shifting !== -1) {
      // "Resetting TE during the transmission will corrupt the data ... lost" (§30.3.2).
      this.frameTimer?.cancel();
      this.frameTimer = undefined;
      this.shifting = -1;
    }
    if (!was && this.transmitting() && this.shifting === -1) this.startFrame(IDLE_FRAME);
    else this.startNextFrame();
  }

  /** Moves TDR into the shift register when it is free and the transmitter is on. */
  private startNextFrame(): void {
    if (this.shifting !== -1 || this.tdr === -1 || !this.transmitting()) return;
    const data = this.tdr;
    this.tdr = -1;
    this.sr |= USART_SR.TXE;
    this.startFrame(data);
  }

  private startFrame(data: number): void {
    this.shifting = data;
    this.frameTimer = this.ctx.clock.scheduleIn(this.frameNs(), () => {
      this.frameTimer = undefined;
      const sent = this.shifting;
      this.shifting = -1;
      if (sent !== IDLE_FRAME) this.output(this.dataBits(sent) & 0xff);
      this.startNextFrame();
      if (this.shifting === -1 && this.tdr === -1) this.sr |= USART_SR.TC;
      this.updateIrq();
    });
  }

  /** The data bits of a frame: 8 or 9 (M), the top one replaced by parity when PCE (§30.3.2). */
  private dataBits(word: number): number {
    const bits = ((this.cr1 & USART_CR1.M) !== 0 ? 9 : 8) - ((this.cr1 & USART_CR1.PCE) !== 0 ? 1 : 0);
    return word & ((1 << bits) - 1);
  }

  private updateIrq(): void {
    const cr1 = this.cr1;
    const level =
      ((cr1 & USART_CR1.TXEIE) !== 0 && (this.sr & USART_SR.TXE) !== 0) ||
      ((cr1 & USART_CR1.TCIE) !== 0 && (this.sr & USART_SR.TC) !== 0);
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irqLine(level);
    }
  }

  private readRegister(reg: number): number {
    switch (reg) {
      case USART_REG.SR:
        return this.sr;
      case USART_REG.DR:
        return 0; // the receiver is not modelled: RDR stays 0
      case USART_REG.BRR:
        return this.brr;
      case USART_REG.CR1:
        return this.cr1;
      case USART_REG.CR2:
        return this.cr2;
      case USART_REG.CR3:
        return this.cr3;
      case USART_REG.GTPR:
        return this.gtpr;
      default:
        return 0;
    }
  }
}
