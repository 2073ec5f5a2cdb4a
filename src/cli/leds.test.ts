import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setU32le } from '../util/bytes.js';
import { GPIOD_IDR, ledLine, ledsOf, watchLeds } from './leds.js';
import { Output } from './output.js';

test('GPIOD_IDR bits 12-15 are green, orange, red, blue', () => {
  assert.deepEqual(ledsOf(1 << 13), { green: false, orange: true, red: false, blue: false });
  assert.equal(ledLine(ledsOf((1 << 12) | (1 << 15)), false), '● green  ○ orange  ○ red  ● blue');
});

test('watching prints a line per change without a TTY, and reads GPIOD_IDR through the probe', async () => {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  const io = { stdout, stderr: new PassThrough() };
  let t = 0;
  const addresses = new Set<number>();
  const watch = await watchLeds(
    (address) => {
      addresses.add(address);
      const word = new Uint8Array(4);
      setU32le(word, 0, 1 << (12 + (Math.floor(t / 250) % 4)));
      return Promise.resolve(word);
    },
    new Output({ json: false, verbosity: 0, ...io }),
    io,
    { seconds: 1, now: () => t, sleep: (ms) => ((t += ms), Promise.resolve()), pollMs: 50 },
  );
  assert.deepEqual([...addresses], [GPIOD_IDR]);
  assert.deepEqual(
    watch.changes.map((c) => Object.entries(c.leds).find(([, on]) => on)?.[0]),
    ['green', 'orange', 'red', 'blue', 'green'],
  );
  assert.equal(text.trim().split('\n').length, 5);
  assert.match(text, /leds +0\.25 s {2}○ green {2}● orange/);
});
