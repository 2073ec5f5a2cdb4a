import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REGSEL } from '../arch/armv7m/regsel.js';
import {
  BASE_REGISTER_NAMES,
  CoreRegisterFile,
  FPU_REGISTER_NAMES,
  packSpecial,
  parseRegisterName,
  regselOf,
  unpackSpecial,
} from './core-registers.js';

test('names map to DCRSR.REGSEL as C1.6.3 numbers them', () => {
  assert.equal(regselOf('r0'), 0);
  assert.equal(regselOf('r12'), 12);
  assert.equal(regselOf('sp'), 13);
  assert.equal(regselOf('pc'), REGSEL.DebugReturnAddress);
  assert.equal(regselOf('xpsr'), 0x10);
  assert.equal(regselOf('psp'), 0x12);
  for (const name of ['primask', 'basepri', 'faultmask', 'control'] as const)
    assert.equal(regselOf(name), 0x14);
  assert.equal(regselOf('fpscr'), 0x21);
  assert.equal(regselOf('s0'), 0x40);
  assert.equal(regselOf('s31'), 0x5f);
  assert.equal(BASE_REGISTER_NAMES.length + FPU_REGISTER_NAMES.length, 23 + 33);
});

test('the packed word: CONTROL 31:24, FAULTMASK 23:16, BASEPRI 15:8, PRIMASK 7:0', () => {
  assert.deepEqual(unpackSpecial(0x0301_a001), { control: 3, faultmask: 1, basepri: 0xa0, primask: 1 });
  assert.equal(packSpecial(0x0301_a001, 'basepri', 0x40), 0x0301_4001);
  assert.equal(packSpecial(0, 'control', 0xff), 0x0700_0000, 'CONTROL has three bits');
});

test('writing one packed register keeps the other three', async () => {
  const regs = new Map<number, number>([[0x14, 0x0201_8001]]);
  const file = new CoreRegisterFile({
    readRegister: (r) => Promise.resolve(regs.get(r) ?? 0),
    writeRegister: (r, v) => {
      regs.set(r, v);
      return Promise.resolve();
    },
    readDebugRegister: () => Promise.resolve(0),
    writeDebugRegister: () => Promise.resolve(),
  });
  await file.write('primask', 0);
  assert.equal(regs.get(0x14), 0x0201_8000);
  assert.equal(await file.read('control'), 2);
  const all = await file.readAll(false);
  assert.equal(all.basepri, 0x80);
  assert.equal(all.s0, undefined);
});

test('user input names', () => {
  assert.equal(parseRegisterName('PC'), 'pc');
  assert.equal(parseRegisterName(' S3 '), 's3');
  assert.throws(() => parseRegisterName('r13x'), { code: 'bad-input.unknown-register' });
});
