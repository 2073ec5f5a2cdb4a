import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WWDG_CFR, WWDG_CR, WWDG_REG, WWDG_SR_EWIF, Wwdg } from './wwdg.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

const US = 1e3;
/** PCLK1 16 MHz, WDGTB 0: one tick is 4096 / 16 MHz = 256 µs. */
const TICK = 256 * US;

function setup() {
  const ctx = new FakeSocContext();
  const wwdg = new Wwdg(ctx);
  return {
    ctx,
    wwdg,
    r: (reg: number) => wwdg.read(reg, 4),
    w: (reg: number, v: number) => {
      wwdg.write(reg, 4, v);
    },
  };
}

describe('Wwdg', () => {
  test('reset values (RM0090 §20.6): CR 0x7F, CFR 0x7F, SR 0', () => {
    const { r, wwdg } = setup();
    assert.equal(r(WWDG_REG.CR), 0x7f);
    assert.equal(r(WWDG_REG.CFR), 0x7f);
    assert.equal(r(WWDG_REG.SR), 0);
    assert.deepEqual(wwdg.clockEnable, { register: 'APB1ENR', bit: 11 });
  });

  test('the counter is free-running at PCLK1/4096 even with WDGA 0, and wraps', () => {
    const { ctx, r } = setup();
    ctx.advance(10 * TICK + 1);
    assert.equal(r(WWDG_REG.CR), 0x7f - 10);
    ctx.advance(0x75 * TICK);
    assert.equal(r(WWDG_REG.CR), 0x00);
    ctx.advance(TICK);
    assert.equal(r(WWDG_REG.CR), 0x7f);
    assert.equal(ctx.resets.length, 0);
    assert.equal(r(WWDG_REG.SR), WWDG_SR_EWIF, 'EWIF is set at 0x40 even without EWI');
    assert.equal(ctx.irqLevel(0), false);
  });

  test('WDGA: reset when T6 clears, 64 ticks from 0x7F (16.384 ms at 16 MHz)', () => {
    const { ctx, w } = setup();
    w(WWDG_REG.CR, WWDG_CR.WDGA | 0x7f);
    ctx.advance(64 * TICK - 1);
    assert.equal(ctx.resets.length, 0);
    ctx.advance(2);
    assert.deepEqual(
      ctx.resets.map((x) => x.source),
      ['wwdg'],
    );
  });

  test('EWI: EWIF and IRQ 0 when the counter reaches 0x40; EWIF is rc_w0; EWI cannot be cleared', () => {
    const { ctx, r, w } = setup();
    w(WWDG_REG.CFR, WWDG_CFR.EWI | 0x7f);
    w(WWDG_REG.CR, WWDG_CR.WDGA | 0x7f);
    ctx.advance(63 * TICK - 1);
    assert.equal(ctx.irqLevel(0), false);
    ctx.advance(2);
    assert.equal(r(WWDG_REG.SR), 1);
    assert.equal(ctx.irqLevel(0), true);
    w(WWDG_REG.SR, 1);
    assert.equal(r(WWDG_REG.SR), 1, 'writing 1 has no effect');
    w(WWDG_REG.SR, 0);
    assert.equal(ctx.irqLevel(0), false);
    w(WWDG_REG.CFR, 0x7f);
    assert.equal(r(WWDG_REG.CFR) & WWDG_CFR.EWI, WWDG_CFR.EWI);
    w(WWDG_REG.CR, 0x7f);
    assert.equal(r(WWDG_REG.CR) & WWDG_CR.WDGA, WWDG_CR.WDGA, 'WDGA cannot be cleared');
  });

  test('window: a refresh while T > W resets; below the window it reloads', () => {
    const { ctx, r, w } = setup();
    w(WWDG_REG.CFR, 0x50);
    w(WWDG_REG.CR, WWDG_CR.WDGA | 0x7f); // enabling is not a refresh
    assert.equal(ctx.resets.length, 0);
    ctx.advance(0x30 * TICK + 1); // T = 0x4F < W
    w(WWDG_REG.CR, 0x7f);
    assert.equal(ctx.resets.length, 0);
    assert.equal(r(WWDG_REG.CR), WWDG_CR.WDGA | 0x7f);
    ctx.advance(TICK);
    w(WWDG_REG.CR, 0x7f); // T = 0x7E > W
    assert.equal(ctx.resets.length, 1);
  });

  test('writing T6 = 0 with WDGA resets at once', () => {
    const { ctx, w } = setup();
    w(WWDG_REG.CR, WWDG_CR.WDGA | 0x3f);
    assert.equal(ctx.resets.length, 1);
  });

  test('WDGTB divides by 2^WDGTB', () => {
    const { ctx, r, w } = setup();
    w(WWDG_REG.CFR, (3 << WWDG_CFR.WDGTB_SHIFT) | 0x7f);
    ctx.advance(8 * TICK * 5 + 1);
    assert.equal(r(WWDG_REG.CR), 0x7f - 5);
  });

  test('halted core: frozen only with DBG_WWDG_STOP, keeping its prescaler phase', () => {
    const { ctx, wwdg, r, w } = setup();
    w(WWDG_REG.CR, WWDG_CR.WDGA | 0x7f);
    ctx.debugFreeze.apb1fz = 1 << 11;
    ctx.advance(10.5 * TICK);
    ctx.coreHalted = true;
    wwdg.debugHaltChanged();
    ctx.advance(1000 * TICK);
    assert.equal(r(WWDG_REG.CR) & 0x7f, 0x7f - 10);
    assert.equal(ctx.resets.length, 0);
    ctx.coreHalted = false;
    wwdg.debugHaltChanged();
    ctx.advance(0.5 * TICK - 1);
    assert.equal(r(WWDG_REG.CR) & 0x7f, 0x7f - 10);
    ctx.advance(2);
    assert.equal(r(WWDG_REG.CR) & 0x7f, 0x7f - 11);

    const n = setup();
    n.w(WWDG_REG.CR, WWDG_CR.WDGA | 0x7f);
    n.ctx.coreHalted = true;
    n.wwdg.debugHaltChanged();
    n.ctx.advance(65 * TICK);
    assert.equal(n.ctx.resets.length, 1, 'without DBG_WWDG_STOP it keeps counting');
  });

  test('a PCLK1 change takes effect from then on', () => {
    const { ctx, wwdg, r } = setup();
    ctx.advance(2 * TICK + 1);
    ctx.clocks.pclk1 = 8e6;
    wwdg.frequencyChanged();
    ctx.advance(2 * 2 * TICK);
    assert.equal(r(WWDG_REG.CR), 0x7f - 4);
  });

  test('with its clock gated off (WWDGEN = 0) the counter stands still and sets no EWIF', () => {
    const ctx = new FakeSocContext();
    let enabled = false;
    const wwdg = new Wwdg(ctx, { clockEnabled: () => enabled });
    ctx.advance(1000 * TICK);
    assert.equal(wwdg.counter, 0x7f);
    assert.equal(wwdg.read(WWDG_REG.SR, 4), 0);
    enabled = true;
    wwdg.clockGateChanged();
    ctx.advance(3 * TICK + 1);
    assert.equal(wwdg.counter, 0x7c);
    enabled = false;
    wwdg.clockGateChanged();
    ctx.advance(100 * TICK);
    assert.equal(wwdg.counter, 0x7c);
  });
});
