import { DEBUG_REG, DHCSR } from '../arch/armv7m/debug.js';
import type { CoreRegisterAccess } from './debug-access.js';

/** What DHCSR says the core is doing (ARM DDI 0403E C1.6.2). */
export type CoreState = 'running' | 'halted' | 'sleeping' | 'locked-up' | 'in-reset';

export interface CoreStatus {
  readonly state: CoreState;
  /** The DHCSR word of the last read. */
  readonly dhcsr: number;
  /** The core was reset at least once since the previous `status()` (S_RESET_ST seen). */
  readonly resetSinceLastStatus: boolean;
  /** The core retired instructions since the previous `status()` (S_RETIRE_ST seen). */
  readonly retiredSinceLastStatus: boolean;
}

/** DHCSR's status bits alone (the sticky pair aside) as a state. */
export function stateOfDhcsr(dhcsr: number, heldInReset: boolean): CoreState {
  if (heldInReset) return 'in-reset';
  if (dhcsr & DHCSR.S_HALT) return 'halted';
  if (dhcsr & DHCSR.S_LOCKUP) return 'locked-up';
  if (dhcsr & DHCSR.S_SLEEP) return 'sleeping';
  return 'running';
}

/**
 * Every DHCSR read of the host side goes through here, because S_RESET_ST and S_RETIRE_ST clear when
 * DHCSR is read (C1.6.2): a halt poll that read and dropped them would hide a reset from whoever asks
 * next. Each read counts the sticky bits it saw; a reader compares counts before and after.
 * (The probe's own DHCSR polls inside READREG/WRITEREG, and other programs sharing the target, still
 * clear them unseen: a lost S_RESET_ST can be narrowed, never ruled out.)
 */
export class DhcsrMonitor {
  /** DHCSR reads that had S_RESET_ST set, since construction. */
  resetReads = 0;
  /** DHCSR reads that had S_RETIRE_ST set. */
  retireReads = 0;
  /** The last word read. */
  last = 0;
  private statusMark = { reset: 0, retire: 0 };

  constructor(private readonly access: CoreRegisterAccess) {}

  async read(): Promise<number> {
    const value = (await this.access.readDebugRegister(DEBUG_REG.DHCSR)) >>> 0;
    if (value & DHCSR.S_RESET_ST) this.resetReads++;
    if (value & DHCSR.S_RETIRE_ST) this.retireReads++;
    this.last = value;
    return value;
  }

  /**
   * The state, with the sticky bits seen since the last call. While the core is held in reset every
   * read shows S_RESET_ST, so a second read that shows it again means "in reset now", not "was reset".
   */
  async status(): Promise<CoreStatus> {
    let dhcsr = await this.read();
    let heldInReset = false;
    if (dhcsr & DHCSR.S_RESET_ST) {
      dhcsr = await this.read();
      heldInReset = (dhcsr & DHCSR.S_RESET_ST) !== 0;
    }
    const status: CoreStatus = {
      state: stateOfDhcsr(dhcsr, heldInReset),
      dhcsr,
      resetSinceLastStatus: this.resetReads !== this.statusMark.reset,
      retiredSinceLastStatus: this.retireReads !== this.statusMark.retire,
    };
    this.statusMark = { reset: this.resetReads, retire: this.retireReads };
    return status;
  }
}
