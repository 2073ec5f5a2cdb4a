import { undefinedExecutor, type Executor } from './executor.js';

/** 32-bit data processing: modified immediate (A5.3.1), plain binary immediate (A5.3.3), shifted register (A5.3.11). OWNER: helper A. */
export function decodeThumb32DataProcessing(_hw1: number, _hw2: number, _address: number): Executor {
  return undefinedExecutor;
}

/** Branches and miscellaneous control (A5.3.4). OWNER: helper A. */
export function decodeThumb32Branch(_hw1: number, _hw2: number, _address: number): Executor {
  return undefinedExecutor;
}
