/** swdkit's library entry point. Layers export their public API here as they land. */
export * from './util/errors.js';
export * from './session.js';
export { CortexM, type CortexMOptions, type HaltReason } from './arm/cortex-m.js';
export { decodeFaultStatus, type FaultCause, type FaultStatus } from './arm/fault-status.js';
export { BASE_REGISTER_NAMES, FPU_REGISTER_NAMES, parseRegisterName } from './arm/core-registers.js';
export { CHIPS, type ChipDescription } from './target/index.js';
