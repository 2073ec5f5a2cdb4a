import { undefinedExecutor, type Executor } from './executor.js';

/** Data processing (register): shifts by register, extends, parallel add/subtract, misc (A5.3.12–A5.3.15). OWNER: helper B. */
export function decodeThumb32Register(_hw1: number, _hw2: number, _address: number): Executor {
  return undefinedExecutor;
}

/** Multiply, multiply-accumulate, absolute difference (A5.3.16); long multiply and divide (A5.3.17). OWNER: helper B. */
export function decodeThumb32Multiply(_hw1: number, _hw2: number, _address: number): Executor {
  return undefinedExecutor;
}
