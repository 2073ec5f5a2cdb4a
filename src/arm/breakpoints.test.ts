import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Breakpoints } from './breakpoints.js';
import type { MemoryAccess } from './memory-access.js';

/** Words at addresses; everything else reads 0. */
function words(initial: [number, number][]): { memory: MemoryAccess; at: Map<number, number> } {
  const at = new Map(initial);
  const no = (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    at,
    memory: {
      read32: (a) => Promise.resolve(at.get(a) ?? 0),
      write32: (a, v) => {
        at.set(a, v >>> 0);
        return Promise.resolve();
      },
      read16: no,
      write16: no,
      read8: no,
      write8: no,
      readMemory: no,
      writeMemory: no,
    },
  };
}

test('FPB version 1: comparators in use by another program are left alone', async () => {
  // NUM_CODE1 = 2, REV 0; comparator 0 already holds a breakpoint at 0x08000100.
  const { memory, at } = words([
    [0xe000_2000, 0x0000_0020],
    [0xe000_2008, 0x4800_0101],
  ]);
  const bp = new Breakpoints(memory);
  assert.equal(await bp.isSetAt(0x0800_0100), true);
  await bp.set(0x0800_0202);
  assert.equal(at.get(0xe000_200c), 0x8800_0201, 'upper halfword of 0x08000200, comparator 1');
  assert.equal(at.get(0xe000_2000), 0x3, 'KEY | ENABLE');
  assert.deepEqual(await bp.list(), [0x0800_0202]);
  await assert.rejects(bp.set(0x0800_0300), { code: 'target.no-free-breakpoint' });
  await bp.clear();
  assert.equal(at.get(0xe000_2008), 0x4800_0101, 'the other program’s breakpoint stays');
  assert.equal(at.get(0xe000_200c), 0);
});

test('FPB version 2 (FP_CTRL.REV = 1): BPADDR | BE, anywhere in memory', async () => {
  const { memory, at } = words([[0xe000_2000, 0x1000_0080]]);
  const bp = new Breakpoints(memory);
  assert.equal((await bp.describe()).version, 2);
  await bp.set(0x2000_0103);
  assert.equal(at.get(0xe000_2008), 0x2000_0103);
  assert.equal(await bp.isSetAt(0x2000_0102), true);
  await bp.remove(0x2000_0102);
  assert.equal(at.get(0xe000_2008), 0);
});
