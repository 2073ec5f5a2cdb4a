import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventClock } from './event-clock.js';

describe('EventClock', () => {
  test('fires due events in time order, then ties in scheduling order, with now at each event', () => {
    const clock = new EventClock();
    const fired: string[] = [];
    clock.scheduleAt(300, (now) => fired.push(`c@${now}`));
    clock.scheduleAt(100, (now) => fired.push(`a@${now}`));
    clock.scheduleAt(100, (now) => fired.push(`b@${now}`));
    clock.scheduleAt(500, (now) => fired.push(`d@${now}`));
    clock.advanceTo(300);
    assert.deepEqual(fired, ['a@100', 'b@100', 'c@300']);
    assert.equal(clock.now, 300);
    assert.equal(clock.nextEventAt(), 500);
  });

  test('cancelled events never fire; events scheduled by callbacks inside the window do', () => {
    const clock = new EventClock();
    const fired: number[] = [];
    const handle = clock.scheduleIn(50, () => fired.push(50));
    clock.scheduleIn(10, () => clock.scheduleIn(5, (now) => fired.push(now)));
    handle.cancel();
    handle.cancel();
    clock.advanceTo(100);
    assert.deepEqual(fired, [15]);
    assert.equal(clock.nextEventAt(), Infinity);
  });

  test('an event in the past fires at the next advance, at the current time', () => {
    const clock = new EventClock();
    clock.advanceTo(1000);
    let at = -1;
    clock.scheduleAt(10, (now) => (at = now));
    clock.advanceTo(1000);
    assert.equal(at, 1000);
  });

  test('reports an event that becomes the earliest one, so a runner can shorten its slice', () => {
    const clock = new EventClock();
    const earlier: number[] = [];
    clock.onEarlierEvent = (at) => earlier.push(at);
    clock.scheduleAt(1000, () => undefined);
    clock.scheduleAt(2000, () => undefined);
    clock.scheduleAt(500, () => undefined);
    assert.deepEqual(earlier, [1000, 500]);
  });

  test('keeps order over many random events', () => {
    const clock = new EventClock();
    const times: number[] = [];
    let seed = 1;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const at = seed % 10_000;
      clock.scheduleAt(at, (now) => times.push(now));
    }
    clock.advanceTo(10_000);
    assert.equal(times.length, 500);
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1]! <= times[i]!);
  });
});
