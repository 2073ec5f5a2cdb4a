import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFaultStatus } from './fault-status.js';

test('no bits: no fault recorded', () => {
  const s = decodeFaultStatus({ cfsr: 0, hfsr: 0, mmfar: 0xe000_ed34, bfar: 0xe000_ed38 });
  assert.deepEqual(s.causes, []);
  assert.equal(s.summary, 'no fault recorded');
});

test('a precise bus error names its address only when BFARVALID says BFAR holds one', () => {
  const valid = decodeFaultStatus({ cfsr: (1 << 9) | (1 << 15), hfsr: 1 << 30, mmfar: 0, bfar: 0x6000_0000 });
  assert.deepEqual(
    valid.causes.map((c) => [c.register, c.bit, c.address]),
    [
      ['HFSR', 'FORCED', undefined],
      ['BFSR', 'PRECISERR', 0x6000_0000],
    ],
  );
  assert.match(valid.summary, /BusFault PRECISERR: .* \(at 0x60000000\)/);
  const stale = decodeFaultStatus({ cfsr: 1 << 9, hfsr: 0, mmfar: 0, bfar: 0x6000_0000 });
  assert.equal(stale.causes[0]?.address, undefined);
});

test('usage faults, MemManage with MMFAR, and every HFSR bit are decoded', () => {
  const s = decodeFaultStatus({
    cfsr: (1 << 1) | (1 << 7) | (1 << 16) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 24) | (1 << 25),
    hfsr: (1 << 1) | (1 << 31),
    mmfar: 0x2002_0000,
    bfar: 0,
  });
  assert.deepEqual(
    s.causes.map((c) => c.bit),
    ['VECTTBL', 'DEBUGEVT', 'DACCVIOL', 'UNDEFINSTR', 'INVSTATE', 'INVPC', 'NOCP', 'UNALIGNED', 'DIVBYZERO'],
  );
  assert.equal(s.causes.find((c) => c.bit === 'DACCVIOL')?.address, 0x2002_0000);
  assert.match(s.causes.find((c) => c.bit === 'NOCP')?.description ?? '', /CPACR/);
});
