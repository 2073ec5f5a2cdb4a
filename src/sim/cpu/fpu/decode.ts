import { CFSR } from '../../../arch/armv7m/scb.js';
import { checkFpAccess } from '../system/fp-context.js';
import { undefinedExecutor, type Executor } from '../isa/executor.js';
import { decodeFpDataProcessing } from './fp-data-processing.js';
import { decodeFpLoadStore } from './fp-load-store.js';
import { decodeFpTransfer32, decodeFpTransfer64 } from './fp-transfer.js';

/**
 * The coprocessor space (ARMv7-M A5.3.18):
 *
 *   hw1 = 111T 11 op1:6 Rn:4     hw2 = xxxx coproc:4 xxx op xxxx
 *
 * - op1 = 00000x or 11xxxx: UNDEFINED (UsageFault UNDEFINSTR).
 * - Any other encoding for a coprocessor other than CP10/CP11 is one of the generic coprocessor
 *   instructions (STC/LDC/MCRR/MRRC/CDP/MCR/MRC and their "2" forms, A7.7). The Cortex-M4 has no
 *   coprocessor but the FPU, so Coproc_Accepted() fails and GenerateCoprocessorException() raises a
 *   UsageFault with UFSR.NOCP (B1.5.14, B3.2.15).
 * - CP10/CP11 (coproc = 101x) is the FPU: A6.5 extension register load/store, A6.7 64-bit transfers,
 *   A6.4 data processing, A6.6 32-bit transfers. Those encodings all have T = 0; T = 1 with 101x is
 *   UNDEFINED. Encodings the FP tables leave unallocated are UNDEFINED too (UNDEFINSTR).
 */

const noCoprocessor: Executor = (cpu) => cpu.usageFault(CFSR.NOCP);

/**
 * An unallocated CP10/CP11 encoding: while CPACR disables the FPU the coprocessor is absent and
 * rejects everything addressed to it (NOCP, B3.2.20); only an enabled FPU reports UNDEFINSTR.
 */
const fpUndefined: Executor = (cpu) => {
  checkFpAccess(cpu);
  cpu.undefinedInstruction();
};

export function decodeCoprocessor(hw1: number, hw2: number, address: number): Executor {
  const op1 = (hw1 >>> 4) & 0x3f;
  if ((op1 & 0b111110) === 0 || (op1 & 0b110000) === 0b110000) return undefinedExecutor;
  const exec = decodeCoprocessorSpace(hw1, hw2, address);
  return exec === undefinedExecutor && ((hw2 >>> 9) & 0b111) === 0b101 ? fpUndefined : exec;
}

function decodeCoprocessorSpace(hw1: number, hw2: number, address: number): Executor {
  const op1 = (hw1 >>> 4) & 0x3f;
  if (((hw2 >>> 9) & 0b111) !== 0b101) return noCoprocessor;
  if (((hw1 >>> 12) & 1) === 1) return undefinedExecutor;
  if ((op1 & 0b100000) === 0) {
    if ((op1 & 0b111110) === 0b000100) return decodeFpTransfer64(hw1, hw2); // 00010x
    return decodeFpLoadStore(hw1, hw2, address); // 0xxxxx, not 000x0x
  }
  // 10xxxx: data processing (op = 0) or 8/16/32-bit transfers (op = 1)
  if (((hw2 >>> 4) & 1) === 0) return decodeFpDataProcessing(hw1, hw2);
  return decodeFpTransfer32(hw1, hw2);
}
