import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IWDG_KEY, IWDG_REG, IWDG_SR, Iwdg, prescalerDivider } from './iwdg.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

const US = 1e3;
const MS = 1e6;

function setup(hardware = false) {
  const ctx = new FakeSocContext();
  const iwdg = new Iwdg(ctx, { hardwareWatchdog: () => hardware });
  const w = (reg: number, v: number) => {
    iwdg.write(reg, 4, v);
  };
  const r = (reg: number) => iwdg.read(reg, 4);
  return { ctx, iwdg, w, r };
}

/** What firmware/src/watchdog.c does: LSI/8, RLR 599, wait for PVU/RVU, reload, start. */
function configure150ms(s: ReturnType<typeof setup>): void {
  s.w(IWDG_REG.KR, IWDG_KEY.ACCESS);
  s.w(IWDG_REG.PR, 1);
  s.w(IWDG_REG.RLR, 599);
  s.ctx.advance(200 * US);
  s.w(IWDG_REG.KR, IWDG_KEY.RELOAD);
  s.w(IWDG_REG.KR, IWDG_KEY.START);
}

describe('Iwdg', () => {
  test('reset values (RM0090 §19.4): PR 0, RLR 0xFFF, SR 0, KR reads 0; not running', () => {
    const { iwdg, r } = setup();
    assert.equal(r(IWDG_REG.KR), 0);
    assert.equal(r(IWDG_REG.PR), 0);
    assert.equal(r(IWDG_REG.RLR), 0xfff);
    assert.equal(r(IWDG_REG.SR), 0);
    assert.equal(iwdg.running, false);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(prescalerDivider), [4, 8, 16, 32, 64, 128, 256, 256]);
  });

  test('LSI/8 with RLR 599 expires 150 ms after the last reload, resetting with source iwdg', () => {
    const s = setup();
    configure150ms(s);
    const fedAt = s.ctx.clock.now;
    s.ctx.advance(149.9 * MS);
    assert.equal(s.ctx.resets.length, 0);
    s.ctx.advance(0.2 * MS);
    assert.equal(s.ctx.resets.length, 1);
    assert.equal(s.ctx.resets[0]!.source, 'iwdg');
    assert.ok(Math.abs(s.ctx.resets[0]!.at - fedAt - 150 * MS) < 1);
  });

  test('feeding postpones the reset; the counter reads down in LSI/8 ticks', () => {
    const s = setup();
    configure150ms(s);
    for (let i = 0; i < 10; i++) {
      s.ctx.advance(100 * MS);
      s.w(IWDG_REG.KR, IWDG_KEY.RELOAD);
    }
    assert.equal(s.ctx.resets.length, 0);
    assert.equal(s.iwdg.counter, 599);
    s.ctx.advance(25 * MS); // 100 ticks of 250 µs
    assert.equal(s.iwdg.counter, 499);
  });

  test('PR/RLR need the 0x5555 key; PVU/RVU stay set for 5 LSI cycles and block new writes', () => {
    const s = setup();
    s.w(IWDG_REG.PR, 3);
    assert.equal(s.r(IWDG_REG.SR), 0, 'write-protected: ignored');
    s.w(IWDG_REG.KR, IWDG_KEY.ACCESS);
    s.w(IWDG_REG.PR, 3);
    s.w(IWDG_REG.RLR, 100);
    assert.equal(s.r(IWDG_REG.SR), IWDG_SR.PVU | IWDG_SR.RVU);
    s.w(IWDG_REG.PR, 5); // ignored while PVU
    s.ctx.advance(150 * US); // 5 / 32 kHz = 156.25 µs
    assert.equal(s.r(IWDG_REG.SR), IWDG_SR.PVU | IWDG_SR.RVU);
    s.ctx.advance(10 * US);
    assert.equal(s.r(IWDG_REG.SR), 0);
    assert.equal(s.r(IWDG_REG.PR), 3);
    assert.equal(s.r(IWDG_REG.RLR), 100);
    s.w(IWDG_REG.KR, 0x1234); // any other key closes access again
    s.w(IWDG_REG.PR, 0);
    assert.equal(s.r(IWDG_REG.SR), 0);
  });

  test('PVU stays set while the LSI is off, and completes once it runs', () => {
    const s = setup();
    s.ctx.clocks.lsi = 0;
    s.w(IWDG_REG.KR, IWDG_KEY.ACCESS);
    s.w(IWDG_REG.PR, 2);
    s.ctx.advance(10 * MS);
    assert.equal(s.r(IWDG_REG.SR), IWDG_SR.PVU);
    s.ctx.clocks.lsi = 32_000;
    s.iwdg.frequencyChanged();
    s.ctx.advance(200 * US);
    assert.equal(s.r(IWDG_REG.SR), 0);
  });

  test('started without a reload it counts from 0xFFF (512 ms at LSI/4); start forces the LSI', () => {
    const s = setup();
    let starts = 0;
    s.iwdg.onStart = () => starts++;
    s.w(IWDG_REG.KR, IWDG_KEY.START);
    s.w(IWDG_REG.KR, IWDG_KEY.START);
    assert.equal(starts, 1);
    s.ctx.advance(511.9 * MS);
    assert.equal(s.ctx.resets.length, 0);
    s.ctx.advance(0.2 * MS);
    assert.equal(s.ctx.resets.length, 1);
  });

  test('a halted core stops it only with DBG_IWDG_STOP', () => {
    const s = setup();
    configure150ms(s);
    s.ctx.coreHalted = true;
    s.iwdg.debugHaltChanged();
    s.ctx.advance(200 * MS);
    assert.equal(s.ctx.resets.length, 1, 'not frozen: a halted core is reset');

    const f = setup();
    f.ctx.debugFreeze.apb1fz = 1 << 12;
    configure150ms(f);
    f.ctx.advance(100 * MS);
    f.ctx.coreHalted = true;
    f.iwdg.debugHaltChanged();
    f.ctx.advance(10_000 * MS);
    assert.equal(f.ctx.resets.length, 0, 'frozen while halted');
    f.ctx.coreHalted = false;
    f.iwdg.debugHaltChanged();
    f.ctx.advance(49.9 * MS);
    assert.equal(f.ctx.resets.length, 0, 'resumes with the 50 ms it had left');
    f.ctx.advance(0.2 * MS);
    assert.equal(f.ctx.resets.length, 1);
  });

  test('DBG_IWDG_STOP without a halt does not freeze it', () => {
    const s = setup();
    s.ctx.debugFreeze.apb1fz = 1 << 12;
    configure150ms(s);
    s.iwdg.debugHaltChanged();
    s.ctx.advance(151 * MS);
    assert.equal(s.ctx.resets.length, 1);
  });

  test('a system reset stops the software watchdog; the hardware watchdog restarts at every reset', () => {
    const s = setup();
    configure150ms(s);
    s.iwdg.reset('system');
    assert.equal(s.iwdg.running, false);
    s.ctx.advance(1000 * MS);
    assert.equal(s.ctx.resets.length, 0);

    const h = setup(true);
    assert.equal(h.iwdg.running, true);
    h.ctx.advance(513 * MS);
    assert.equal(h.ctx.resets.length, 1, 'LSI/4, 0xFFF: 512 ms');
    h.iwdg.reset('system');
    assert.equal(h.iwdg.running, true);
    h.ctx.advance(513 * MS);
    assert.equal(h.ctx.resets.length, 2);
  });

  test('byte writes to KR are ignored; half-word writes work', () => {
    const s = setup();
    s.iwdg.write(IWDG_REG.KR, 1, 0xcc);
    assert.equal(s.iwdg.running, false);
    s.iwdg.write(IWDG_REG.KR, 2, IWDG_KEY.START);
    assert.equal(s.iwdg.running, true);
  });

  test('a hardware watchdog counts even before the RCC reports the forced-on LSI', () => {
    const ctx = new FakeSocContext();
    ctx.clocks.lsi = 0;
    const iwdg = new Iwdg(ctx, { hardwareWatchdog: () => true });
    assert.equal(iwdg.running, true);
    ctx.advance(513 * MS);
    assert.equal(ctx.resets.length, 1);
  });

  test('PR written while the LSI is off completes once the start forces it on', () => {
    const s = setup();
    s.ctx.clocks.lsi = 0;
    s.w(IWDG_REG.KR, IWDG_KEY.ACCESS);
    s.w(IWDG_REG.PR, 1);
    s.w(IWDG_REG.KR, IWDG_KEY.START);
    s.ctx.advance(200 * US);
    assert.equal(s.r(IWDG_REG.SR), 0);
    assert.equal(s.r(IWDG_REG.PR), 1);
  });
});
