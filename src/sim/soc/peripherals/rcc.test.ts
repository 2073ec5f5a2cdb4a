import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rcc } from './rcc.js';
import { CFGR, CR, CSR, RCC_REG } from '../../../target/stm32f4/rcc-registers.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

const US = 1e3;
const MS = 1e6;

function setup(hseHz = 8e6) {
  const ctx = new FakeSocContext();
  const rcc = new Rcc(ctx, { hseHz });
  rcc.recordReset('power-on');
  const r = (reg: number) => rcc.read(reg, 4) >>> 0;
  const w = (reg: number, value: number) => {
    rcc.write(reg, 4, value);
  };
  return { ctx, rcc, r, w };
}

/** PLL from HSE 8 MHz: M=8, N=336, P=2, Q=7 → 168 MHz (the Discovery's usual configuration). */
const PLL_168_FROM_HSE = 8 | (336 << 6) | (0 << 16) | (1 << 22) | (7 << 24);

describe('Rcc', () => {
  test('reset values of RM0090 §7.3', () => {
    const { r } = setup();
    assert.equal(r(RCC_REG.CR) & 0xffff00ff, 0x0000_0083);
    assert.equal(r(RCC_REG.PLLCFGR), 0x2400_3010);
    assert.equal(r(RCC_REG.CFGR), 0);
    assert.equal(r(RCC_REG.AHB1ENR), 0x0010_0000);
    assert.equal(r(RCC_REG.APB1ENR), 0);
    assert.equal(r(RCC_REG.AHB1LPENR), 0x7e67_91ff);
    assert.equal(r(RCC_REG.APB1LPENR), 0x36fe_c9ff);
    assert.equal(r(RCC_REG.APB2LPENR), 0x0007_5f33);
    assert.equal(r(RCC_REG.PLLI2SCFGR), 0x2000_3000);
    // Power-on: PORRSTF, PINRSTF, BORRSTF (RCC_CSR reset value 0x0E000000).
    assert.equal(r(RCC_REG.CSR), 0x0e00_0000);
  });

  test('16 MHz HSI everywhere after reset', () => {
    const { rcc } = setup();
    assert.deepEqual({ ...rcc.frequencies }, { sysclk: 16e6, hclk: 16e6, pclk1: 16e6, pclk2: 16e6, lsi: 0 });
  });

  test('HSE: HSERDY after the 2 ms start-up (DS8626 table 31), never without a crystal', () => {
    const { ctx, r, w } = setup();
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.HSEON);
    ctx.advance(1.9 * MS);
    assert.equal(r(RCC_REG.CR) & CR.HSERDY, 0);
    ctx.advance(0.2 * MS);
    assert.notEqual(r(RCC_REG.CR) & CR.HSERDY, 0);

    const none = setup(0);
    none.w(RCC_REG.CR, none.r(RCC_REG.CR) | CR.HSEON);
    none.ctx.advance(1000 * MS);
    assert.equal(none.r(RCC_REG.CR) & CR.HSERDY, 0);
  });

  test('PLL locks after its lock time; SW=PLL is deferred until PLLRDY, then SWS follows', () => {
    const { ctx, rcc, r, w } = setup();
    let changes = 0;
    rcc.onFrequencyChange = () => changes++;
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.HSEON);
    ctx.advance(3 * MS);
    w(RCC_REG.PLLCFGR, PLL_168_FROM_HSE);
    w(RCC_REG.CFGR, (0b101 << CFGR.PPRE1_SHIFT) | (0b100 << CFGR.PPRE2_SHIFT) | 2); // APB1 /4, APB2 /2, SW=PLL
    assert.equal((r(RCC_REG.CFGR) >>> 2) & 3, 0, 'PLL not on: SWS stays HSI');
    assert.equal(rcc.frequencies.sysclk, 16e6);
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.PLLON);
    ctx.advance(50 * US);
    assert.equal(r(RCC_REG.CR) & CR.PLLRDY, 0, 'still locking (DS8626 table 37: ≥ 75 µs)');
    assert.equal((r(RCC_REG.CFGR) >>> 2) & 3, 0);
    ctx.advance(60 * US);
    assert.notEqual(r(RCC_REG.CR) & CR.PLLRDY, 0);
    assert.equal((r(RCC_REG.CFGR) >>> 2) & 3, 2);
    assert.deepEqual(
      { ...rcc.frequencies },
      { sysclk: 168e6, hclk: 168e6, pclk1: 42e6, pclk2: 84e6, lsi: 0 },
    );
    assert.ok(changes >= 2);
  });

  test('an oscillator clocking SYSCLK (directly or via the PLL) cannot be switched off', () => {
    const { ctx, r, w } = setup();
    w(RCC_REG.CR, r(RCC_REG.CR) & ~CR.HSION);
    assert.notEqual(r(RCC_REG.CR) & CR.HSION, 0);
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.HSEON);
    ctx.advance(3 * MS);
    w(RCC_REG.PLLCFGR, PLL_168_FROM_HSE);
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.PLLON);
    ctx.advance(1 * MS);
    w(RCC_REG.CFGR, 2);
    w(RCC_REG.CR, r(RCC_REG.CR) & ~(CR.HSEON | CR.PLLON | CR.HSION));
    const cr = r(RCC_REG.CR);
    assert.notEqual(cr & CR.HSEON, 0);
    assert.notEqual(cr & CR.PLLON, 0);
    assert.equal(cr & CR.HSION, 0, 'HSI is free once the PLL runs from HSE');
    assert.equal(cr & CR.HSIRDY, 0);
  });

  test('LSI: LSIRDY 40 µs after LSION (DS8626 table 35), frequencies.lsi follows', () => {
    const { ctx, rcc, r, w } = setup();
    w(RCC_REG.CSR, CSR.LSION);
    ctx.advance(39 * US);
    assert.equal(r(RCC_REG.CSR) & CSR.LSIRDY, 0);
    ctx.advance(2 * US);
    assert.notEqual(r(RCC_REG.CSR) & CSR.LSIRDY, 0);
    assert.equal(rcc.frequencies.lsi, 32_000);
  });

  test('reset flags: RMVF clears them; they survive a system reset; internal resets set PINRSTF', () => {
    const { rcc, r, w } = setup();
    w(RCC_REG.CSR, CSR.RMVF);
    assert.equal(r(RCC_REG.CSR), 0);
    rcc.reset('system');
    rcc.recordReset('iwdg');
    assert.equal(r(RCC_REG.CSR), (CSR.IWDGRSTF | CSR.PINRSTF) >>> 0);
    rcc.reset('system');
    rcc.recordReset('software');
    assert.equal(r(RCC_REG.CSR), (CSR.IWDGRSTF | CSR.SFTRSTF | CSR.PINRSTF) >>> 0);
    rcc.reset('system');
    rcc.recordReset('wwdg');
    rcc.recordReset('low-power');
    assert.equal(r(RCC_REG.CSR) >>> 24, 0xf4);
    rcc.reset('power-on');
    rcc.recordReset('power-on');
    assert.equal(r(RCC_REG.CSR), 0x0e00_0000);
    rcc.reset('system');
    rcc.recordReset('pin');
    assert.equal(r(RCC_REG.CSR), 0x0e00_0000);
  });

  test('a system reset clears LSION and the enables but not the flags', () => {
    const { ctx, rcc, r, w } = setup();
    w(RCC_REG.CSR, CSR.LSION);
    w(RCC_REG.AHB1ENR, 0xffff_ffff);
    ctx.advance(100 * US);
    rcc.reset('system');
    assert.equal(r(RCC_REG.CSR), 0x0e00_0000);
    assert.equal(r(RCC_REG.AHB1ENR), 0x0010_0000);
  });

  test('enable registers keep only existing bits; isEnabled reads them', () => {
    const { rcc, r, w } = setup();
    w(RCC_REG.AHB1ENR, -1);
    assert.equal(r(RCC_REG.AHB1ENR), 0x7e74_11ff);
    w(RCC_REG.APB1ENR, 1 << 17);
    assert.equal(rcc.isEnabled({ register: 'APB1ENR', bit: 17 }), true);
    assert.equal(rcc.isEnabled({ register: 'APB1ENR', bit: 28 }), false);
    assert.equal(rcc.isEnabled({ register: 'AHB1ENR', bit: 3 }), true);
    // Byte write to the GPIO enables only (GPIODEN), other lanes untouched.
    w(RCC_REG.AHB1ENR, 0);
    rcc.write(RCC_REG.AHB1ENR, 1, 0x08);
    assert.equal(r(RCC_REG.AHB1ENR), 0x08);
  });

  test('an ENR write that changes the register is reported', () => {
    const { rcc, w } = setup();
    const seen: string[] = [];
    rcc.onClockEnableChange = (register) => seen.push(register);
    w(RCC_REG.APB1ENR, 1 << 11);
    w(RCC_REG.APB1ENR, 1 << 11);
    w(RCC_REG.AHB1ENR, 0x0010_0001);
    assert.deepEqual(seen, ['APB1ENR', 'AHB1ENR']);
  });

  test('setting an xxxRSTR bit reports the peripheral to reset, once', () => {
    const { rcc, w } = setup();
    const seen: string[] = [];
    rcc.onPeripheralReset = (e) => seen.push(`${e.register}:${e.bit}`);
    w(RCC_REG.AHB1RSTR, 1 << 3);
    w(RCC_REG.AHB1RSTR, 1 << 3);
    w(RCC_REG.APB1RSTR, (1 << 17) | (1 << 11));
    assert.deepEqual(seen, ['AHB1ENR:3', 'APB1ENR:11', 'APB1ENR:17']);
  });

  test('CIR: ready flag only when its interrupt is enabled, IRQ 5 until cleared', () => {
    const { ctx, r, w } = setup();
    w(RCC_REG.CIR, 1 << 8); // LSIRDYIE
    w(RCC_REG.CSR, CSR.LSION);
    ctx.advance(100 * US);
    assert.equal(r(RCC_REG.CIR) & 1, 1);
    assert.equal(ctx.irqLevel(5), true);
    w(RCC_REG.CIR, (1 << 8) | (1 << 16)); // LSIRDYC
    assert.equal(r(RCC_REG.CIR) & 1, 0);
    assert.equal(ctx.irqLevel(5), false);
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.HSEON); // HSERDYIE off: no HSERDYF
    ctx.advance(3 * MS);
    assert.equal(r(RCC_REG.CIR) & 8, 0);
  });

  test('prescalers: HPRE /512, PPRE /16', () => {
    const { rcc, w } = setup();
    w(RCC_REG.CFGR, (0xf << CFGR.HPRE_SHIFT) | (7 << CFGR.PPRE1_SHIFT) | (6 << CFGR.PPRE2_SHIFT));
    assert.equal(rcc.frequencies.hclk, 16e6 / 512);
    assert.equal(rcc.frequencies.pclk1, 16e6 / 512 / 16);
    assert.equal(rcc.frequencies.pclk2, 16e6 / 512 / 8);
  });

  test('BDCR is write-protected unless the backup domain is writable (PWR_CR.DBP)', () => {
    const ctx = new FakeSocContext();
    let dbp = false;
    const rcc = new Rcc(ctx, { hseHz: 8e6, backupDomainWritable: () => dbp });
    rcc.write(RCC_REG.BDCR, 4, 1 << 15);
    assert.equal(rcc.read(RCC_REG.BDCR, 4), 0);
    dbp = true;
    rcc.write(RCC_REG.BDCR, 4, (1 << 15) | (2 << 8));
    rcc.write(RCC_REG.BDCR, 4, (1 << 15) | (1 << 8));
    assert.equal(rcc.read(RCC_REG.BDCR, 4), (1 << 15) | (2 << 8), 'RTCSEL is sticky until BDRST');
    rcc.reset('system');
    rcc.reset('power-on');
    assert.equal(rcc.read(RCC_REG.BDCR, 4), (1 << 15) | (2 << 8), 'backup domain survives resets');
    rcc.write(RCC_REG.BDCR, 4, 1 << 16);
    rcc.write(RCC_REG.BDCR, 4, 0);
    assert.equal(rcc.read(RCC_REG.BDCR, 4), 0);
  });

  test('Stop switches HSE and PLL off; leaving it runs from HSI', () => {
    const { ctx, rcc, r, w } = setup();
    w(RCC_REG.CR, r(RCC_REG.CR) | CR.HSEON);
    ctx.advance(3 * MS);
    w(RCC_REG.CFGR, 1);
    assert.equal(rcc.frequencies.sysclk, 8e6);
    rcc.stopEntered();
    rcc.stopExited();
    assert.equal(r(RCC_REG.CR) & (CR.HSEON | CR.HSERDY), 0);
    assert.equal(r(RCC_REG.CFGR) & 0xf, 0);
    assert.equal(rcc.frequencies.sysclk, 16e6);
  });

  test('the IWDG forcing the LSI on starts it without LSION', () => {
    const { ctx, rcc } = setup();
    rcc.forceLsiOn();
    ctx.advance(50 * US);
    assert.equal(rcc.frequencies.lsi, 32_000);
    rcc.reset('system');
    assert.equal(rcc.frequencies.lsi, 0);
  });
});
