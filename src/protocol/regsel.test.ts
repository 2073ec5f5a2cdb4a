import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFpuRegsel, isKnownRegsel, REGSEL, regselName } from './regsel.js';

describe('REGSEL (A.4, ARM ARM C1.6.3 DCRSR.REGSEL)', () => {
  it('core, special and FP selectors', () => {
    assert.equal(REGSEL.R0, 0x00);
    assert.equal(REGSEL.PC, 0x0f);
    assert.equal(REGSEL.XPSR, 0x10);
    assert.equal(REGSEL.PSP, 0x12);
    assert.equal(REGSEL.CFBP, 0x14);
    assert.equal(REGSEL.FPSCR, 0x21);
    assert.equal(REGSEL.S0, 0x40);
    assert.equal(REGSEL.S31, 0x5f);
    assert.equal(Object.keys(REGSEL).length, 16 + 3 + 2 + 32);
  });

  it('names back from numbers; 0x13 and 0x60 are no register', () => {
    assert.equal(regselName(0x14), 'CFBP');
    assert.equal(regselName(0x4a), 'S10');
    assert.equal(isKnownRegsel(0x13), false);
    assert.equal(isKnownRegsel(0x60), false);
  });

  it('FPU selectors are those above 0x1F', () => {
    assert.equal(isFpuRegsel(REGSEL.FPSCR), true);
    assert.equal(isFpuRegsel(REGSEL.S5), true);
    assert.equal(isFpuRegsel(REGSEL.CFBP), false);
  });
});
