import type { VirtualClock } from '../soc/clock.js';
import type { SwdWire } from '../soc/debug-port/swd.js';

/**
 * The wires between the probe and the target on the board (the Discovery's CN2/SB jumpers): SWD,
 * NRST, the VTref sense line, and the board's clock for the few things the probe does over time.
 * The board (src/sim/board) provides it; tests use a fake.
 */
export interface ProbeTargetLink {
  readonly swd: SwdWire;
  /** VTref as the probe's ADC samples it, in volts: the target's VDD, 0 when unpowered. */
  targetVoltage(): number;
  /** NRST is open drain: `true` pulls it low, `false` releases it. */
  setNrst(low: boolean): void;
  /** For timed pin actions (the end of a DRIVE_NRST pulse) as events on the board's time. */
  readonly clock: VirtualClock;
  /**
   * Lets the board's time pass while the probe waits on the target within one command (re-issuing a
   * WAITed transaction: the stall only ends as the target's clock moves). Without it, time passes
   * only between commands.
   */
  runFor?(ns: number): void;
}
