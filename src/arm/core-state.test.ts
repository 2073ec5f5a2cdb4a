import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DHCSR } from '../arch/armv7m/debug.js';
import { DhcsrMonitor, stateOfDhcsr } from './core-state.js';

test('state precedence: in reset, halted, locked up, sleeping, running', () => {
  assert.equal(stateOfDhcsr(DHCSR.S_HALT | DHCSR.S_LOCKUP, true), 'in-reset');
  assert.equal(stateOfDhcsr(DHCSR.S_HALT | DHCSR.S_SLEEP, false), 'halted');
  assert.equal(stateOfDhcsr(DHCSR.S_LOCKUP, false), 'locked-up');
  assert.equal(stateOfDhcsr(DHCSR.S_SLEEP, false), 'sleeping');
  assert.equal(stateOfDhcsr(0, false), 'running');
});

/** DHCSR words in order, as a target would return them. */
function monitor(words: number[]): DhcsrMonitor {
  return new DhcsrMonitor({
    readDebugRegister: () => Promise.resolve(words.shift() ?? 0),
    writeDebugRegister: () => Promise.resolve(),
    readRegister: () => Promise.resolve(0),
    writeRegister: () => Promise.resolve(),
  });
}

test('a sticky S_RESET_ST read by someone else is still reported by the next status()', async () => {
  const m = monitor([DHCSR.S_RESET_ST | DHCSR.S_RETIRE_ST, 0, 0]);
  await m.read(); // a halt poll, say
  const s = await m.status();
  assert.equal(s.state, 'running');
  assert.equal(s.resetSinceLastStatus, true);
  assert.equal(s.retiredSinceLastStatus, true);
  assert.equal((await m.status()).resetSinceLastStatus, false);
});

test('S_RESET_ST on two reads in a row means held in reset now', async () => {
  assert.equal((await monitor([DHCSR.S_RESET_ST, DHCSR.S_RESET_ST]).status()).state, 'in-reset');
  const once = await monitor([DHCSR.S_RESET_ST, DHCSR.S_HALT]).status();
  assert.equal(once.state, 'halted');
  assert.equal(once.resetSinceLastStatus, true);
});
