import { undefinedExecutor, type Executor } from './executor.js';

/** 16-bit loads/stores, LDR literal, LDM/STM, PUSH/POP (A5.2); undefined if `hw` is not one. OWNER: helper B. */
export function decodeThumb16LoadStore(_hw: number, _address: number): Executor | undefined {
  return undefined;
}

/** 32-bit load/store multiple, dual, exclusive, table branch, single (A5.3.5–A5.3.10). OWNER: helper B. */
export function decodeThumb32LoadStore(_hw1: number, _hw2: number, _address: number): Executor {
  return undefinedExecutor;
}
