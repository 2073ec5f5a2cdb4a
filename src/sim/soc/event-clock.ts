import type { TimerCallback, TimerHandle, VirtualClock } from './clock.js';

interface Timer extends TimerHandle {
  readonly at: number;
  /** Tie-breaker: events due at the same instant fire in the order they were scheduled. */
  readonly seq: number;
  readonly callback: TimerCallback;
  cancelled: boolean;
}

/**
 * The board's virtual clock: a priority queue of timed events. Only the SoC moves time forward
 * (`advanceTo`), firing due events in time order with `now` set to each event's own time, so a
 * peripheral that reschedules from its callback measures from the right instant.
 */
export class EventClock implements VirtualClock {
  private current = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];
  /**
   * Called when an event is scheduled earlier than every pending one, so a runner that computed a
   * time slice up to the old head can cut it short.
   */
  onEarlierEvent: ((at: number) => void) | undefined = undefined;

  get now(): number {
    return this.current;
  }

  scheduleAt(at: number, callback: TimerCallback): TimerHandle {
    const timer: Timer = {
      at: Math.max(at, this.current),
      seq: this.seq++,
      callback,
      cancelled: false,
      cancel() {
        this.cancelled = true;
      },
    };
    const head = this.nextEventAt();
    this.push(timer);
    if (timer.at < head) this.onEarlierEvent?.(timer.at);
    return timer;
  }

  scheduleIn(delay: number, callback: TimerCallback): TimerHandle {
    return this.scheduleAt(this.current + Math.max(0, delay), callback);
  }

  /** Time of the earliest pending event, Infinity when there is none. */
  nextEventAt(): number {
    this.dropCancelled();
    return this.heap[0]?.at ?? Infinity;
  }

  /**
   * Fires, in order, every event due at or before `time`, then sets `now` to `time`. Events that
   * callbacks schedule within the window fire too. Time never goes backwards.
   */
  advanceTo(time: number): void {
    for (;;) {
      this.dropCancelled();
      const head = this.heap[0];
      if (head === undefined || head.at > time) break;
      this.pop();
      this.current = Math.max(this.current, head.at);
      head.cancelled = true;
      head.callback(this.current);
    }
    this.current = Math.max(this.current, time);
  }

  /**
   * Moves `now` forward to `time` without firing anything: the SoC keeps the clock in step with the
   * core's cycle count while an instruction touches a peripheral, so the peripheral reads the right
   * time and schedules from it; due events fire at the next `advanceTo`.
   */
  syncTo(time: number): void {
    if (time > this.current) this.current = time;
  }

  /** Power-on: no events survive (every peripheral reschedules from its reset state). */
  clear(): void {
    for (const timer of this.heap) timer.cancelled = true;
    this.heap.length = 0;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled === true) this.pop();
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!EventClock.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && EventClock.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && EventClock.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
