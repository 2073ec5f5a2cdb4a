import type { SilenceReason } from '../debug-port-rules.js';
import type { AccessSize } from '../peripheral.js';

/**
 * What the debug access port reaches: the chip's answer-or-not conditions and its system bus as the
 * AHB-AP sees it. `Stm32f407` provides the first three; the board adds the stall information
 * (src/sim/board/soc-debug-target.ts). Unit tests use a small fake.
 */
export interface DapTarget {
  /** Why the SW-DP would not answer now (src/sim/soc/debug-port-rules.ts), undefined when it does. */
  readonly debugPortSilence: SilenceReason | undefined;
  /** An AHB read; throws `BusError` (src/sim/cpu/bus.ts) on an error response. */
  debugRead(address: number, size: AccessSize): number;
  /** An AHB write; throws `BusError` on an error response. */
  debugWrite(address: number, size: AccessSize, value: number): void;
  /** Virtual time in ns (absent: no AHB transfer ever stalls). */
  readonly now?: number;
  /**
   * Virtual time (ns) until which an AHB transfer to `address` would be held in wait states, such as
   * a flash read or program access while FLASH_SR.BSY is set (RM0090 chapter 3, embedded flash:
   * the bus stalls while BSY).
   * A value ≤ `now` means no stall.
   */
  debugStallUntil?(address: number, write: boolean): number;
}
