import { undefinedExecutor, type Executor } from './executor.js';

/** 16-bit Thumb other than loads/stores (ARMv7-M A5.2). OWNER: integer-ISA helper A. */
export function decodeThumb16(_hw: number, _address: number): Executor {
  return undefinedExecutor;
}
