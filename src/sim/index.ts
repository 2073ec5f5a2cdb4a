/**
 * The virtual STM32F4DISCOVERY as a library (`import … from 'swdkit/sim'`): the board, the runner
 * that drives it in time, and its on-board ST-Link as a device that a transport (the main entry's
 * InProcessTransport) or the server (`swdkit/node`) can reach. Its state file is Node-only and lives in
 * `swdkit/node`.
 */
export {
  DISCOVERY,
  DiscoveryBoard,
  type DiscoveryBoardOptions,
  type FlashSegment,
  type LedName,
  type LedState,
} from './board/discovery.js';
export {
  BoardRunner,
  RUNNER_PARAMETERS,
  type BoardRunnerOptions,
  type RunnableBoard,
  type RunnerParameters,
} from './board/runner.js';
export { VirtualStLinkDevice, type ChargeCost, type VirtualStLinkOptions } from './probe/virtual-stlink.js';
export {
  probeModel,
  stLinkV2_1,
  stLinkV3,
  type ProbeModel,
  type ProbeModelName,
  type ProbeModelOptions,
} from './probe/models.js';
export { MEMORY } from './soc/memory-map.js';
