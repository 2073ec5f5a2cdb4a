import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import { undefinedExecutor } from './executor.js';
import { decodeThumb16LoadStore, decodeThumb32LoadStore } from './load-store.js';

/**
 * Hand-worked cases from the ARM ARM pseudocode for what the QEMU table (ldst-qemu.test.ts) cannot
 * cover: PC-relative addressing, loads to the PC, faults and their (absence of) side effects, the
 * exclusive monitor, TBB/TBH, UNPREDICTABLE encodings and timing. Encodings from arm-none-eabi-as.
 */

const RAM = 0x2000_0000;

test('LDR literal uses Align(PC, 4) and the U bit (A7.7)', () => {
  // ldr r0, [pc, #8] at 0x102: PC = 0x106, Align(PC, 4) = 0x104, address 0x10c.
  const a = cpuWithCode([0x4802], 0x102);
  a.bus.write32(0x10c, 0x11223344);
  a.cpu.step();
  assert.equal(a.cpu.r[0], 0x11223344);
  assert.equal(a.cpu.pc, 0x104);
  assert.equal(a.cpu.cycles, 2);
  // ldr.w r0, [pc, #-6] at 0x202: 0x204 - 6 = 0x1fe, an unaligned word (A3.2 allows it).
  const b = cpuWithCode([0xf85f, 0x0006], 0x202);
  b.bus.write32(0x1fc, 0xddccbbaa);
  b.bus.write16(0x200, 0xffee);
  b.cpu.step();
  assert.equal(b.cpu.r[0]! >>> 0, 0xffeeddcc);
  // ldrh.w r0, [pc, #3] at 0x100: 0x104 + 3 = 0x107, an unaligned halfword.
  const c = cpuWithCode([0xf8bf, 0x0003]);
  c.bus.write8(0x107, 0x34);
  c.bus.write8(0x108, 0x92);
  c.cpu.step();
  assert.equal(c.cpu.r[0], 0x9234);
  // ldrsb.w r0, [pc, #-5] at 0x200: 0x204 - 5 = 0x1ff, sign-extended.
  const d = cpuWithCode([0xf91f, 0x0005], 0x200);
  d.bus.write8(0x1ff, 0x80);
  d.cpu.step();
  assert.equal(d.cpu.r[0], -128);
});

test('LDRD literal reads two aligned words at Align(PC, 4) ± imm (A7.7)', () => {
  // ldrd r0, r1, [pc, #-16] at 0x10a: Align(0x10e, 4) - 16 = 0xfc.
  const { cpu, bus } = cpuWithCode([0xe95f, 0x0104], 0x10a);
  bus.write32(0xfc, 0x01010101);
  bus.write32(0x100, -2);
  cpu.step();
  assert.equal(cpu.r[0], 0x01010101);
  assert.equal(cpu.r[1], -2);
  // ldrd r2, r3, [pc, #16] at 0x10a: 0x10c + 16 = 0x11c.
  const up = cpuWithCode([0xe9df, 0x2304], 0x10a);
  up.bus.write32(0x11c, 3);
  up.bus.write32(0x120, 4);
  up.cpu.step();
  assert.deepEqual([up.cpu.r[2], up.cpu.r[3]], [3, 4]);
  assert.equal(cpu.cycles, 3);
});

test('POP {r0, pc} loads, writes SP back and branches with bit 0 cleared (LoadWritePC)', () => {
  const { cpu, bus } = cpuWithCode([0xbd01]);
  cpu.writeSp(RAM + 0x100);
  bus.write32(RAM + 0x100, 0x1234);
  bus.write32(RAM + 0x104, 0x0801);
  cpu.step();
  assert.equal(cpu.r[0], 0x1234);
  assert.equal(cpu.r[13], RAM + 0x108);
  assert.equal(cpu.pc, 0x800);
  assert.equal(cpu.cycles, 1 + 2 + 2); // 1 + N + P
});

test('LDM.W {r0, pc}, LDR.W pc and LDR pc, [sp], #4 branch to the loaded address', () => {
  const a = cpuWithCode([0xe891, 0x8001]);
  a.cpu.r[1] = RAM;
  a.bus.write32(RAM, 7);
  a.bus.write32(RAM + 4, 0x301);
  a.cpu.step();
  assert.deepEqual([a.cpu.r[0], a.cpu.r[1], a.cpu.pc], [7, RAM, 0x300]);

  const b = cpuWithCode([0xf8d1, 0xf004]);
  b.cpu.r[1] = RAM;
  b.bus.write32(RAM + 4, 0x401);
  b.cpu.step();
  assert.equal(b.cpu.pc, 0x400);

  const c = cpuWithCode([0xf85d, 0xfb04]);
  c.cpu.writeSp(RAM + 0x10);
  c.bus.write32(RAM + 0x10, 0x501);
  c.cpu.step();
  assert.deepEqual([c.cpu.pc, c.cpu.r[13]], [0x500, RAM + 0x14]);
});

test('a load to the PC from an unaligned address faults with nothing written (UNPREDICTABLE)', () => {
  // ldr.w pc, [r1, #4] with r1 = RAM + 2.
  const { cpu } = cpuWithCode([0xf8d1, 0xf004]);
  cpu.r[1] = RAM + 2;
  cpu.step();
  assert.equal(cpu.pc, 0x100);
  assert.equal(cpu.r[1], RAM + 2);
});

test('POP {pc} inside an IT block faults unless it is the last instruction', () => {
  const last = cpuWithCode([0xbd01]);
  last.bus.write32(0x2001_fff8, 0);
  last.bus.write32(0x2001_fffc, 0x601);
  last.cpu.writeSp(0x2001_fff8);
  last.cpu.itState = 0xe8; // AL, mask 1000: last in the block
  last.cpu.step();
  assert.equal(last.cpu.pc, 0x600);
  assert.equal(last.cpu.itState, 0);

  const notLast = cpuWithCode([0xbd01]);
  notLast.cpu.writeSp(0x2001_fff8);
  notLast.cpu.itState = 0xe4; // AL, mask 0100: another instruction follows
  notLast.cpu.step();
  assert.equal(notLast.cpu.pc, 0x100);
  assert.equal(notLast.cpu.r[13], 0x2001_fff8);
});

test('a fault part-way through LDM leaves every register, the base included, untouched', () => {
  // ldm r1!, {r0, r2, r3}: the third word is at 0x20020000, past the end of the FlatBus SRAM.
  const { cpu, bus } = cpuWithCode([0xc90d]);
  bus.write32(0x2001_fff8, 0x11);
  bus.write32(0x2001_fffc, 0x22);
  cpu.r[0] = 100;
  cpu.r[1] = 0x2001_fff8;
  cpu.r[2] = 102;
  cpu.r[3] = 103;
  cpu.step();
  assert.deepEqual(Array.from(cpu.r.subarray(0, 4)), [100, 0x2001_fff8, 102, 103]);
  assert.equal(cpu.pc, 0x100);
});

test('LDM/STM/LDRD/STRD need word alignment; no writeback after the fault (A3.2)', () => {
  for (const hw of [
    [0xc90d], // ldm r1!, {r0, r2, r3}
    [0xc10d], // stm r1!, {r0, r2, r3}
    [0xe8b1, 0x000c], // ldmia.w r1!, {r2, r3}
    [0xe9f1, 0x2302], // ldrd r2, r3, [r1, #8]!
    [0xe9e1, 0x2302], // strd r2, r3, [r1, #8]!
  ]) {
    const { cpu, bus } = cpuWithCode(hw);
    cpu.r[1] = RAM + 2;
    cpu.r[2] = 5;
    cpu.step();
    assert.equal(cpu.pc, 0x100, hw.map((h) => h.toString(16)).join(' '));
    assert.equal(cpu.r[1], RAM + 2);
    assert.equal(cpu.r[2], 5);
    assert.equal(bus.sram.slice(0, 0x20).join(), new Uint8Array(0x20).join());
  }
});

test('STREX succeeds only after LDREX to the same address; CLREX and a STREX clear the monitor', () => {
  // ldrex r0, [r1, #4]; strex r2, r3, [r1, #4]
  const code = [0xe851, 0x0f01, 0xe841, 0x3201];
  const fresh = cpuWithCode(code.slice(2));
  fresh.cpu.r[1] = RAM;
  fresh.cpu.r[3] = 0x5a5a;
  fresh.cpu.step();
  assert.equal(fresh.cpu.r[2], 1, 'open monitor: STREX fails');
  assert.equal(fresh.bus.read32(RAM + 4), 0);

  const paired = cpuWithCode([...code, 0xe841, 0x3201]);
  paired.bus.write32(RAM + 4, 77);
  paired.cpu.r[1] = RAM;
  paired.cpu.r[3] = 0x5a5a;
  paired.cpu.step();
  assert.equal(paired.cpu.r[0], 77);
  paired.cpu.step();
  assert.equal(paired.cpu.r[2], 0, 'LDREX then STREX: success');
  assert.equal(paired.bus.read32(RAM + 4), 0x5a5a);
  paired.cpu.r[3] = 0x6b6b;
  paired.cpu.step();
  assert.equal(paired.cpu.r[2], 1, 'the first STREX cleared the monitor');
  assert.equal(paired.bus.read32(RAM + 4), 0x5a5a);

  const cleared = cpuWithCode(code);
  cleared.cpu.r[1] = RAM;
  cleared.cpu.step();
  cleared.cpu.clearExclusiveLocal(); // what CLREX does
  cleared.cpu.step();
  assert.equal(cleared.cpu.r[2], 1);
});

test('an unaligned STREXH faults even when the monitor would pass (ExclusiveMonitorsPass)', () => {
  // strexh r2, r3, [r1]
  const { cpu, bus } = cpuWithCode([0xe8c1, 0x3f52]);
  cpu.r[1] = RAM + 1;
  cpu.r[2] = 9;
  cpu.setExclusiveMonitor(RAM + 1);
  cpu.step();
  assert.equal(cpu.pc, 0x100);
  assert.equal(cpu.r[2], 9);
  assert.equal(bus.read16(RAM), 0);
});

test('TBB/TBH branch to PC + 2 * entry, with Rn = PC or a register (A7.7)', () => {
  // tbb [pc, r0] at 0x100: table at PC = 0x104; entry 2 is at 0x106.
  const a = cpuWithCode([0xe8df, 0xf000]);
  a.bus.write8(0x106, 5);
  a.cpu.r[0] = 2;
  a.cpu.step();
  assert.equal(a.cpu.pc, 0x104 + 10);
  assert.equal(a.cpu.cycles, 4);
  // tbh [pc, r0, lsl #1]: entry 1 is the halfword at 0x106.
  const b = cpuWithCode([0xe8df, 0xf010]);
  b.bus.write16(0x106, 0x100);
  b.cpu.r[0] = 1;
  b.cpu.step();
  assert.equal(b.cpu.pc, 0x104 + 0x200);
  // tbh [r1, r2, lsl #1] with the table in RAM; entries are unsigned.
  const c = cpuWithCode([0xe8d1, 0xf012]);
  c.bus.write16(RAM + 6, 0xffff);
  c.cpu.r[1] = RAM;
  c.cpu.r[2] = 3;
  c.cpu.step();
  assert.equal(c.cpu.pc, 0x104 + 0x1fffe);
  // tbb [r1, r2]
  const d = cpuWithCode([0xe8d1, 0xf002]);
  d.bus.write8(RAM + 0x23, 0x80);
  d.cpu.r[1] = RAM + 0x20;
  d.cpu.r[2] = 3;
  d.cpu.step();
  assert.equal(d.cpu.pc, 0x104 + 0x100);
});

test('LDR.W sp, [r1] writes SP with bits [1:0] cleared', () => {
  const { cpu, bus } = cpuWithCode([0xf8d1, 0xd000]);
  bus.write32(RAM, RAM + 0x43);
  cpu.r[1] = RAM;
  cpu.step();
  assert.equal(cpu.r[13], RAM + 0x40);
});

test('LDRT clears forceUnprivileged after the access, even when it faults', () => {
  // ldrt r0, [r1, #4]
  const ok = cpuWithCode([0xf851, 0x0e04]);
  ok.bus.write32(RAM + 4, 42);
  ok.cpu.r[1] = RAM;
  ok.cpu.step();
  assert.equal(ok.cpu.r[0], 42);
  assert.equal(ok.cpu.forceUnprivileged, false);
  const bad = cpuWithCode([0xf851, 0x0e04]);
  bad.cpu.r[1] = 0x4000_0000; // unmapped on the FlatBus
  bad.cpu.step();
  assert.equal(bad.cpu.pc, 0x100);
  assert.equal(bad.cpu.forceUnprivileged, false);
});

test('PLD/PLI and the unallocated hints execute as NOPs', () => {
  for (const hw of [
    [0xf891, 0xf004], // pld [r1, #4]
    [0xf811, 0xf002], // pld [r1, r2]
    [0xf911, 0xfc04], // pli [r1, #-4]
    [0xf89f, 0xf008], // pld [pc, #8]
    [0xf8b1, 0xf004], // PLDW [r1, #4] in ARMv7-A: an unallocated hint on ARMv7-M
  ]) {
    const { cpu } = cpuWithCode(hw);
    cpu.r[1] = 0x4000_0000; // would fault if it were accessed
    cpu.step();
    assert.equal(cpu.pc, 0x104);
    assert.equal(cpu.r[15], 0x104); // nothing but the PC moved
    assert.equal(cpu.r[1], 0x4000_0000);
  }
});

test('single-register LDM.W/STM.W lists transfer the one register (as a Cortex-M4 does)', () => {
  const { cpu, bus } = cpuWithCode([0xe891, 0x0001]); // ldm.w r1, {r0}
  bus.write32(RAM, 99);
  cpu.r[1] = RAM;
  cpu.step();
  assert.equal(cpu.r[0], 99);
  assert.equal(cpu.cycles, 2);
});

test('UNDEFINED and UNPREDICTABLE 32-bit encodings decode to the UsageFault executor', () => {
  const cases: [string, number, number][] = [
    ['ldm.w r1, {r0, sp}', 0xe891, 0x2001],
    ['ldm.w r1, {lr, pc}', 0xe891, 0xc000],
    ['stm.w r1, {r0, pc}', 0xe881, 0x8001],
    ['ldm.w r1!, {r1, r2}', 0xe8b1, 0x0006],
    ['stmdb r1!, {r1, r2}', 0xe921, 0x0006],
    ['ldm.w pc, {r0, r1}', 0xe89f, 0x0003],
    ['ldm.w r1, {}', 0xe891, 0x0000],
    ['srsdb sp!, #0 (not ARMv7-M)', 0xe82d, 0xc000],
    ['rfeia r0 (not ARMv7-M)', 0xe990, 0xc000],
    ['ldrd r0, r0, [r1]', 0xe9d1, 0x0000],
    ['ldrd r1, r2, [r1, #4]!', 0xe9f1, 0x1201],
    ['ldrd sp, r2, [r1]', 0xe9d1, 0xd200],
    ['strd r0, r1, [pc, #4]', 0xe9cf, 0x0101],
    ['ldrd r0, r1, [pc, #4]! (literal with writeback)', 0xe9ff, 0x0101],
    ['ldr r1, [r1, #4]!', 0xf851, 0x1f04],
    ['ldr r0, [r1], #4 with P = W = 0', 0xf851, 0x0a04],
    ['ldr.w r0, [r1, sp]', 0xf851, 0x000d],
    ['ldr.w r0, [r1, r2] with op2 != 0', 0xf851, 0x0042],
    ['ldrsw (S = 1 for a word)', 0xf951, 0x0004],
    ['size 11 load', 0xf871, 0x0004],
    ['store with hw1[8] = 1', 0xf9c1, 0x0004],
    ['str.w r0, [pc, #4]', 0xf8cf, 0x0004],
    ['str.w pc, [r1, #4]', 0xf8c1, 0xf004],
    ['strb.w sp, [r1, #4]', 0xf881, 0xd004],
    ['ldrb.w sp, [r1, #4]', 0xf891, 0xd004],
    ['ldrh sp, [pc, #4]', 0xf8bf, 0xd004],
    ['ldrbt pc, [r1, #4]', 0xf811, 0xfe04],
    ['ldrt sp, [r1, #4]', 0xf851, 0xde04],
    ['ldrb pc, [r1, #4]! (writeback hint)', 0xf811, 0xff04],
    ['ldrex r0, [pc]', 0xe85f, 0x0f00],
    ['ldrex sp, [r1]', 0xe851, 0xdf00],
    ['ldrex with hw2[11:8] != 1111', 0xe851, 0x0e00],
    ['strex r1, r2, [r1]', 0xe841, 0x2100],
    ['strex r2, r2, [r1]', 0xe841, 0x2200],
    ['strexb with bad op3', 0xe8c1, 0x3f62],
    ['tbb [sp, r0]', 0xe8dd, 0xf000],
    ['tbb [r1, pc]', 0xe8d1, 0xf00f],
    ['tbb with hw2[15:12] != 1111', 0xe8d1, 0x0002],
  ];
  for (const [name, hw1, hw2] of cases) {
    assert.equal(decodeThumb32LoadStore(hw1, hw2, 0x100), undefinedExecutor, name);
  }
  for (const [name, hw1, hw2] of [
    ['ldr.w r0, [r1, #4]', 0xf8d1, 0x0004],
    ['ldr.w sp, [r1]', 0xf8d1, 0xd000],
    ['str.w sp, [r1, #4]', 0xf8c1, 0xd004],
    ['ldrd r0, r1, [sp, #8]', 0xe9dd, 0x0102],
    ['push.w {r4-r11, lr}', 0xe92d, 0x4ff0],
    ['pop.w {r4-r11, pc}', 0xe8bd, 0x8ff0],
  ] as const) {
    assert.notEqual(decodeThumb32LoadStore(hw1, hw2, 0x100), undefinedExecutor, name);
  }
});

test('the 16-bit decoder leaves other instructions alone and faults empty lists', () => {
  for (const hw of [0x4770, 0xb082, 0x2000, 0xa001, 0xbf00, 0x4600, 0x4000, 0xd0fe, 0xe7fe, 0xdf00, 0xb2c0]) {
    assert.equal(decodeThumb16LoadStore(hw, 0x100), undefined, hw.toString(16));
  }
  for (const hw of [0xc900, 0xc100, 0xb400, 0xbc00]) {
    assert.equal(decodeThumb16LoadStore(hw, 0x100), undefinedExecutor, hw.toString(16));
  }
});

test('timing: single loads/stores +1, LDM/STM/PUSH/POP +N, LDRD/STRD +2', () => {
  const cycles = (hw: number[]): number => {
    const { cpu } = cpuWithCode(hw);
    cpu.r[1] = RAM;
    cpu.r[2] = 4;
    cpu.step();
    assert.equal(cpu.pc, 0x100 + 2 * hw.length);
    return cpu.cycles;
  };
  assert.equal(cycles([0x6848]), 2); // ldr r0, [r1, #4]
  assert.equal(cycles([0x5088]), 2); // str r0, [r1, r2]
  assert.equal(cycles([0xc90d]), 4); // ldm r1!, {r0, r2, r3}
  assert.equal(cycles([0xb50e]), 5); // push {r1, r2, r3, lr}
  assert.equal(cycles([0xe9d1, 0x0302]), 3); // ldrd r0, r3, [r1, #8]
});

test('16-bit STM with the base in the list but not lowest stores its original value (as QEMU does)', () => {
  // stm r1!, {r0, r1, r3} (.hword 0xc10b): the manual says UNKNOWN for r1's slot.
  const { cpu, bus } = cpuWithCode([0xc10b]);
  cpu.r[0] = 0;
  cpu.r[1] = RAM + 0x100;
  cpu.r[3] = 0x3003;
  cpu.step();
  assert.equal(cpu.r[1], RAM + 0x10c);
  assert.deepEqual(
    [bus.read32(RAM + 0x100), bus.read32(RAM + 0x104), bus.read32(RAM + 0x108)],
    [0, RAM + 0x100, 0x3003],
  );
});

// Found running cpu-suite: a load into LR must not be treated as a load into the PC.
test('LDR.W lr, [sp, #4] loads LR and does not branch', () => {
  const { cpu, bus } = cpuWithCode([0xf8dd, 0xe004]);
  cpu.writeSp(0x2000_fff0);
  bus.write32(0x2000_fff4, 0x0800_1235);
  cpu.step();
  assert.equal(cpu.r[14]! >>> 0, 0x0800_1235);
  assert.equal(cpu.pc, 0x104);
});
