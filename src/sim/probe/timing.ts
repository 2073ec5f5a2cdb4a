/**
 * Every number the virtual ST-Link's time model uses, in one place. A command costs
 *
 *   USB round trip + (16 command bytes + data-phase bytes) / USB payload rate
 *   + SWD clocks issued / SWD clock frequency
 *
 * in virtual nanoseconds. The SWD part counts the transactions the probe actually issues (retries
 * included) at SWD_CLOCKS_PER_TRANSACTION clocks each, plus line resets. The USB defaults are what a
 * full-speed V2 (12 Mbit/s bulk, one 1 ms frame per transfer pair in practice) and a high-speed V3
 * (480 Mbit/s, 125 µs microframes) roughly achieve with OpenOCD's command/data pairs; they are
 * estimates, chosen so a host never sees the virtual board finish sooner than the silicon would.
 */
import { NS_PER_MS, NS_PER_SECOND } from '../soc/clock.js';
import { SWD_CLOCKS_PER_TRANSACTION } from '../soc/debug-port/swd.js';

export interface UsbTiming {
  /** Fixed cost of one command exchange (command OUT, data phase, host turnaround), ns. */
  readonly roundTripNs: number;
  /** Payload bytes per second across the bulk endpoints. */
  readonly payloadBytesPerSecond: number;
}

/** Full-speed ST-LINK/V2 and V2-1: 1 ms per exchange + 1 MB/s. */
export const V2_USB_TIMING: UsbTiming = { roundTripNs: 1 * NS_PER_MS, payloadBytesPerSecond: 1_000_000 };
/** High-speed STLINK-V3: 0.25 ms per exchange + 20 MB/s. */
export const V3_USB_TIMING: UsbTiming = { roundTripNs: 0.25 * NS_PER_MS, payloadBytesPerSecond: 20_000_000 };

/** Clocks per SWD transaction (ADIv5 §B4.2: header 8, turnaround, ACK 3, data+parity 33, turnaround, idle). */
export const SWD_TRANSACTION_CLOCKS = SWD_CLOCKS_PER_TRANSACTION;
/**
 * A connect's line reset: ≥ 50 clocks with SWDIO high, the 16-bit JTAG-to-SWD select sequence, ≥ 50
 * clocks high again and 2 idle clocks (ADIv5 §B5.2.2, §B4.3.3).
 */
export const SWD_LINE_RESET_CLOCKS = 50 + 16 + 50 + 2;

/** How long DRIVE_NRST "pulse" holds NRST low: an estimate (the STM32F4 needs ≥ 20 µs, RM0090 §6.1.2). */
export const NRST_PULSE_NS = 1 * NS_PER_MS;

/** USB part of one exchange. `payloadBytes` counts the 16-byte block and the data phase. */
export function usbCostNs(usb: UsbTiming, payloadBytes: number): number {
  return usb.roundTripNs + (payloadBytes * NS_PER_SECOND) / usb.payloadBytesPerSecond;
}

/** SWD wire part: `clocks` at `kHz`. */
export function swdCostNs(clocks: number, kHz: number): number {
  return (clocks * NS_PER_SECOND) / (kHz * 1000);
}
