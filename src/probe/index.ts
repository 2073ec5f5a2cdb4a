/** The host-side ST-Link driver. */
export {
  StLink,
  type EnterSwdOptions,
  type MemoryAccessOptions,
  type StLinkOptions,
  type WordWrite,
} from './stlink.js';
export {
  DEFAULT_WAIT_RETRY,
  retryWhileWait,
  wallClockSleep,
  type Attempt,
  type Sleep,
  type WaitRetryPolicy,
} from './retry.js';
export { planTransfer, type TransferChunk, type TransferLimits } from './transfer-plan.js';
export { describeCommand } from './describe.js';
