import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AhbAp, AP_STATUS } from './ahb-ap.js';
import { CSW_ADDRINC, CSW_SIZE, MEM_AP_REG as AHB_AP_REG } from '../../../arch/adiv5/ap.js';
import { FakeDapTarget } from '../../../../test/support/fake-dap-target.js';

function setup(): { ap: AhbAp; target: FakeDapTarget } {
  const target = new FakeDapTarget(0x2000_0000, 0x4000);
  return { ap: new AhbAp(target), target };
}

function csw(size: number, addrInc: number): number {
  return 0x0300_0040 | (addrInc << 4) | size;
}

function read(ap: AhbAp, register: number): number {
  assert.equal(ap.read(register), AP_STATUS.OK);
  return ap.value;
}

test('identification registers of the Cortex-M4 AHB-AP', () => {
  const { ap } = setup();
  assert.equal(read(ap, AHB_AP_REG.IDR), 0x24770011);
  assert.equal(read(ap, AHB_AP_REG.BASE), 0xe00ff003);
  assert.equal(read(ap, AHB_AP_REG.CFG), 0);
  assert.equal(read(ap, AHB_AP_REG.CSW), 0x03000040);
  assert.equal(read(ap, 0x08), 0); // reserved
});

test('CSW keeps only its implemented bits; DbgStatus and bit 24 read 1', () => {
  const { ap } = setup();
  ap.write(AHB_AP_REG.CSW, 0xffff_ffff);
  assert.equal(read(ap, AHB_AP_REG.CSW), 0x2300_0077);
  ap.write(AHB_AP_REG.CSW, 0);
  assert.equal(read(ap, AHB_AP_REG.CSW), 0x0100_0040);
});

test('word DRW with single increment; TAR wraps within its 4 KiB block', () => {
  const { ap, target } = setup();
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.WORD, CSW_ADDRINC.SINGLE));
  ap.write(AHB_AP_REG.TAR, 0x2000_0ffc);
  ap.write(AHB_AP_REG.DRW, 0xdead_beef);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0000);
  ap.write(AHB_AP_REG.DRW, 0x0bad_cafe);
  assert.equal(target.view.getUint32(0xffc, true), 0xdead_beef);
  assert.equal(target.view.getUint32(0, true), 0x0bad_cafe);
  assert.equal(target.view.getUint32(0x1000, true), 0);
  // Across a 1 KiB boundary TAR carries on (the Cortex-M4 increments within 4 KiB).
  ap.write(AHB_AP_REG.TAR, 0x2000_03fc);
  ap.write(AHB_AP_REG.DRW, 1);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0400);
});

test('AddrInc off leaves TAR alone', () => {
  const { ap } = setup();
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.WORD, CSW_ADDRINC.OFF));
  ap.write(AHB_AP_REG.TAR, 0x2000_0010);
  ap.write(AHB_AP_REG.DRW, 5);
  ap.write(AHB_AP_REG.DRW, 6);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0010);
});

test('byte and halfword transfers use the byte lanes of their address', () => {
  const { ap, target } = setup();
  target.view.setUint32(0, 0x4433_2211, true);
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.BYTE, CSW_ADDRINC.SINGLE));
  ap.write(AHB_AP_REG.TAR, 0x2000_0001);
  assert.equal(read(ap, AHB_AP_REG.DRW), 0x0000_2200);
  assert.equal(read(ap, AHB_AP_REG.DRW), 0x0033_0000);
  ap.write(AHB_AP_REG.TAR, 0x2000_0003);
  ap.write(AHB_AP_REG.DRW, 0xab00_0000);
  assert.equal(target.view.getUint32(0, true), 0xab33_2211);
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.HALFWORD, CSW_ADDRINC.SINGLE));
  ap.write(AHB_AP_REG.TAR, 0x2000_0002);
  assert.equal(read(ap, AHB_AP_REG.DRW), 0xab33_0000);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0004);
  assert.deepEqual(target.log.slice(-1), ['r16 0x20000002']);
});

test('packed transfers carry several bytes or halfwords per DRW access', () => {
  const { ap, target } = setup();
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.BYTE, CSW_ADDRINC.PACKED));
  ap.write(AHB_AP_REG.TAR, 0x2000_0020);
  ap.write(AHB_AP_REG.DRW, 0x8877_6655);
  assert.equal(target.view.getUint32(0x20, true), 0x8877_6655);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0024);
  assert.equal(target.log.filter((entry) => entry.startsWith('w8')).length, 4);
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.HALFWORD, CSW_ADDRINC.PACKED));
  ap.write(AHB_AP_REG.TAR, 0x2000_0020);
  assert.equal(read(ap, AHB_AP_REG.DRW), 0x8877_6655);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0024);
});

test('banked data registers address TAR[31:4] + 4n and never increment', () => {
  const { ap, target } = setup();
  for (let i = 0; i < 4; i++) target.view.setUint32(0x30 + 4 * i, 0x100 + i, true);
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.WORD, CSW_ADDRINC.SINGLE));
  ap.write(AHB_AP_REG.TAR, 0x2000_0038);
  assert.equal(read(ap, AHB_AP_REG.BD0), 0x100);
  assert.equal(read(ap, AHB_AP_REG.BD3), 0x103);
  ap.write(AHB_AP_REG.BD1, 0x55);
  assert.equal(target.view.getUint32(0x34, true), 0x55);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_0038);
});

test('a bus error leaves TAR where it was', () => {
  const { ap } = setup();
  ap.write(AHB_AP_REG.CSW, csw(CSW_SIZE.WORD, CSW_ADDRINC.SINGLE));
  ap.write(AHB_AP_REG.TAR, 0x2000_3ffc);
  assert.equal(ap.write(AHB_AP_REG.DRW, 1), AP_STATUS.OK);
  // 0x20003ffc wrapped to 0x20003000 (4 KiB block), still inside the fake's RAM.
  ap.write(AHB_AP_REG.TAR, 0x2000_4000);
  assert.equal(ap.read(AHB_AP_REG.DRW), AP_STATUS.ERROR);
  assert.equal(ap.write(AHB_AP_REG.DRW, 1), AP_STATUS.ERROR);
  assert.equal(read(ap, AHB_AP_REG.TAR), 0x2000_4000);
});

test('reserved Size makes no transfer', () => {
  const { ap, target } = setup();
  ap.write(AHB_AP_REG.CSW, csw(3, CSW_ADDRINC.SINGLE));
  ap.write(AHB_AP_REG.TAR, 0x2000_0000);
  assert.equal(ap.write(AHB_AP_REG.DRW, 1), AP_STATUS.OK);
  assert.equal(read(ap, AHB_AP_REG.DRW), 0);
  assert.deepEqual(target.log, []);
});
