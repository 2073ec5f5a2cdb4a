import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreRegisterAccess } from '../arm/debug-access.js';
import { REGSEL } from '../arch/armv7m/regsel.js';
import { restoreCoreContext, saveCoreContext } from './core-context.js';

/** A core's register file by selector, with every access logged. */
function fakeCore(): CoreRegisterAccess & { file: Map<number, number>; log: string[] } {
  const file = new Map<number, number>();
  const log: string[] = [];
  return {
    file,
    log,
    readRegister: (regsel) => {
      log.push(`r${regsel}`);
      return Promise.resolve(file.get(regsel) ?? 0);
    },
    writeRegister: (regsel, value) => {
      log.push(`w${regsel}`);
      file.set(regsel, value >>> 0);
      return Promise.resolve();
    },
    readDebugRegister: () => Promise.reject(new Error('not used')),
    writeDebugRegister: () => Promise.reject(new Error('not used')),
  };
}

const INTEGER_CONTEXT = [
  ...Array.from({ length: 13 }, (_, i) => i),
  REGSEL.LR,
  REGSEL.DebugReturnAddress,
  REGSEL.xPSR,
  REGSEL.MSP,
  REGSEL.PSP,
  REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK,
];

test('the context: every integer register and both stack pointers come back as they were', async () => {
  const core = fakeCore();
  for (const regsel of INTEGER_CONTEXT) core.file.set(regsel, (0x1000_0000 + regsel * 0x111) >>> 0);
  core.file.set(REGSEL.xPSR, 0x6100_0003);
  core.file.set(REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK, 0x0200_0001);
  const before = new Map(core.file);
  const saved = await saveCoreContext(core);
  // A loader run: arguments, its own stack, Thread mode, its entry point, scratch registers.
  for (const regsel of INTEGER_CONTEXT) core.file.set(regsel, 0xdead_0000 + regsel);
  core.log.length = 0;
  await restoreCoreContext(core, saved);
  assert.deepEqual(new Map([...core.file].filter(([r]) => INTEGER_CONTEXT.includes(r))), before);
  assert.equal(core.log.length, INTEGER_CONTEXT.length, 'one write per word');
  assert.ok(core.log.every((entry) => entry.startsWith('w')));
});

test('the context: one read per word; SP (an alias of MSP or PSP) and the FPU are not touched', async () => {
  const core = fakeCore();
  await saveCoreContext(core);
  assert.deepEqual([...core.log].sort(), INTEGER_CONTEXT.map((r) => `r${r}`).sort());
  assert.ok(!core.log.includes(`r${REGSEL.SP}`));
  assert.ok(!core.log.includes(`r${REGSEL.FPSCR}`));
});

test('the context: the stack pointers and CONTROL go back before the PC, which is last', async () => {
  const core = fakeCore();
  const saved = await saveCoreContext(core);
  core.log.length = 0;
  await restoreCoreContext(core, saved);
  const order = core.log.map((entry) => Number(entry.slice(1)));
  const first = (regsel: number): number => order.indexOf(regsel);
  for (const early of [REGSEL.MSP, REGSEL.PSP, REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK])
    assert.ok(first(early) < first(REGSEL.R0), `selector ${early} before r0`);
  assert.equal(order[order.length - 1], REGSEL.DebugReturnAddress);
});
