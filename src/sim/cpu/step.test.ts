import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXCEPTION } from './exceptions.js';
import { HFSR } from '../../arch/armv7m/scb.js';
import { cpuWithVectors, handlerAddress } from '../../../test/support/cpu-fixtures.js';

// BKPT is unconditional (ARMv7-M A7.7.17): inside an IT block whose condition fails it still executes.
// With halting debug and the monitor both disabled it escalates to HardFault with HFSR.DEBUGEVT.
test('BKPT in a failing IT slot still executes', () => {
  const { cpu } = cpuWithVectors([0xbf08 /* IT EQ */, 0xbe01 /* BKPT #1 */]);
  cpu.z = 0;
  cpu.step(); // IT
  cpu.step(); // BKPT: condition EQ fails, yet it executes
  cpu.step(); // HardFault entry
  assert.equal(cpu.scb.hfsr & HFSR.DEBUGEVT, HFSR.DEBUGEVT);
  assert.equal(cpu.pc, handlerAddress(EXCEPTION.HardFault));
});

test('an ordinary instruction in a failing IT slot is skipped', () => {
  const { cpu } = cpuWithVectors([0xbf08 /* IT EQ */, 0x2005 /* MOVEQ r0, #5 */]);
  cpu.z = 0;
  cpu.r[0] = 1;
  cpu.step();
  cpu.step();
  assert.equal(cpu.r[0], 1);
  assert.equal(cpu.itState, 0);
});
