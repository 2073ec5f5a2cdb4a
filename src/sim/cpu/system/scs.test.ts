import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXCEPTION } from '../exceptions.js';
import { cpuWithVectors, handlerAddress } from '../../../../test/support/cpu-fixtures.js';

/** SysTick (B3.3) and the identification/configuration registers of the SCS (B3.2, B3.4). */
const B_SELF = 0xe7fe;
const SYST_CSR = 0xe000_e010;
const SYST_RVR = 0xe000_e014;
const SYST_CVR = 0xe000_e018;
const SYST_CALIB = 0xe000_e01c;

test('SysTick counts core cycles, sets COUNTFLAG (cleared on read) and pends its exception', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(SYST_RVR, 99);
  cpu.write32(SYST_CVR, 12345); // any write clears the counter
  assert.equal(cpu.read32(SYST_CVR), 0);
  cpu.write32(SYST_CSR, 0b101); // ENABLE, CLKSOURCE = core clock, no TICKINT
  const start = cpu.cycles;
  cpu.run(31);
  // One tick reloads 99, then it counts down one per cycle.
  assert.equal(cpu.read32(SYST_CVR), 99 - (cpu.cycles - start - 1));
  cpu.run(200);
  assert.equal(cpu.read32(SYST_CSR), 0x1_0005, 'COUNTFLAG');
  assert.equal(cpu.read32(SYST_CSR), 0x0_0005, 'cleared by the read');
  assert.equal(cpu.nvic.pending[EXCEPTION.SysTick], 0, 'TICKINT clear');
  cpu.write32(SYST_CSR, 0b111);
  cpu.run(200);
  assert.equal(cpu.ipsr, EXCEPTION.SysTick);
  assert.equal(cpu.pc, handlerAddress(EXCEPTION.SysTick));
});

test('SysTick on the external reference counts every 8th cycle; disabled it holds its value', () => {
  const { cpu } = cpuWithVectors([B_SELF], {}, { sysTickCalib: 0x4000_0000 | 10500 });
  assert.equal(cpu.read32(SYST_CALIB), 0x4000_0000 | 10500);
  cpu.write32(SYST_RVR, 1000);
  cpu.write32(SYST_CVR, 0);
  cpu.write32(SYST_CSR, 0b001);
  cpu.run(8 * 101 + 4);
  const value = cpu.read32(SYST_CVR);
  assert.ok(value >= 899 && value <= 901, `counter ${value}`);
  cpu.write32(SYST_CSR, 0);
  const frozen = cpu.read32(SYST_CVR);
  cpu.run(1000);
  assert.equal(cpu.read32(SYST_CVR), frozen);
});

test('SysTick wakes a WFI sleep: run() skips straight to the event', () => {
  const { cpu } = cpuWithVectors([0xbf30, B_SELF]); // wfi
  cpu.write32(SYST_RVR, 9999);
  cpu.write32(SYST_CVR, 0);
  cpu.write32(SYST_CSR, 0b111);
  const used = cpu.run(20_000);
  assert.ok(used >= 20_000 && used < 20_010, `${used}`);
  assert.equal(cpu.ipsr, EXCEPTION.SysTick);
});

test('identification and reset values: CPUID, MVFR0/1, FPCCR, CCR, AIRCR, ICTR, FP_CTRL', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  const read = (a: number): number => cpu.read32(a) >>> 0;
  assert.equal(read(0xe000_ed00), 0x410f_c241);
  assert.equal(read(0xe000_ef40), 0x1011_0021);
  assert.equal(read(0xe000_ef44), 0x1100_0011);
  assert.equal(read(0xe000_ef34), 0xc000_0000);
  assert.equal(read(0xe000_ed14), 0x200);
  assert.equal(read(0xe000_ed0c), 0xfa05_0000);
  assert.equal(read(0xe000_e004), 2, '82 interrupts: 3 groups of 32');
  assert.equal(read(0xe000_2000), 0x260);
  assert.equal(read(0xe000_ed88), 0);
  assert.equal(read(0xe000_ed40), 0x30, 'ID_PFR0');
  assert.equal(read(0xe000_efe0), 0x0c, 'SCS PIDR0');
  assert.equal(read(0xe00f_f000), 0xfff0_f003, 'ROM table: SCS');
});

test('NVIC registers: enable, pend, active and priority bits; the IRQ count is an option', () => {
  const { cpu } = cpuWithVectors([B_SELF], {}, { irqCount: 40 });
  assert.equal(cpu.read32(0xe000_e004), 1);
  cpu.write32(0xe000_e104, 0xffff_ffff); // ISER1: lines 32–63, only 32–39 exist
  assert.equal(cpu.read32(0xe000_e104), 0xff);
  assert.equal(cpu.read32(0xe000_e184), 0xff, 'ICER reads the enables too');
  cpu.write32(0xe000_e184, 0x0f);
  assert.equal(cpu.read32(0xe000_e104), 0xf0);
  cpu.write32(0xe000_e204, 0x30);
  assert.equal(cpu.read32(0xe000_e284), 0x30);
  cpu.write32(0xe000_e284, 0x10);
  assert.equal(cpu.read32(0xe000_e204), 0x20);
  cpu.write32(0xe000_e420, 0xffff_ffff); // IPR8: lines 32–35; bits [3:0] are not implemented
  assert.equal(cpu.read32(0xe000_e420) >>> 0, 0xf0f0_f0f0);
  cpu.write8(0xe000_e425, 0x30); // IPR for line 37
  cpu.write8(0xe000_e424, 0xf0); // line 36
  assert.equal(cpu.nvic.priority[EXCEPTION.IRQ0 + 37], 0x30);
  cpu.write32(0xe000_ef00, 36); // STIR
  assert.equal(cpu.read32(0xe000_e204), 0x30);
  cpu.write32(0xe000_e104, 0x20);
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.IRQ0 + 37, 'priority 0x30 beats 0xf0');
  assert.equal(cpu.read32(0xe000_e304), 0x20, 'IABR');
  assert.throws(() => {
    cpu.setIrqLevel(40, true);
  }, RangeError);
});

test('SHCSR enables and reflects the configurable faults; HFSR and CFSR are write-one-to-clear', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(0xe000_ed24, 0x7_0000);
  assert.deepEqual(
    [EXCEPTION.MemManage, EXCEPTION.BusFault, EXCEPTION.UsageFault].map((e) => cpu.nvic.enabled[e]),
    [1, 1, 1],
  );
  cpu.scb.hfsr = 1 << 30;
  cpu.write32(0xe000_ed2c, 1 << 30);
  assert.equal(cpu.scb.hfsr, 0);
  cpu.scb.cfsr = 0x0102_0304;
  cpu.write8(0xe000_ed29, 0x03); // BFSR byte
  assert.equal(cpu.scb.cfsr, 0x0102_0004);
});
