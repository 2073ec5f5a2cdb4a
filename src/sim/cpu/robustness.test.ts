import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BareMachine } from './bare-machine.js';

/**
 * Guest behaviour must never throw a JavaScript exception out of the simulator: every UNDEFINED or
 * UNPREDICTABLE encoding, bad address or impossible state becomes what the hardware does (a fault,
 * lock-up). Random instruction streams exercise the decoder and the fault paths far beyond what
 * hand-written tests reach.
 */
function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function randomMachine(random: () => number): BareMachine {
  const machine = new BareMachine();
  const code = new Uint8Array(0x4000);
  for (let i = 0; i < code.length; i += 4) {
    new DataView(code.buffer).setUint32(i, random(), true);
  }
  // A vector table that keeps the stack in SRAM and sends every exception into the random code,
  // so execution goes on through faults instead of locking up at once.
  const view = new DataView(code.buffer);
  view.setUint32(0, 0x2001_0000, true);
  for (let vector = 1; vector < 98; vector++) {
    view.setUint32(4 * vector, (0x0800_0200 + ((random() % 0x3e00) & ~1)) | 1, true);
  }
  machine.load(BareMachine.FLASH_BASE, code);
  machine.cpu.reset('power-on');
  return machine;
}

describe('random instruction streams', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`never throw out of the simulator (seed ${seed})`, () => {
      const random = xorshift32(seed);
      const machine = randomMachine(random);
      for (let i = 0; i < 25_000; i++) {
        machine.cpu.step();
        // Random code soon faults inside a fault handler and locks up, as silicon would: start
        // again somewhere else in the random code.
        if (machine.cpu.lockedUp) {
          const entry = (0x0800_0200 + ((random() % 0x3e00) & ~1)) | 1;
          machine.load(BareMachine.FLASH_BASE + 4, new Uint8Array(new Uint32Array([entry]).buffer));
          machine.cpu.reset('power-on');
        }
      }
      // Getting here without an exception is the point; the core state must also still be readable.
      assert.ok(Number.isInteger(machine.cpu.pc));
      assert.ok(machine.cpu.instructionsRetired > 100, 'the random stream should run for a while');
    });
  }
});
