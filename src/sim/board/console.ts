import { latin1 } from '../../util/bytes.js';

/**
 * The Discovery's console: what USART2 transmits on PA2 (the firmware's printf), as bytes and as
 * lines. UM1472 routes no UART to the ST-Link's virtual COM port on the original board; the
 * simulator listens on the pin instead.
 */
export class BoardConsole {
  /** Bytes kept for `text` (the oldest are dropped beyond this). */
  static readonly RETAINED_BYTES = 64 * 1024;

  private readonly byteListeners: ((byte: number) => void)[] = [];
  private readonly lineListeners: ((line: string) => void)[] = [];
  private retained: number[] = [];
  private line: number[] = [];

  /** Everything received so far (up to RETAINED_BYTES), decoded as Latin-1. */
  get text(): string {
    return latin1(this.retained);
  }

  onByte(listener: (byte: number) => void): void {
    this.byteListeners.push(listener);
  }

  /** Called with each complete line, without its "\n" (a "\r" before it is dropped too). */
  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  /** A byte from USART2's transmitter. */
  receive(byte: number): void {
    const b = byte & 0xff;
    this.retained.push(b);
    if (this.retained.length > BoardConsole.RETAINED_BYTES) {
      this.retained = this.retained.slice(-BoardConsole.RETAINED_BYTES / 2);
    }
    for (const listener of this.byteListeners) listener(b);
    if (b !== 0x0a) {
      this.line.push(b);
      return;
    }
    if (this.line[this.line.length - 1] === 0x0d) this.line.pop();
    const text = latin1(this.line);
    this.line = [];
    for (const listener of this.lineListeners) listener(text);
  }

  clear(): void {
    this.retained = [];
    this.line = [];
  }
}
