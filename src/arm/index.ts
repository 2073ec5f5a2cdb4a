/** The host-side ARMv7-M debug layer: a Cortex-M core under halting debug, over a probe's access. */
export * from './memory-access.js';
export * from './debug-access.js';
export * from './core-state.js';
export * from './core-registers.js';
export * from './core-identity.js';
export * from './breakpoints.js';
export * from './watchpoints.js';
export * from './reset.js';
export * from './halt-reason.js';
export * from './fault-status.js';
export * from './cortex-m.js';
