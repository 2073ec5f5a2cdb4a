import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GPIO_REG, Gpio, LCKR_LCKK } from './gpio.js';
import type { GpioPortName } from './gpio.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

function port(name: GpioPortName = 'D') {
  const gpio = new Gpio(name, new FakeSocContext());
  const r = (reg: number) => gpio.read(reg, 4) >>> 0;
  const w = (reg: number, value: number) => {
    gpio.write(reg, 4, value);
  };
  return { gpio, r, w };
}

describe('Gpio', () => {
  test('base, enable bit and reset values of RM0090 §8.4', () => {
    const a = port('A');
    assert.equal(a.gpio.base, 0x4002_0000);
    assert.equal(port('E').gpio.base, 0x4002_1000);
    assert.deepEqual(port('D').gpio.clockEnable, { register: 'AHB1ENR', bit: 3 });
    assert.equal(a.r(GPIO_REG.MODER), 0xa800_0000);
    assert.equal(a.r(GPIO_REG.PUPDR), 0x6400_0000);
    assert.equal(a.r(GPIO_REG.OSPEEDR), 0x0c00_0000);
    const b = port('B');
    assert.equal(b.r(GPIO_REG.MODER), 0x0000_0280);
    assert.equal(b.r(GPIO_REG.PUPDR), 0x0000_0100);
    assert.equal(b.r(GPIO_REG.OSPEEDR), 0x0000_00c0);
    const d = port('D');
    for (const reg of Object.values(GPIO_REG)) assert.equal(d.r(reg), 0, `offset ${reg}`);
  });

  test('the debug pins start in AF0', () => {
    const { gpio } = port('A');
    for (const pin of [13, 14, 15]) {
      assert.equal(gpio.mode(pin), 'alternate');
      assert.equal(gpio.alternateFunction(pin), 0);
    }
    const b = port('B').gpio;
    assert.equal(b.mode(3), 'alternate');
    assert.equal(b.mode(4), 'alternate');
    assert.equal(b.mode(5), 'input');
  });

  test('BSRR: write-only, set wins over reset, half-word writes to BR', () => {
    const { gpio, r, w } = port();
    w(GPIO_REG.ODR, 0x00f0);
    w(GPIO_REG.BSRR, 0x0001_0001 | 0x0010_0000); // BS0+BR0 (set wins), BR4
    assert.equal(r(GPIO_REG.ODR), 0x00e1);
    assert.equal(r(GPIO_REG.BSRR), 0);
    gpio.write(GPIO_REG.BSRR + 2, 2, 0x0020); // BR5 through the upper half-word
    assert.equal(r(GPIO_REG.ODR), 0x00c1);
    gpio.write(GPIO_REG.BSRR, 1, 0x02); // BS1 by byte
    assert.equal(r(GPIO_REG.ODR), 0x00c3);
  });

  test('outputs drive IDR and LEDs; onOutputChange reports the changed pins', () => {
    const { gpio, r, w } = port();
    const changes: number[] = [];
    gpio.onOutputChange = (mask) => changes.push(mask);
    w(GPIO_REG.MODER, 0x5500_0000);
    w(GPIO_REG.BSRR, 1 << 12);
    assert.equal(gpio.outputLevel(12), true);
    assert.equal(r(GPIO_REG.IDR), 1 << 12);
    w(GPIO_REG.BSRR, (1 << (12 + 16)) | (1 << 13));
    assert.deepEqual(changes, [1 << 12, (1 << 12) | (1 << 13)]);
    w(GPIO_REG.ODR, 1 << 2); // PD2 is an input: ODR alone drives nothing
    assert.equal(gpio.outputLevel(2), false);
    assert.equal(r(GPIO_REG.IDR) & 4, 0);
  });

  test('input level: external drive, else output, else pull, else 0; analog reads 0', () => {
    const { gpio, r, w } = port('A');
    const edges: string[] = [];
    gpio.onInputChange = (pin, level) => edges.push(`${pin}:${level ? 1 : 0}`);
    assert.equal(gpio.inputLevel(0), false);
    gpio.driveExternal(0, true);
    assert.equal(gpio.inputLevel(0), true);
    gpio.driveExternal(0, undefined);
    w(GPIO_REG.PUPDR, r(GPIO_REG.PUPDR) | 1); // PA0 pull-up
    assert.equal(gpio.inputLevel(0), true);
    w(GPIO_REG.PUPDR, (r(GPIO_REG.PUPDR) & ~3) | 2); // pull-down
    assert.equal(gpio.inputLevel(0), false);
    assert.deepEqual(edges, ['0:1', '0:0', '0:1', '0:0']);
    // PA13 has its reset pull-up, PA14 its pull-down.
    assert.equal(gpio.inputLevel(13), true);
    assert.equal(gpio.inputLevel(14), false);
    // Open drain driving 1 releases the pin to its pull.
    w(GPIO_REG.MODER, r(GPIO_REG.MODER) | (1 << 2)); // PA1 output
    w(GPIO_REG.OTYPER, 1 << 1);
    w(GPIO_REG.ODR, 1 << 1);
    assert.equal(gpio.inputLevel(1), false);
    assert.equal(gpio.outputLevel(1), false);
    w(GPIO_REG.PUPDR, r(GPIO_REG.PUPDR) | (1 << 2));
    assert.equal(gpio.inputLevel(1), true);
    gpio.driveExternal(3, true);
    w(GPIO_REG.MODER, r(GPIO_REG.MODER) | (3 << 6)); // PA3 analog
    assert.equal(gpio.inputLevel(3), false);
    assert.equal(gpio.mode(3), 'analog');
  });

  test('LCKR: the right key sequence freezes the configuration until reset', () => {
    const { gpio, r, w } = port();
    const pins = 1 << 12;
    w(GPIO_REG.LCKR, LCKR_LCKK | pins);
    w(GPIO_REG.LCKR, pins);
    w(GPIO_REG.LCKR, LCKR_LCKK | pins);
    assert.equal(r(GPIO_REG.LCKR), LCKR_LCKK | pins);
    w(GPIO_REG.MODER, 0x5500_0000);
    assert.equal(r(GPIO_REG.MODER), 0x5400_0000, 'PD12 kept its mode');
    w(GPIO_REG.AFRH, 0xffff_ffff);
    assert.equal(r(GPIO_REG.AFRH), 0xfff0_ffff);
    w(GPIO_REG.OTYPER, 0xffff);
    assert.equal(r(GPIO_REG.OTYPER), 0xefff);
    w(GPIO_REG.LCKR, 0);
    assert.equal(r(GPIO_REG.LCKR), LCKR_LCKK | pins, 'LCKR itself is frozen');
    w(GPIO_REG.ODR, 0xffff);
    assert.equal(r(GPIO_REG.ODR), 0xffff, 'ODR is not locked');
    gpio.reset('system');
    assert.equal(r(GPIO_REG.LCKR), 0);
    w(GPIO_REG.MODER, 0x5500_0000);
    assert.equal(r(GPIO_REG.MODER), 0x5500_0000);
  });

  test('LCKR: a wrong sequence does not lock', () => {
    const cases: [string, (w: (v: number) => void) => void][] = [
      [
        '1,1,1',
        (w) => {
          [LCKR_LCKK | 1, LCKR_LCKK | 1, LCKR_LCKK | 1].forEach(w);
        },
      ],
      [
        'changed LCK',
        (w) => {
          [LCKR_LCKK | 1, 1, LCKR_LCKK | 3].forEach(w);
        },
      ],
      [
        '0,1,0',
        (w) => {
          [1, LCKR_LCKK | 1, 1].forEach(w);
        },
      ],
    ];
    for (const [name, sequence] of cases) {
      const { r, w } = port();
      sequence((v) => {
        w(GPIO_REG.LCKR, v);
      });
      assert.equal(r(GPIO_REG.LCKR) & LCKR_LCKK, 0, name);
      w(GPIO_REG.MODER, 1);
      assert.equal(r(GPIO_REG.MODER), 1, name);
    }
    // A half-word write breaks the sequence.
    const { gpio, r, w } = port();
    w(GPIO_REG.LCKR, LCKR_LCKK | 1);
    gpio.write(GPIO_REG.LCKR, 2, 1);
    w(GPIO_REG.LCKR, LCKR_LCKK | 1);
    assert.equal(r(GPIO_REG.LCKR) & LCKR_LCKK, 0);
    // ...and a new sequence can begin right after a wrong step.
    const again = port();
    [1, LCKR_LCKK | 1, LCKR_LCKK | 1].forEach((v) => {
      again.w(GPIO_REG.LCKR, v);
    });
    assert.equal(again.r(GPIO_REG.LCKR) & LCKR_LCKK, 0);
    [1, LCKR_LCKK | 1].forEach((v) => {
      again.w(GPIO_REG.LCKR, v);
    });
    assert.equal(again.r(GPIO_REG.LCKR), LCKR_LCKK | 1);
  });

  test('byte and half-word accesses touch only their lanes', () => {
    const { gpio, r } = port();
    gpio.write(GPIO_REG.MODER + 3, 1, 0x55);
    assert.equal(r(GPIO_REG.MODER), 0x5500_0000);
    assert.equal(gpio.read(GPIO_REG.MODER + 2, 2), 0x5500);
    assert.equal(gpio.read(GPIO_REG.MODER + 3, 1), 0x55);
  });

  test('mode() decodes every MODER field', () => {
    const { gpio, w } = port('C');
    w(GPIO_REG.MODER, 0xe4e4_e4e4 | 0); // pins cycle input, output, alternate, analog... reversed per byte
    const expected = ['input', 'output', 'alternate', 'analog'];
    for (let pin = 0; pin < 16; pin++) assert.equal(gpio.mode(pin), expected[(0xe4 >>> (2 * (pin & 3))) & 3]);
    // Output pins drive IDR, analog pins read 0 even when driven.
    for (let pin = 0; pin < 16; pin++) gpio.driveExternal(pin, undefined);
    w(GPIO_REG.ODR, 0xffff);
    assert.equal(gpio.read(GPIO_REG.IDR, 4), 0x2222);
  });
});
