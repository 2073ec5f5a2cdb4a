import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DBGMCU_APB1_FZ, DBGMCU_CR, Dbgmcu } from './dbgmcu.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

describe('Dbgmcu', () => {
  test('IDCODE 0x10076413 is read-only; lanes read by byte and half-word', () => {
    const d = new Dbgmcu(new FakeSocContext());
    assert.equal(d.read32(0xe004_2000), 0x1007_6413);
    d.write32(0xe004_2000, 0);
    assert.equal(d.read32(0xe004_2000), 0x1007_6413);
    assert.equal(d.read16(0xe004_2002), 0x1007);
    assert.equal(d.read8(0xe004_2000), 0x13);
    assert.equal(d.read32(0xe004_2010), 0);
  });

  test('CR and the freeze registers keep their defined bits and report changes', () => {
    const d = new Dbgmcu(new FakeSocContext());
    let changes = 0;
    d.onChange = () => changes++;
    d.write32(0xe004_2004, 0xffff_ffff);
    assert.equal(d.read32(0xe004_2004), 0xe7);
    d.write32(0xe004_2004, 0xffff_ffff);
    assert.equal(changes, 1, 'no change, no call');
    d.write32(0xe004_2008, 0xffff_ffff);
    assert.equal(d.read32(0xe004_2008), 0x06e0_1dff);
    d.write32(0xe004_200c, 0xffff_ffff);
    assert.equal(d.read32(0xe004_200c), 0x0007_0003);
    assert.equal(d.debugFreeze.apb1fz & DBGMCU_APB1_FZ.DBG_IWDG_STOP, DBGMCU_APB1_FZ.DBG_IWDG_STOP);
    assert.equal(d.debugFreeze.cr & DBGMCU_CR.DBG_STANDBY, DBGMCU_CR.DBG_STANDBY);
    d.write8(0xe004_2004, 0);
    d.write16(0xe004_2004, 0);
    assert.equal(d.read32(0xe004_2004), 0xe7, 'sub-word writes are ignored');
  });

  test('DBGMCU_CR survives a system reset; power-on clears it', () => {
    const d = new Dbgmcu(new FakeSocContext());
    d.write32(0xe004_2004, DBGMCU_CR.DBG_STOP | DBGMCU_CR.DBG_STANDBY);
    d.write32(0xe004_2008, DBGMCU_APB1_FZ.DBG_IWDG_STOP);
    d.reset('system');
    assert.equal(d.cr, DBGMCU_CR.DBG_STOP | DBGMCU_CR.DBG_STANDBY);
    assert.equal(d.apb1fz, DBGMCU_APB1_FZ.DBG_IWDG_STOP);
    let changes = 0;
    d.onChange = () => changes++;
    d.reset('power-on');
    assert.equal(d.cr, 0);
    assert.equal(d.apb1fz, 0);
    assert.equal(changes, 1);
  });
});
