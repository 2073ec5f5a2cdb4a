import { now } from './well-behaved.js';

/**
 * When hostile clients had the SWD clock slowed: from the clock command until a little after the
 * client left (the server restores the clock on its departure). A well-behaved command that ran
 * while the wire was slow is slow itself — every command then runs at that clock — so the soak
 * reports its wait apart from the others.
 */
export class SlowWire {
  private active = 0;
  private readonly intervals: { start: number; end: number }[] = [];
  private open: { start: number; end: number } | undefined;

  /** How long after the last slow client left the wire still counts as slow. */
  constructor(private readonly graceMs = 250) {}

  begin(): void {
    if (this.active++ === 0) {
      this.open = { start: now(), end: Infinity };
      this.intervals.push(this.open);
    }
  }

  end(): void {
    if (--this.active === 0 && this.open !== undefined) {
      this.open.end = now() + this.graceMs;
      this.open = undefined;
    }
  }

  /** Whether [start, end] (now() ms) overlaps a slow period. */
  overlaps(start: number, end: number): boolean {
    for (let i = this.intervals.length - 1; i >= 0; i--) {
      const interval = this.intervals[i];
      if (interval === undefined) continue;
      if (interval.end >= start && interval.start <= end) return true;
      if (interval.end < start - 60_000) break; // older ones cannot overlap anything still measured
    }
    return false;
  }

  /** Total wall time the wire was slow, ms. */
  totalMs(now: number): number {
    return this.intervals.reduce((sum, i) => sum + (Math.min(i.end, now) - i.start), 0);
  }
}
