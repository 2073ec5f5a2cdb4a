import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { USARTS, USART_CR1, USART_REG, USART_SR, Usart } from './usart.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

const US = 1e3;
/** 115200 baud from 16 MHz: USARTDIV 8.6875 → BRR 0x8B; one 8N1 frame = 10 × 139 / 16 MHz. */
const BRR_115200_AT_16MHZ = 0x8b;
const FRAME = (10 * 139 * 1e9) / 16e6; // 86.875 µs

function setup() {
  const ctx = new FakeSocContext();
  const usart = new Usart(ctx, USARTS.USART2);
  return {
    ctx,
    usart,
    r: (reg: number) => usart.read(reg, 4),
    w: (reg: number, v: number) => {
      usart.write(reg, 4, v);
    },
  };
}

/** UE+TE at 115200, then wait out the idle preamble. */
function enabled() {
  const s = setup();
  s.w(USART_REG.BRR, BRR_115200_AT_16MHZ);
  s.w(USART_REG.CR1, USART_CR1.UE | USART_CR1.TE);
  s.ctx.advance(FRAME + 1);
  return s;
}

describe('Usart', () => {
  test('reset values (RM0090 §30.6): SR 0x00C0 (TXE, TC), everything else 0', () => {
    const { r, usart } = setup();
    assert.equal(r(USART_REG.SR), 0xc0);
    for (const reg of [
      USART_REG.DR,
      USART_REG.BRR,
      USART_REG.CR1,
      USART_REG.CR2,
      USART_REG.CR3,
      USART_REG.GTPR,
    ]) {
      assert.equal(r(reg), 0);
    }
    assert.equal(usart.base, 0x4000_4400);
    assert.deepEqual(usart.clockEnable, { register: 'APB1ENR', bit: 17 });
  });

  test('a byte takes 10 bit times at 115200 from 16 MHz; TXE at once, TC at the end', () => {
    const { ctx, r, w } = enabled();
    const t0 = ctx.clock.now;
    w(USART_REG.DR, 0x41);
    assert.equal(r(USART_REG.SR) & (USART_SR.TXE | USART_SR.TC), USART_SR.TXE, 'moved to the shift register');
    ctx.advance(FRAME - 10);
    assert.deepEqual(ctx.console, []);
    ctx.advance(20);
    assert.deepEqual(ctx.console, [0x41]);
    assert.ok(Math.abs(ctx.consoleTimes[0]! - t0 - 86.875 * US) < 1e-6);
    assert.equal(r(USART_REG.SR) & USART_SR.TC, USART_SR.TC);
  });

  test('a second byte waits in TDR (TXE 0) and follows back to back', () => {
    const { ctx, r, w } = enabled();
    const t0 = ctx.clock.now;
    w(USART_REG.DR, 0x31);
    w(USART_REG.DR, 0x32);
    assert.equal(r(USART_REG.SR) & (USART_SR.TXE | USART_SR.TC), 0);
    ctx.advance(FRAME + 1);
    assert.equal(r(USART_REG.SR) & (USART_SR.TXE | USART_SR.TC), USART_SR.TXE);
    ctx.advance(FRAME);
    assert.deepEqual(ctx.console, [0x31, 0x32]);
    assert.ok(Math.abs(ctx.consoleTimes[1]! - t0 - 2 * FRAME) < 1e-6);
    assert.equal(r(USART_REG.SR) & USART_SR.TC, USART_SR.TC);
  });

  test('setting TE sends an idle frame first', () => {
    const { ctx, w } = setup();
    w(USART_REG.BRR, BRR_115200_AT_16MHZ);
    w(USART_REG.CR1, USART_CR1.UE | USART_CR1.TE);
    w(USART_REG.DR, 0x55);
    ctx.advance(2 * FRAME - 10);
    assert.deepEqual(ctx.console, []);
    ctx.advance(20);
    assert.deepEqual(ctx.console, [0x55]);
  });

  test('nothing is sent without UE and TE; the byte waits in TDR', () => {
    const { ctx, r, w } = setup();
    w(USART_REG.BRR, BRR_115200_AT_16MHZ);
    w(USART_REG.DR, 0x61);
    ctx.advance(1e6);
    assert.deepEqual(ctx.console, []);
    assert.equal(r(USART_REG.SR) & USART_SR.TXE, 0);
    w(USART_REG.CR1, USART_CR1.TE);
    ctx.advance(1e6);
    assert.deepEqual(ctx.console, [], 'TE without UE');
    w(USART_REG.CR1, USART_CR1.TE | USART_CR1.UE);
    ctx.advance(2 * FRAME + 1);
    assert.deepEqual(ctx.console, [0x61]);
  });

  test('TXEIE and TCIE drive IRQ 38', () => {
    const { ctx, r, w } = enabled();
    w(USART_REG.CR1, USART_CR1.UE | USART_CR1.TE | USART_CR1.TXEIE);
    assert.equal(ctx.irqLevel(38), true);
    w(USART_REG.DR, 1);
    w(USART_REG.DR, 2);
    assert.equal(ctx.irqLevel(38), false, 'TDR full');
    ctx.advance(FRAME + 1);
    assert.equal(ctx.irqLevel(38), true);
    w(USART_REG.CR1, USART_CR1.UE | USART_CR1.TE | USART_CR1.TCIE);
    assert.equal(ctx.irqLevel(38), false, 'TC not yet');
    ctx.advance(FRAME);
    assert.equal(ctx.irqLevel(38), true);
    w(USART_REG.SR, ~USART_SR.TC); // rc_w0
    assert.equal(r(USART_REG.SR) & USART_SR.TC, 0);
    assert.equal(r(USART_REG.SR) & USART_SR.TXE, USART_SR.TXE, 'TXE is read-only');
    assert.equal(ctx.irqLevel(38), false);
  });

  test('M, STOP and OVER8 change the frame time', () => {
    const { usart, w } = setup();
    w(USART_REG.BRR, BRR_115200_AT_16MHZ);
    assert.ok(Math.abs(usart.frameNs() - FRAME) < 1e-6);
    w(USART_REG.CR1, USART_CR1.M);
    w(USART_REG.CR2, 2 << 12); // 2 stop bits
    assert.ok(Math.abs(usart.frameNs() - (12 * 139 * 1e9) / 16e6) < 1e-6);
    // OVER8: USARTDIV = 8 + 5/8 → divisor 69 (baud ≈ 231884 at 16 MHz).
    w(USART_REG.CR2, 0);
    w(USART_REG.CR1, USART_CR1.OVER8);
    w(USART_REG.BRR, 0x85);
    assert.ok(Math.abs(usart.frameNs() - (10 * 69 * 1e9) / 16e6) < 1e-6);
  });

  test('PCE drops the parity bit from the output; clearing TE loses the frame on the wire', () => {
    const { ctx, w } = enabled();
    w(USART_REG.CR1, USART_CR1.UE | USART_CR1.TE | USART_CR1.PCE);
    w(USART_REG.DR, 0xc1);
    ctx.advance(FRAME + 1);
    assert.deepEqual(ctx.console, [0x41]);
    w(USART_REG.DR, 0x42);
    w(USART_REG.CR1, USART_CR1.UE);
    ctx.advance(10 * FRAME);
    assert.deepEqual(ctx.console, [0x41]);
  });

  test('USART1 runs from PCLK2', () => {
    const ctx = new FakeSocContext();
    ctx.clocks.pclk2 = 84e6;
    const u = new Usart(ctx, USARTS.USART1);
    u.write(USART_REG.BRR, 4, 0x2d9); // 115200 at 84 MHz
    assert.ok(Math.abs(u.frameNs() - (10 * 0x2d9 * 1e9) / 84e6) < 1e-6);
  });
});
