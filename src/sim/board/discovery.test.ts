import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwdDebuggerLite } from '../../../test/support/swd-debugger-lite.js';
import { BoardConsole } from './console.js';
import { DiscoveryBoard } from './discovery.js';

const MS = 1e6;

test('the user button drives PA0 high while pressed, low (pull-down) otherwise', () => {
  const board = new DiscoveryBoard();
  const gpioA = board.soc.devices.gpio.A;
  assert.equal(gpioA.inputLevel(0), false);
  board.pressButton(true);
  assert.equal(gpioA.inputLevel(0), true);
  board.pressButton(false);
  assert.equal(gpioA.inputLevel(0), false);
});

test('LEDs read GPIOD pins 12-15 as outputs; all dark without power', () => {
  const board = new DiscoveryBoard();
  const debug = new SwdDebuggerLite(board);
  debug.write32(0x4002_3830, 1 << 3); // RCC_AHB1ENR.GPIODEN
  debug.write32(0x4002_0c00, 0x5500_0000); // PD12-15 outputs
  debug.write32(0x4002_0c18, (1 << 13) | (1 << 15)); // BSRR: orange, blue
  assert.deepEqual(board.leds, { green: false, orange: true, red: false, blue: true });
  board.power(false);
  assert.deepEqual(board.leds, { green: false, orange: false, red: false, blue: false });
  assert.equal(board.targetVoltage(), 0);
});

test('LED changes are reported; a preloaded image runs from the first power-up', () => {
  // Thumb code at 0x08000100: GPIOD clock on, PD12 output, PD12 high, then loop.
  const code = Uint16Array.from([
    0x4a04, // 0x100 ldr r2, [pc, #16] → 0x114 RCC_AHB1ENR
    0x2308, // 0x102 movs r3, #8 (GPIODEN)
    0x6013, // 0x104 str r3, [r2]
    0x4a04, // 0x106 ldr r2, [pc, #16] → 0x118 GPIOD_MODER
    0x4b04, // 0x108 ldr r3, [pc, #16] → 0x11c 0x01000000 (PD12 output)
    0x6013, // 0x10a str r3, [r2]
    0x4a04, // 0x10c ldr r2, [pc, #16] → 0x120 GPIOD_BSRR
    0x4b05, // 0x10e ldr r3, [pc, #20] → 0x124 BS12
    0x6013, // 0x110 str r3, [r2]
    0xe7fe, // 0x112 b .
  ]);
  const literals = Uint32Array.from([0x4002_3830, 0x4002_0c00, 0x0100_0000, 0x4002_0c18, 1 << 12]);
  const image = new Uint8Array(0x114 + literals.byteLength);
  const view = new DataView(image.buffer);
  view.setUint32(0, 0x2002_0000, true);
  view.setUint32(4, 0x0800_0101, true);
  image.set(new Uint8Array(code.buffer), 0x100);
  image.set(new Uint8Array(literals.buffer), 0x114);
  const changes: string[] = [];
  const board = new DiscoveryBoard({ preload: [{ address: 0x0800_0000, data: image }] });
  board.onLedChange((leds) => changes.push(JSON.stringify(leds)));
  board.runFor(0.1 * MS);
  assert.deepEqual(board.leds, { green: true, orange: false, red: false, blue: false });
  assert.equal(changes.length, 1);
});

test('BOOT0 is low by default; high boots system memory at the next reset', () => {
  const board = new DiscoveryBoard();
  assert.equal(board.boot0, false);
  board.setBoot0(true);
  board.setNrst(true);
  board.setNrst(false);
  board.runFor(0.1 * MS);
  const pc = board.soc.cpu.pc >>> 0;
  assert.ok(
    pc < 0x8000 || (pc >= 0x1fff_0000 && pc < 0x1fff_7800),
    `runs system memory: 0x${pc.toString(16)}`,
  );
});

test('USART2 bytes reach the console, as bytes and as lines', () => {
  const board = new DiscoveryBoard();
  const lines: string[] = [];
  board.console.onLine((line) => lines.push(line));
  const debug = new SwdDebuggerLite(board);
  debug.write32(0x4002_3840, 1 << 17); // RCC_APB1ENR.USART2EN
  debug.write32(0x4000_4408, 0x8b); // BRR: 115200 baud from 16 MHz
  debug.write32(0x4000_440c, (1 << 13) | (1 << 3)); // CR1: UE, TE
  for (const byte of Buffer.from('ok\r\n')) {
    while ((debug.read32(0x4000_4400) & (1 << 7)) === 0) board.runFor(0.01 * MS); // TXE
    debug.write32(0x4000_4404, byte);
  }
  board.runFor(2 * MS);
  assert.deepEqual(lines, ['ok']);
  assert.equal(board.console.text, 'ok\r\n');
});

test('BoardConsole keeps a bounded history', () => {
  const console = new BoardConsole();
  for (let i = 0; i < BoardConsole.RETAINED_BYTES + 10; i++) console.receive(0x41);
  assert.ok(console.text.length <= BoardConsole.RETAINED_BYTES);
  assert.ok(console.text.length > 0);
});

test('preload places segments in flash; outside flash it is refused', () => {
  const board = new DiscoveryBoard({ powered: false });
  board.preload([{ address: 0x0800_0100, data: Uint8Array.of(1, 2, 3, 4) }]);
  board.power(true);
  const debug = new SwdDebuggerLite(board);
  assert.equal(debug.read32(0x0800_0100), 0x0403_0201);
  assert.throws(() => {
    board.preload([{ address: 0x2000_0000, data: Uint8Array.of(1) }]);
  }, RangeError);
});
