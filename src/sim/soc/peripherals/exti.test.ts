import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXTI_REG, Exti } from './exti.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

function setup() {
  const ctx = new FakeSocContext();
  const exti = new Exti(ctx);
  let events = 0;
  exti.onEvent = () => events++;
  return {
    ctx,
    exti,
    events: () => events,
    r: (reg: number) => exti.read(reg, 4) >>> 0,
    w: (reg: number, v: number) => {
      exti.write(reg, 4, v);
    },
  };
}

describe('Exti', () => {
  test('rising edge on line 0 pends EXTI0 (IRQ 6) until PR is written 1', () => {
    const { ctx, exti, r, w } = setup();
    w(EXTI_REG.IMR, 1);
    w(EXTI_REG.RTSR, 1);
    exti.inputChanged(0, true);
    assert.equal(r(EXTI_REG.PR), 1);
    assert.equal(ctx.irqLevel(6), true);
    exti.inputChanged(0, false); // falling edge not selected
    assert.equal(r(EXTI_REG.PR), 1);
    w(EXTI_REG.PR, 0); // writing 0 does nothing
    assert.equal(r(EXTI_REG.PR), 1);
    w(EXTI_REG.PR, 1);
    assert.equal(r(EXTI_REG.PR), 0);
    assert.equal(ctx.irqLevel(6), false);
  });

  test('falling only, both edges, and no repeated edge for the same level', () => {
    const { exti, r, w } = setup();
    w(EXTI_REG.IMR, 0b110);
    w(EXTI_REG.FTSR, 0b110);
    w(EXTI_REG.RTSR, 0b100);
    exti.inputChanged(1, true);
    assert.equal(r(EXTI_REG.PR), 0, 'line 1: rising not selected');
    exti.inputChanged(1, false);
    assert.equal(r(EXTI_REG.PR), 0b010);
    exti.inputChanged(2, true);
    assert.equal(r(EXTI_REG.PR), 0b110);
    w(EXTI_REG.PR, 0b100);
    exti.inputChanged(2, true);
    assert.equal(r(EXTI_REG.PR), 0b010, 'same level again is no edge');
    exti.inputChanged(2, false);
    assert.equal(r(EXTI_REG.PR), 0b110);
  });

  test('a masked line does not pend; EMR raises an event instead', () => {
    const { exti, r, w, events } = setup();
    w(EXTI_REG.RTSR, 1 << 3);
    w(EXTI_REG.EMR, 1 << 3);
    exti.inputChanged(3, true);
    assert.equal(r(EXTI_REG.PR), 0);
    assert.equal(events(), 1);
  });

  test('shared vectors: lines 5–9 → IRQ 23, 10–15 → IRQ 40, PVD (16) → IRQ 1', () => {
    const { ctx, r, w } = setup();
    w(EXTI_REG.IMR, 0x7f_ffff);
    w(EXTI_REG.SWIER, (1 << 7) | (1 << 12) | (1 << 16));
    assert.equal(r(EXTI_REG.PR), (1 << 7) | (1 << 12) | (1 << 16));
    assert.equal(ctx.irqLevel(23), true);
    assert.equal(ctx.irqLevel(40), true);
    assert.equal(ctx.irqLevel(1), true);
    w(EXTI_REG.PR, 1 << 12);
    assert.equal(ctx.irqLevel(40), false);
    assert.equal(ctx.irqLevel(23), true);
  });

  test('SWIER: 0→1 triggers once, clearing PR clears SWIER', () => {
    const { r, w, events } = setup();
    w(EXTI_REG.IMR, 1 << 4);
    w(EXTI_REG.EMR, 1 << 4);
    w(EXTI_REG.SWIER, 1 << 4);
    w(EXTI_REG.SWIER, 1 << 4);
    assert.equal(events(), 1);
    assert.equal(r(EXTI_REG.SWIER), 1 << 4);
    w(EXTI_REG.PR, 1 << 4);
    assert.equal(r(EXTI_REG.SWIER), 0);
    w(EXTI_REG.SWIER, 1 << 4);
    assert.equal(events(), 2);
  });

  test('stop firmware pattern: everything masked, PR written 0xFFFFFFFF, reserved bits read 0', () => {
    const { exti, ctx, r, w } = setup();
    w(EXTI_REG.IMR, 1);
    w(EXTI_REG.RTSR, 1);
    exti.inputChanged(0, true);
    w(EXTI_REG.IMR, 0xffff_ffff);
    assert.equal(r(EXTI_REG.IMR), 0x7f_ffff);
    w(EXTI_REG.IMR, 0);
    w(EXTI_REG.PR, 0xffff_ffff);
    assert.equal(r(EXTI_REG.PR), 0);
    assert.equal(ctx.irqLevel(6), false);
    exti.reset('system');
    assert.equal(r(EXTI_REG.RTSR), 0);
  });
});
