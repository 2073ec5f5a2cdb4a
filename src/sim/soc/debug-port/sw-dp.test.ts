import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwDp } from './sw-dp.js';
import { MEM_AP_REG as AHB_AP_REG } from '../../../arch/adiv5/ap.js';
import { ABORT, CTRL_STAT, DP_REG, SELECT, TRNMODE, WCR_RESET } from '../../../arch/adiv5/dp.js';
import { DPIDR_VALUE } from './dap-registers.js';
import { SWD_ACK } from './swd.js';
import { CSW_WORD_INC, FakeDapTarget, connect } from '../../../../test/support/fake-dap-target.js';

const { OK, WAIT, FAULT, NO_RESPONSE } = SWD_ACK;

function setup(): { dp: SwDp; target: FakeDapTarget } {
  const target = new FakeDapTarget();
  return { dp: new SwDp(target), target };
}

function readDp(dp: SwDp, address: number): number {
  assert.equal(dp.read(false, address), OK);
  return dp.readData;
}

/** An AP read as a probe makes it: the posted read, then RDBUFF for the value. */
function readAp(dp: SwDp, address: number): number {
  assert.equal(dp.read(true, address), OK);
  return readDp(dp, DP_REG.RDBUFF);
}

function selectBank(dp: SwDp, bank: number, apsel = 0): void {
  assert.equal(dp.write(false, DP_REG.SELECT, (apsel << SELECT.APSEL_SHIFT) | bank), OK);
}

test('the SWJ-DP starts in JTAG mode: no response until a line reset', () => {
  const { dp } = setup();
  assert.equal(dp.read(false, DP_REG.DPIDR), NO_RESPONSE);
  assert.equal(dp.write(false, DP_REG.ABORT, ABORT.STKERRCLR), NO_RESPONSE);
  dp.lineReset();
  assert.equal(readDp(dp, DP_REG.DPIDR), DPIDR_VALUE);
  assert.equal(DPIDR_VALUE, 0x2ba01477);
});

test('after a line reset only a DPIDR read is acknowledged', () => {
  const { dp } = setup();
  dp.lineReset();
  assert.equal(dp.read(false, DP_REG.CTRL_STAT), NO_RESPONSE);
  assert.equal(dp.write(false, DP_REG.ABORT, ABORT.STKERRCLR), NO_RESPONSE);
  assert.equal(dp.read(true, AHB_AP_REG.IDR), NO_RESPONSE);
  assert.equal(dp.protocolState, 'reset');
  assert.equal(readDp(dp, DP_REG.DPIDR), DPIDR_VALUE);
  assert.equal(dp.protocolState, 'active');
  assert.equal(dp.read(false, DP_REG.CTRL_STAT), OK);
});

test('power-up acknowledges follow their requests; the AP is unreachable before', () => {
  const { dp } = setup();
  dp.lineReset();
  readDp(dp, DP_REG.DPIDR);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT), 0);
  // AP access without debug power: FAULT and STICKYERR.
  assert.equal(dp.read(true, AHB_AP_REG.IDR), FAULT);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYERR, CTRL_STAT.STICKYERR);
  assert.equal(dp.write(false, DP_REG.ABORT, ABORT.STKERRCLR), OK);
  assert.equal(dp.write(false, DP_REG.CTRL_STAT, CTRL_STAT.CDBGPWRUPREQ), OK);
  const status = readDp(dp, DP_REG.CTRL_STAT);
  assert.equal(status & (CTRL_STAT.CDBGPWRUPACK | CTRL_STAT.CSYSPWRUPACK), CTRL_STAT.CDBGPWRUPACK);
  // Debug power alone reaches AP registers but not the system bus.
  selectBank(dp, 0xf0);
  assert.equal(readAp(dp, AHB_AP_REG.IDR), 0x24770011);
  selectBank(dp, 0);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), FAULT);
  dp.write(false, DP_REG.ABORT, ABORT.STKERRCLR);
  dp.write(false, DP_REG.CTRL_STAT, CTRL_STAT.CDBGPWRUPREQ | CTRL_STAT.CSYSPWRUPREQ);
  const up = readDp(dp, DP_REG.CTRL_STAT);
  assert.equal(up >>> 28, 0xf, 'CSYSPWRUPACK, CSYSPWRUPREQ, CDBGPWRUPACK, CDBGPWRUPREQ = bits 31:28');
  assert.equal(dp.write(true, AHB_AP_REG.TAR, 0x2000_0000), OK);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), OK);
});

test('AP reads are posted: each returns the previous result, RDBUFF the last one', () => {
  const { dp, target } = setup();
  connect(dp);
  target.view.setUint32(0, 0x1111_1111, true);
  target.view.setUint32(4, 0x2222_2222, true);
  target.view.setUint32(8, 0x3333_3333, true);
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC);
  dp.write(true, AHB_AP_REG.TAR, 0x2000_0000);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), OK); // returns whatever was read before (the CSW write read nothing)
  assert.equal(dp.read(true, AHB_AP_REG.DRW), OK);
  assert.equal(dp.readData, 0x1111_1111);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), OK);
  assert.equal(dp.readData, 0x2222_2222);
  assert.equal(readDp(dp, DP_REG.RDBUFF), 0x3333_3333);
  // RDBUFF starts no transfer: reading it again gives the same value and TAR has not moved.
  assert.equal(readDp(dp, DP_REG.RDBUFF), 0x3333_3333);
  assert.equal(readAp(dp, AHB_AP_REG.TAR), 0x2000_000c);
  assert.equal(readDp(dp, DP_REG.RESEND), 0x2000_000c);
  assert.notEqual(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.READOK, 0);
});

test('a bus error sets STICKYERR; the next AP access or RDBUFF read is FAULT until ABORT.STKERRCLR', () => {
  const { dp } = setup();
  connect(dp);
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC);
  dp.write(true, AHB_AP_REG.TAR, 0x4000_0000); // unmapped in the fake
  assert.equal(dp.read(true, AHB_AP_REG.DRW), OK); // accepted: the error shows afterwards
  assert.equal(dp.read(false, DP_REG.RDBUFF), FAULT);
  assert.equal(dp.read(true, AHB_AP_REG.TAR), FAULT);
  assert.equal(dp.write(false, DP_REG.SELECT, 0), FAULT);
  assert.equal(dp.write(false, DP_REG.CTRL_STAT, 0), FAULT);
  // DPIDR, CTRL/STAT reads and ABORT writes are still answered.
  assert.equal(readDp(dp, DP_REG.DPIDR), DPIDR_VALUE);
  const status = readDp(dp, DP_REG.CTRL_STAT);
  assert.equal(status & CTRL_STAT.STICKYERR, CTRL_STAT.STICKYERR);
  assert.equal(status & CTRL_STAT.READOK, 0);
  assert.equal(dp.write(false, DP_REG.ABORT, ABORT.STKERRCLR), OK);
  // TAR did not increment over the failed transfer.
  assert.equal(readAp(dp, AHB_AP_REG.TAR), 0x4000_0000);
});

test('a failed write is ACKed OK and reported by the next access', () => {
  const { dp } = setup();
  connect(dp);
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC);
  dp.write(true, AHB_AP_REG.TAR, 0x1000_0000);
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 1), OK);
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 2), FAULT);
});

test('ABORT clears each sticky flag by its own bit', () => {
  const { dp, target } = setup();
  connect(dp);
  target.view.setUint32(0, 0xcafe_f00d, true);
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC & ~0x30);
  dp.write(true, AHB_AP_REG.TAR, 0x2000_0000);
  // Pushed verify with the wrong value sets STICKYCMP, pushed compare with the right one too.
  dp.write(false, DP_REG.CTRL_STAT, readDp(dp, DP_REG.CTRL_STAT) | (TRNMODE.PUSHED_VERIFY << 2) | (0xf << 8));
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 0xcafe_f00d), OK);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYCMP, 0);
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 0x1234_5678), OK);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYCMP, CTRL_STAT.STICKYCMP);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), FAULT);
  dp.write(false, DP_REG.ABORT, ABORT.STKERRCLR | ABORT.WDERRCLR | ABORT.ORUNERRCLR);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYCMP, CTRL_STAT.STICKYCMP);
  dp.write(false, DP_REG.ABORT, ABORT.STKCMPCLR);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYCMP, 0);
  // Pushed compare: a match sets STICKYCMP; memory is not written either way.
  dp.write(false, DP_REG.CTRL_STAT, (readDp(dp, DP_REG.CTRL_STAT) & ~0xc) | (TRNMODE.PUSHED_COMPARE << 2));
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 0xcafe_f00d), OK);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYCMP, CTRL_STAT.STICKYCMP);
  assert.equal(target.view.getUint32(0, true), 0xcafe_f00d);
});

test('a stalled transfer answers WAIT until the target clock passes the stall, then completes', () => {
  const { dp, target } = setup();
  connect(dp);
  target.view.setUint32(0x100, 0xaaaa_aaaa, true);
  target.stall = { from: 0x2000_0100, to: 0x2000_0200, until: 1000 };
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC);
  dp.write(true, AHB_AP_REG.TAR, 0x2000_0100);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), OK);
  // The erase finishes before the stall ends: the read must see what is there when it completes.
  target.view.setUint32(0x100, 0xffff_ffff, true);
  assert.equal(target.log.length, 0);
  assert.equal(dp.read(false, DP_REG.RDBUFF), WAIT);
  assert.equal(dp.read(true, AHB_AP_REG.CSW), WAIT);
  assert.equal(dp.write(true, AHB_AP_REG.TAR, 0), WAIT);
  // DP registers other than RDBUFF are still answered.
  assert.equal(dp.read(false, DP_REG.CTRL_STAT), OK);
  assert.equal(dp.readData & CTRL_STAT.READOK, 0);
  target.now = 1000;
  assert.equal(readDp(dp, DP_REG.RDBUFF), 0xffff_ffff);
  assert.deepEqual(target.log, ['r32 0x20000100']);
});

test('a stalled write is made when the stall ends; ORUNDETECT turns a WAIT into STICKYORUN', () => {
  const { dp, target } = setup();
  connect(dp);
  dp.write(false, DP_REG.CTRL_STAT, readDp(dp, DP_REG.CTRL_STAT) | CTRL_STAT.ORUNDETECT);
  target.stall = { from: 0x2000_0000, to: 0x2000_0010, until: 500 };
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC);
  dp.write(true, AHB_AP_REG.TAR, 0x2000_0000);
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 0x5555_aaaa), OK);
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 0x1), WAIT);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.STICKYORUN, CTRL_STAT.STICKYORUN);
  target.now = 500;
  assert.equal(dp.read(true, AHB_AP_REG.TAR), FAULT); // the overrun is sticky
  assert.equal(target.view.getUint32(0, true), 0x5555_aaaa);
  dp.write(false, DP_REG.ABORT, ABORT.ORUNERRCLR);
  assert.equal(readAp(dp, AHB_AP_REG.TAR), 0x2000_0004);
});

test('DAPABORT frees the DP from a stalled transfer; TrInProg shows it still running', () => {
  const { dp, target } = setup();
  connect(dp);
  target.stall = { from: 0x2000_0000, to: 0x2000_0010, until: 800 };
  dp.write(true, AHB_AP_REG.CSW, CSW_WORD_INC);
  dp.write(true, AHB_AP_REG.TAR, 0x2000_0000);
  assert.equal(dp.write(true, AHB_AP_REG.DRW, 0x77), OK);
  assert.equal(dp.read(true, AHB_AP_REG.CSW), WAIT);
  assert.equal(dp.write(false, DP_REG.ABORT, ABORT.DAPABORT), OK);
  assert.equal(readAp(dp, AHB_AP_REG.CSW) & 0x80, 0x80);
  assert.equal(dp.read(true, AHB_AP_REG.DRW), WAIT);
  target.now = 800;
  assert.equal(readAp(dp, AHB_AP_REG.CSW) & 0x80, 0);
  // The AHB transfer ran to its end.
  assert.equal(target.view.getUint32(0, true), 0x77);
});

test('silence: no response, and a fresh line reset once the port answers again', () => {
  const { dp, target } = setup();
  connect(dp);
  target.debugPortSilence = 'swd-pins-reassigned';
  assert.equal(dp.read(false, DP_REG.DPIDR), NO_RESPONSE);
  dp.lineReset();
  assert.equal(dp.read(false, DP_REG.DPIDR), NO_RESPONSE);
  target.debugPortSilence = undefined;
  assert.equal(dp.read(false, DP_REG.DPIDR), NO_RESPONSE);
  assert.equal(dp.protocolState, 'lost');
  dp.lineReset();
  assert.equal(readDp(dp, DP_REG.DPIDR), DPIDR_VALUE);
  // The debug domain stayed powered: the power-up requests survive.
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.CDBGPWRUPACK, CTRL_STAT.CDBGPWRUPACK);
});

test('a silence that cut debug power resets the DP registers (and sample() catches it between transactions)', () => {
  const { dp, target } = setup();
  connect(dp);
  dp.write(false, DP_REG.SELECT, 0xf0);
  target.debugPortSilence = 'unpowered';
  assert.equal(dp.sample(), false);
  assert.equal(dp.lastSilence, 'unpowered');
  target.debugPortSilence = undefined;
  assert.equal(dp.protocolState, 'jtag');
  dp.lineReset();
  readDp(dp, DP_REG.DPIDR);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT), 0);
  dp.write(false, DP_REG.CTRL_STAT, CTRL_STAT.CDBGPWRUPREQ | CTRL_STAT.CSYSPWRUPREQ);
  assert.equal(readAp(dp, AHB_AP_REG.CSW), 0x03000040); // bank 0 again, CSW at reset
});

test('APSEL other than 0: no AP there, reads as 0 and IDR 0', () => {
  const { dp } = setup();
  connect(dp);
  selectBank(dp, 0xf0, 1);
  assert.equal(readAp(dp, AHB_AP_REG.IDR), 0);
  assert.equal(dp.write(true, AHB_AP_REG.CSW, 0x2), OK);
  selectBank(dp, 0xf0, 0);
  assert.equal(readAp(dp, AHB_AP_REG.IDR), 0x24770011);
});

test('SELECT.CTRLSEL reaches the DPv1 wire control register', () => {
  const { dp } = setup();
  connect(dp);
  dp.write(false, DP_REG.SELECT, SELECT.CTRLSEL);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT), WCR_RESET);
  dp.write(false, DP_REG.SELECT, 0);
  assert.equal(readDp(dp, DP_REG.CTRL_STAT) & CTRL_STAT.CDBGPWRUPACK, CTRL_STAT.CDBGPWRUPACK);
});
