/**
 * What the GDB connection needs of a target: run control, registers, memory, breakpoints,
 * watchpoints, flashing and reset. session-target.ts implements it on a Session, so every probe a
 * Session reaches (USB, an stlink-server, the virtual board) serves gdb the same way; tests may
 * implement it directly.
 */
import type { CoreRegisterName, CoreRegisters } from '../arm/core-registers.js';
import type { FaultStatus } from '../arm/fault-status.js';
import type { HaltCause } from '../arm/halt-reason.js';
import type { WatchKind } from '../arm/watchpoints.js';
import type { FlashSector } from '../target/chip.js';
import type { Segment } from '../flash/image/types.js';

export type { WatchKind } from '../arm/watchpoints.js';

/** What the memory map and the target description are built from. */
export interface TargetLayout {
  readonly hasFpu: boolean;
  /** Main flash, sector by sector (each an erase block for gdb's `load`). */
  readonly flashSectors: readonly FlashSector[];
}

/** Why a halted core stopped, as the target saw it (read once per halt, then kept until it runs). */
export interface HaltEvent {
  readonly causes: readonly HaltCause[];
  readonly pc: number;
  /** The watchpoints whose comparator matched. */
  readonly watchpoints: readonly { readonly address: number; readonly kind: WatchKind }[];
  /** Set when a fault's vector catch stopped the core (or the core locked up). */
  readonly fault?: FaultStatus;
  /** The core was found locked up (a fault in a fault handler) rather than halted. */
  readonly lockup?: boolean;
}

export type BreakpointType = 'software' | 'hardware';

export interface GdbTarget {
  layout(): Promise<TargetLayout>;
  /** One line per fact for `monitor info`. */
  info(): Promise<string[]>;

  /** True once the core is halted, or locked up (which counts as a stop). */
  isStopped(): Promise<boolean>;
  /**
   * What a running core is doing, for the poll while gdb waits: stopped, running, or running inside
   * its HardFault handler (ICSR.VECTACTIVE = 3), which the poll treats as a crash if it lasts.
   */
  poll(): Promise<'stopped' | 'running' | 'in-hardfault'>;
  /** Halts a core found stuck in its HardFault handler; its halt event then carries the fault status. */
  haltOnFault(): Promise<void>;
  halt(): Promise<void>;
  resume(): Promise<void>;
  /** One instruction, interrupts masked. */
  step(): Promise<void>;
  /** Why the core stopped (the core must be stopped). */
  haltEvent(): Promise<HaltEvent>;
  reset(halt: boolean): Promise<void>;

  readRegisters(): Promise<CoreRegisters>;
  writeRegister(name: CoreRegisterName, value: number): Promise<void>;

  readMemory(address: number, length: number): Promise<Uint8Array>;
  /** RAM and peripherals; flash is written by `flash`. */
  writeMemory(address: number, data: Uint8Array): Promise<void>;
  /** Erases what the segments need and programs them (unchanged sectors skipped), verified. */
  flash(segments: readonly Segment[]): Promise<void>;
  massErase(): Promise<void>;

  insertBreakpoint(type: BreakpointType, address: number): Promise<void>;
  removeBreakpoint(type: BreakpointType, address: number): Promise<void>;
  insertWatchpoint(kind: WatchKind, address: number, length: number): Promise<void>;
  removeWatchpoint(kind: WatchKind, address: number, length: number): Promise<void>;
  /**
   * Puts back the breakpoints and watchpoints in the core's units that another program on the same
   * probe changed (OpenOCD connecting beside us zeroes them), with one console line for each thing
   * put back. `running`: only what can be checked without disturbing a running core (the FPB).
   */
  reassert(running: boolean): Promise<readonly string[]>;
}
