import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeBefore, storedBits, type StoreContext } from './store-decode.js';

/** Instructions at `pc - n` and a register file, as the target would show them after the store. */
function context(code: Record<number, number>, registers: Record<number, number>): StoreContext {
  return {
    halfword: (a) => Promise.resolve(code[a] ?? 0xbf00), // NOP elsewhere
    register: (i) => Promise.resolve(registers[i] ?? 0),
  };
}

const PC = 0x0800_0210;
const MODER = 0x4002_0000;

describe('storeBefore (the Thumb store a watchpoint halted after)', () => {
  it('16-bit STR Rt, [Rn, #imm] (T1): address from Rn + imm5*4, value from Rt', async () => {
    // str r3, [r2, #0]
    const store = await storeBefore(
      PC,
      MODER,
      4,
      context({ [PC - 2]: 0x6013 }, { 2: MODER, 3: 0x9400_0000 }),
    );
    assert.deepEqual(store, { pc: PC - 2, address: MODER, size: 4, rt: 3 });
  });

  it('32-bit STR.W Rt, [Rn, #imm12] (T3)', async () => {
    // str.w r1, [r0, #0x24]: GPIOA_AFRH from GPIOA's base
    const store = await storeBefore(
      PC,
      MODER + 0x24,
      4,
      context({ [PC - 4]: 0xf8c0, [PC - 2]: 0x1024 }, { 0: MODER, 1: 0x0000_0f00 }),
    );
    assert.deepEqual(store, { pc: PC - 4, address: MODER + 0x24, size: 4, rt: 1 });
  });

  it('STRB T1 into the top byte of a register: storedBits puts it in its lane', async () => {
    // strb r1, [r0, #3]
    const store = await storeBefore(PC, MODER, 4, context({ [PC - 2]: 0x70c1 }, { 0: MODER, 1: 0x94 }));
    assert.deepEqual(store, { pc: PC - 2, address: MODER + 3, size: 1, rt: 1 });
    assert.deepEqual(storedBits(store, MODER, 0x94), { mask: 0xff00_0000, value: 0x9400_0000 });
  });

  it('STR T4 post-indexed with writeback: the address is Rn before the update', async () => {
    // str r2, [r3], #4  (hw2 = Rt 1 P=0 U=1 W=1 imm8=4)
    const store = await storeBefore(
      PC,
      MODER,
      4,
      context({ [PC - 4]: 0xf843, [PC - 2]: 0x2b04 }, { 3: MODER + 4, 2: 1 }),
    );
    assert.deepEqual(store, { pc: PC - 4, address: MODER, size: 4, rt: 2 });
  });

  it('STR (register) T1: Rn + Rm', async () => {
    // str r0, [r1, r2]
    const store = await storeBefore(PC, MODER, 4, context({ [PC - 2]: 0x5088 }, { 1: MODER - 8, 2: 8 }));
    assert.deepEqual(store, { pc: PC - 2, address: MODER, size: 4, rt: 0 });
  });

  it('an instruction that is not a store to the watched register: undefined', async () => {
    // str r3, [r2, #0] but r2 points elsewhere; then a plain NOP
    assert.equal(
      await storeBefore(PC, MODER, 4, context({ [PC - 2]: 0x6013 }, { 2: 0x2000_0000 })),
      undefined,
    );
    assert.equal(await storeBefore(PC, MODER, 4, context({}, {})), undefined);
  });
});
