import { undefinedExecutor, type Executor } from '../isa/executor.js';

/** Coprocessor space (A5.3.18): FPv4-SP on CP10/CP11; anything else is NOCP/UNDEFINED. OWNER: FPU helper. */
export function decodeCoprocessor(_hw1: number, _hw2: number, _address: number): Executor {
  return undefinedExecutor;
}
