import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlashStorage } from './flash/flash-storage.js';
import { Stm32f407 } from './stm32f407.js';

/**
 * Thumb code (assembled once with arm-none-eabi-as, bytes below): unlock FLASH_KEYR, FLASH_CR = PG |
 * PSIZE x32, program one word at 0x08010000, then count polls of FLASH_SR until BSY clears, BKPT.
 *
 *   ldr r0,=0x40023C00; ldr r1,=KEY1; str r1,[r0,#4]; ldr r1,=KEY2; str r1,[r0,#4]
 *   movw r1,#0x201; str r1,[r0,#0x10]; ldr r2,=0x08010000; movs r3,#0; str r3,[r2]
 *   movs r5,#0; poll: ldr r4,[r0,#0xC]; adds r5,#1; lsls r4,r4,#16; bcs poll; bkpt #0
 */
const POLL_FLASH_BSY = Buffer.from(
  '0848094941600949416040f201210161074a002313600025c46801352404fbd200be0000003c024023016745ab89efcd00000108',
  'hex',
);

function socRunning(code: Uint8Array, storage?: FlashStorage, debug = true): Stm32f407 {
  const soc = new Stm32f407(storage === undefined ? {} : { storage });
  const vectors = new Uint8Array(8);
  new DataView(vectors.buffer).setUint32(0, 0x2002_0000, true);
  new DataView(vectors.buffer).setUint32(4, 0x0800_0101, true);
  soc.preload(0x0800_0000, vectors);
  soc.preload(0x0800_0100, code);
  soc.powerOn();
  if (debug) soc.debugWrite(0xe000_edf0, 4, 0xa05f_0001); // C_DEBUGEN: the BKPT halts
  return soc;
}

describe('Stm32f407 run loop', () => {
  test('an event an instruction schedules mid-slice fires on time: BSY clears 16 µs after the program access', () => {
    const soc = socRunning(POLL_FLASH_BSY);
    soc.runFor(5e6);
    const cpu = soc.cpu;
    assert.ok(cpu.halted, 'the program reached its BKPT');
    assert.equal(soc.bus.read32(0x0801_0000), 0, 'the word was programmed');
    // 16 µs at the 16 MHz HSI is 256 cycles; one poll is a handful of cycles. Were the completion
    // left to the end of the 1 ms quantum, the count would be in the thousands.
    const polls = cpu.r[5]!;
    assert.ok(polls > 10 && polls < 100, `${polls} polls of FLASH_SR.BSY`);
  });

  test('RDP level 1: once a debugger touches the chip, code already decoded from flash faults too', () => {
    const storage = new FlashStorage();
    storage.optionWord = storage.optionWord & ~0xff00; // RDP = 0x00: level 1
    const soc = socRunning(Uint8Array.of(0xfe, 0xe7), storage, false); // b . (runs from flash)
    soc.runFor(1e6);
    assert.equal(soc.cpu.pc >>> 0, 0x0800_0100, 'spinning in flash, decoded and cached');
    assert.ok(!soc.cpu.lockedUp);
    soc.debugRead(0x2000_0000, 4); // the debugger's first access: intrusion (RM0090 §3.7.3)
    soc.runFor(1e6);
    // The fetch is now a bus error (CFSR.IBUSERR) and the HardFault vector cannot be read either, so
    // the core locks up (ARMv7-M B1.5.15).
    assert.ok(soc.cpu.lockedUp, `pc=${(soc.cpu.pc >>> 0).toString(16)}`);
    assert.notEqual(soc.cpu.scb.cfsr & 0x100, 0, 'CFSR.IBUSERR');
  });

  test('a core load from flash during a sector erase waits for it and reads erased flash', () => {
    // ldr r2,=0x08004000; ldr r6,[r2] (a plain read); unlock; FLASH_CR = SER | SNB 1, then | STRT;
    // ldr r7,[r2] (during the erase); bkpt. Assembled with arm-none-eabi-as.
    const code = Buffer.from(
      '064a1668064807494160074941600a21016106490161176800be000000400008003c024023016745ab89efcd0a000100',
      'hex',
    );
    const storage = new FlashStorage();
    storage.preload(0x0800_4000, Uint8Array.of(0x78, 0x56, 0x34, 0x12));
    const soc = socRunning(code, storage);
    soc.runFor(2e9);
    const cpu = soc.cpu;
    assert.ok(cpu.halted, 'reached the BKPT');
    assert.equal(cpu.r[6]! >>> 0, 0x1234_5678, 'before the erase');
    assert.equal(cpu.r[7]! >>> 0, 0xffff_ffff, 'after it');
    // A 16 KiB sector at PSIZE x8 takes 400 ms (DS8626): the load was held that long.
    assert.ok(cpu.cycles / 16e6 >= 0.4, `halted after ${(cpu.cycles / 16e6).toFixed(3)} s of core time`);
  });
});
