import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BoardRunner, RUNNER_PARAMETERS } from './runner.js';

const MS = 1e6;

/** A board whose time is all there is to it; `failAt` makes runFor throw (a simulator bug). */
class FakeBoard {
  now = 0;
  calls = 0;
  failAt = Infinity;
  idle = false;
  runFor(ns: number): void {
    this.calls++;
    if (this.now + ns >= this.failAt) throw new Error('simulator bug');
    this.now += ns;
  }
}

test('unpaced: charge runs the board for the cost at once', () => {
  const board = new FakeBoard();
  const runner = new BoardRunner(board);
  assert.equal(runner.charge(1.5 * MS), undefined);
  assert.equal(board.now, 1.5 * MS);
  runner.charge(0);
  assert.equal(board.calls, 1);
});

test('unpaced: start runs slices and yields; stop stops', async () => {
  const board = new FakeBoard();
  const runner = new BoardRunner(board);
  runner.start();
  await sleep(30);
  runner.stop();
  const reached = board.now;
  assert.ok(reached > 10 * RUNNER_PARAMETERS.unpacedSliceNs, `ran ${reached / MS} ms of virtual time`);
  await sleep(20);
  assert.equal(board.now, reached, 'nothing runs after stop');
});

test('unpaced with an idle core: time passes at the idle speed-up, not as fast as the host allows', async () => {
  const board = new FakeBoard();
  board.idle = true;
  const runner = new BoardRunner(board);
  const started = performance.now();
  runner.start();
  await sleep(40);
  runner.stop();
  const wallMs = performance.now() - started;
  const limit = (wallMs + RUNNER_PARAMETERS.unpacedIdleTickMs) * RUNNER_PARAMETERS.unpacedIdleSpeedup * MS;
  assert.ok(board.now > 0, 'time still passes');
  assert.ok(
    board.now <= limit,
    `${board.now / MS} ms of virtual time in ${wallMs.toFixed(1)} ms of wall time`,
  );
  // A core that becomes busy again runs flat out at once.
  board.idle = false;
  const before = board.now;
  const resumed = performance.now();
  runner.start();
  await sleep(20);
  runner.stop();
  const idleLimit =
    (performance.now() - resumed + RUNNER_PARAMETERS.unpacedIdleTickMs) *
    RUNNER_PARAMETERS.unpacedIdleSpeedup *
    MS;
  assert.ok(
    board.now - before > idleLimit,
    `busy: ${(board.now - before) / MS} ms, idle would allow ${idleLimit / MS}`,
  );
});

test('paced: virtual time follows the wall clock', async () => {
  const board = new FakeBoard();
  const runner = new BoardRunner(board, { paced: true });
  const started = performance.now();
  runner.start();
  await sleep(200);
  runner.stop();
  const wallNs = (performance.now() - started) * MS;
  assert.ok(board.now <= wallNs + RUNNER_PARAMETERS.pacedSliceNs, `not ahead: ${board.now / MS} ms`);
  assert.ok(board.now >= wallNs - 50 * MS, `not far behind: ${board.now / MS} of ${wallNs / MS} ms`);
});

test('paced: charge resolves after the cost in wall time', async () => {
  const board = new FakeBoard();
  const runner = new BoardRunner(board, { paced: true });
  const started = performance.now();
  const pending = runner.charge(30 * MS);
  assert.ok(pending instanceof Promise);
  await pending;
  assert.ok(performance.now() - started >= 30, 'held back for the cost');
  assert.equal(board.now, 0, 'charging does not run a stopped board');
});

test('paced: a charge of a fraction of a millisecond more is never answered early', async () => {
  const runner = new BoardRunner(new FakeBoard(), { paced: true });
  // Node's timers count whole milliseconds from the loop's cached time: a bare setTimeout(2.7)
  // can fire after 1.8 ms. Each of these must take its whole cost.
  for (const ms of [2.7, 0.3, 1.01, 4.99, 2.7, 0.3, 1.01, 4.99]) {
    const started = performance.now();
    await runner.charge(ms * MS);
    const took = performance.now() - started;
    assert.ok(took >= ms, `a ${ms} ms charge took ${took.toFixed(3)} ms`);
  }
});

test('paced: a wall-clock jump is not paid back in one burst', async () => {
  const board = new FakeBoard();
  let wall = 0;
  const runner = new BoardRunner(board, {
    paced: true,
    wallClock: () => wall,
    parameters: { pacedTickMs: 1 },
  });
  runner.start();
  await sleep(5);
  wall = 10_000; // the host was suspended for 10 s
  await sleep(20);
  runner.stop();
  assert.ok(board.now <= RUNNER_PARAMETERS.pacedMaxLagNs + RUNNER_PARAMETERS.pacedSliceNs);
  assert.ok(board.now >= RUNNER_PARAMETERS.pacedMaxLagNs - RUNNER_PARAMETERS.pacedSliceNs);
});

test('a simulator error stops the runner and is reported', async () => {
  const board = new FakeBoard();
  board.failAt = 5 * MS;
  const errors: unknown[] = [];
  const runner = new BoardRunner(board, { onError: (error) => errors.push(error) });
  runner.start();
  await sleep(20);
  assert.equal(runner.isRunning, false);
  assert.equal(errors.length, 1);
  assert.ok(runner.failure instanceof Error);
});

test('unpaced: a charge of seconds is spent in slices between event-loop turns, all of it', async () => {
  const board = new FakeBoard();
  // Each slice of board time costs 1 ms of (fake) wall time: one slice per turn.
  let wall = 0;
  const runner = new BoardRunner(board, {
    wallClock: () => wall,
    parameters: { unpacedWallBudgetMs: 1 },
  });
  const original = board.runFor.bind(board);
  board.runFor = (ns: number) => {
    original(ns);
    wall += 1;
  };
  const order: string[] = [];
  const charged = runner.charge(10_000 * MS);
  assert.ok(charged instanceof Promise, 'a long charge does not hold the event loop');
  setImmediate(() => order.push('other work'));
  await charged;
  order.push('charge done');
  assert.deepEqual(order, ['other work', 'charge done']);
  assert.equal(board.now, 10_000 * MS, 'the modelled cost is spent in full');
  assert.equal(board.calls, 10_000 / (RUNNER_PARAMETERS.unpacedChargeSliceNs / MS));
});

test('unpaced: finishCharges ends a long charge at once (shutdown)', async () => {
  const board = new FakeBoard();
  let wall = 0;
  const runner = new BoardRunner(board, { wallClock: () => wall++ });
  const charged = runner.charge(3_600_000 * MS);
  assert.ok(charged instanceof Promise);
  runner.finishCharges();
  await charged;
  assert.ok(board.now < 3_600_000 * MS);
});
