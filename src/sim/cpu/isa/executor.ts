import type { Cpu } from '../cpu.js';

/**
 * A decoded instruction: a closure over its operand fields, created once per code address and cached
 * by the core. It must not allocate and must not throw anything but InstructionAbort/BusError (which
 * the core's primitives throw for it).
 */
export type Executor = (cpu: Cpu) => void;

/** The executor for every UNDEFINED encoding: a UsageFault with UFSR.UNDEFINSTR. */
export const undefinedExecutor: Executor = (cpu) => cpu.undefinedInstruction();
