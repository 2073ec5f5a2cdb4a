import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MEM_MODE, SYSCFG_REG, Syscfg } from './syscfg.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

describe('Syscfg', () => {
  test('MEMRMP resets to the BOOT pins, re-sampled at every reset; writes remap', () => {
    let boot: number = MEM_MODE.SYSTEM;
    const syscfg = new Syscfg(new FakeSocContext(), { bootMode: () => boot });
    let remaps = 0;
    syscfg.onMemoryRemap = () => remaps++;
    assert.equal(syscfg.read(SYSCFG_REG.MEMRMP, 4), 1);
    assert.equal(syscfg.memoryMode, MEM_MODE.SYSTEM);
    syscfg.write(SYSCFG_REG.MEMRMP, 4, 0xffff_ffff);
    assert.equal(syscfg.read(SYSCFG_REG.MEMRMP, 4), 3);
    assert.equal(remaps, 1);
    syscfg.write(SYSCFG_REG.MEMRMP, 4, 3);
    assert.equal(remaps, 1, 'no change, no remap');
    boot = MEM_MODE.FLASH;
    syscfg.reset('system');
    assert.equal(syscfg.memoryMode, MEM_MODE.FLASH);
    assert.equal(remaps, 2);
  });

  test('EXTICR selects the port per line; reset maps every line to port A', () => {
    const syscfg = new Syscfg(new FakeSocContext(), { bootMode: () => 0 });
    for (let line = 0; line < 16; line++) assert.equal(syscfg.exticrPort(line), 0);
    syscfg.write(SYSCFG_REG.EXTICR1, 4, 0xffff_0003); // EXTI0 = PD, upper half reserved
    syscfg.write(SYSCFG_REG.EXTICR4, 4, 0x2000); // EXTI15 = PC
    syscfg.write(SYSCFG_REG.EXTICR2 + 1, 1, 0x40); // EXTI7 = PE by byte
    assert.equal(syscfg.read(SYSCFG_REG.EXTICR1, 4), 3);
    assert.equal(syscfg.exticrPort(0), 3);
    assert.equal(syscfg.exticrPort(15), 2);
    assert.equal(syscfg.exticrPort(7), 4);
    assert.equal(syscfg.exticrPort(6), 0);
    syscfg.reset('system');
    assert.equal(syscfg.exticrPort(0), 0);
  });

  test('CMPCR: READY with CMP_PD; PMC keeps MII_RMII_SEL only', () => {
    const syscfg = new Syscfg(new FakeSocContext(), { bootMode: () => 0 });
    syscfg.write(SYSCFG_REG.CMPCR, 4, 1);
    assert.equal(syscfg.read(SYSCFG_REG.CMPCR, 4), 0x101);
    syscfg.write(SYSCFG_REG.PMC, 4, -1);
    assert.equal(syscfg.read(SYSCFG_REG.PMC, 4), 1 << 23);
  });
});
