/**
 * Stop replies with the real reason (GDB manual, "Stop Reply Packets"): T05 with swbreak or hwbreak
 * for a breakpoint, watch/rwatch/awatch with the data address for a watchpoint, T02 (SIGINT) for an
 * interrupt, and for a fault the signal a host program would get — SIGSEGV for a MemManage fault,
 * SIGBUS for a bus fault, SIGILL or SIGFPE for a usage fault — with the fault status decoded in words
 * for gdb's console.
 */
import type { FaultStatus } from '../arm/fault-status.js';
import { hex32 } from '../util/bytes.js';
import type { HaltEvent, WatchKind } from './target.js';

/** gdb's own signal numbers (include/gdb/signals.def), not the host's. */
export const GDB_SIGNAL = { INT: 2, ILL: 4, TRAP: 5, FPE: 8, BUS: 10, SEGV: 11 } as const;

const WATCH_KEY: Record<WatchKind, string> = { write: 'watch', read: 'rwatch', access: 'awatch' };

/** What the connection knows about the stop beyond the target's own reasons. */
export interface StopContext {
  /** gdb interrupted the run (^C). */
  readonly interrupted: boolean;
  /** gdb's Z0 and Z1 breakpoint addresses (Thumb bit clear). */
  readonly softwareBreakpoints: ReadonlySet<number>;
  readonly hardwareBreakpoints: ReadonlySet<number>;
}

export interface StopReply {
  readonly packet: string;
  /** Console lines to send before the stop reply (`O` packets). */
  readonly console: readonly string[];
}

export function faultSignal(fault: FaultStatus): number {
  // An escalated fault's own cause says more than FORCED; HFSR alone means the vector table.
  const cause = fault.causes.find((c) => c.register !== 'HFSR') ?? fault.causes[0];
  if (cause === undefined) return GDB_SIGNAL.SEGV;
  switch (cause.register) {
    case 'MMFSR':
      return GDB_SIGNAL.SEGV;
    case 'BFSR':
    case 'HFSR':
      return GDB_SIGNAL.BUS;
    case 'UFSR':
      if (cause.bit === 'DIVBYZERO') return GDB_SIGNAL.FPE;
      if (cause.bit === 'UNALIGNED') return GDB_SIGNAL.BUS;
      return GDB_SIGNAL.ILL;
  }
}

/** The console text for a fault: the summary and the raw registers. */
export function describeFault(fault: FaultStatus, lockup: boolean): string {
  const what = lockup ? 'The core locked up (a fault while handling a fault)' : 'The core took a HardFault';
  return (
    `${what}: ${fault.summary}.\n` +
    `  CFSR ${hex32(fault.cfsr)}  HFSR ${hex32(fault.hfsr)}  MMFAR ${hex32(fault.mmfar)}  BFAR ${hex32(fault.bfar)}\n`
  );
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

export function stopReply(event: HaltEvent, context: StopContext): StopReply {
  if (event.fault !== undefined || event.lockup === true) {
    const console =
      event.fault === undefined
        ? ['The core locked up (a fault while handling a fault); no fault status was recorded.\n']
        : [describeFault(event.fault, event.lockup === true)];
    const signal = event.fault === undefined ? GDB_SIGNAL.SEGV : faultSignal(event.fault);
    return { packet: `T${hex2(signal)}`, console };
  }
  const [watch] = event.watchpoints;
  if (watch !== undefined) {
    return { packet: `T05${WATCH_KEY[watch.kind]}:${watch.address.toString(16)};`, console: [] };
  }
  const pc = (event.pc & ~1) >>> 0;
  if (event.causes.includes('breakpoint')) {
    if (context.softwareBreakpoints.has(pc)) return { packet: 'T05swbreak:;', console: [] };
    if (context.hardwareBreakpoints.has(pc)) return { packet: 'T05hwbreak:;', console: [] };
    // A BKPT the program itself holds: a plain SIGTRAP, which gdb reports at that instruction.
    return { packet: 'T05', console: [] };
  }
  if (context.interrupted) return { packet: `T${hex2(GDB_SIGNAL.INT)}`, console: [] };
  return { packet: 'T05', console: [] };
}
