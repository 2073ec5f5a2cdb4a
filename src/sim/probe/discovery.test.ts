import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex, hexBytes, u32le } from '../../util/bytes.js';
import { DiscoveryBoard } from '../board/discovery.js';
import { BoardRunner } from '../board/runner.js';
import type { DataPhase } from '../../protocol/link.js';
import { VirtualStLinkDevice } from './virtual-stlink.js';

/**
 * The virtual probe against the real virtual board (DiscoveryBoard: SoC, SW-DP, AHB-AP, core), with
 * blinky in flash: OpenOCD 0.12's init and `reset halt` exchanges (docs/stlink-protocol.md §B.2, B.5),
 * byte for byte as OpenOCD sends them.
 */

// The repository root, from src/sim/probe (tsx) or dist/src/sim/probe (compiled).
const root = fileURLToPath(new URL('.', import.meta.url)).replace(/(dist\/)?src\/sim\/probe\/$/, '');
const blinky = readFileSync(`${root}firmware/bin/blinky.bin`);

function block(hex: string): Uint8Array {
  const out = new Uint8Array(16);
  out.set(fromHex(hex.replace(/\s+/g, '')));
  return out;
}

function rig(options: { powered?: boolean; model?: 'v2-1' | 'v3' } = {}) {
  const board = new DiscoveryBoard({ powered: options.powered ?? true });
  board.preload([{ address: 0x08000000, data: blinky }]);
  // Unpaced: the runner's charge runs the board for each exchange's modelled cost.
  const device = new VirtualStLinkDevice(board, {
    model: options.model ?? 'v2-1',
    charge: new BoardRunner(board).charge,
  });
  board.runFor(1_000_000);
  const x = (command: string, phase: DataPhase): Uint8Array => {
    const out = device.exchange(block(command), phase);
    assert.ok(out instanceof Uint8Array);
    return out;
  };
  const r = (command: string, length: number): string => hexBytes(x(command, { kind: 'read', length }));
  const w = (command: string, data: string): void => {
    assert.equal(x(command, { kind: 'write', data: fromHex(data) }).length, 0);
  };
  const ok12 = '80 00 00 00 00 00 00 00 00 00 00 00';
  return { board, device, r, w, ok12 };
}

describe('virtual ST-Link on the DiscoveryBoard (blinky)', () => {
  it('OpenOCD init (B.2): open, ENTER, INIT_AP, CPUID, NRST high, IDCODES, cortex_m examine, DBGMCU', () => {
    const { r, w, ok12 } = rig();
    const steps: [string, number, string][] = [
      ['F1', 6, '2a 1b 83 04 4b 37'],
      ['F5', 2, '01 00'],
      ['F5', 2, '01 00'],
      ['F7', 8, '10 06 00 00 94 07 00 00'], // 3.0 V: the Discovery's VDD
      ['F2 43 01 00', 2, '80 00'],
      ['F2 30 A3', 2, '80 00'],
      ['F5', 2, '02 00'],
      ['F2 4B 00', 2, '80 00'],
      ['F2 07 00 ED 00 E0 04 00', 4, '41 c2 0f 41'], // CPUID: Cortex-M4 r0p1
      ['F2 3E', 12, ok12],
      ['F2 3C 01', 2, '80 00'],
      ['F2 31', 12, '80 00 00 00 77 14 a0 2b 00 00 00 00'],
      ['F2 07 00 ED 00 E0 04 00', 4, '41 c2 0f 41'],
      ['F2 3E', 12, ok12],
      ['F2 07 40 EF 00 E0 04 00', 4, '21 00 11 10'], // MVFR0
      ['F2 3E', 12, ok12],
      ['F2 07 44 EF 00 E0 04 00', 4, '11 00 00 11'], // MVFR1
      ['F2 3E', 12, ok12],
    ];
    for (const [command, length, expected] of steps) assert.equal(r(command, length), expected, command);
    // DHCSR: C_DEBUGEN clear after power-on; OpenOCD sets it.
    const dhcsr = fromHex(r('F2 07 F0 ED 00 E0 04 00', 4).replace(/ /g, ''));
    assert.equal(u32le(dhcsr, 0) & 1, 0);
    w('F2 08 F0 ED 00 E0 04 00', '01005fa0');
    assert.equal(r('F2 3E', 12), ok12);
    w('F2 08 FC ED 00 E0 04 00', '00000001');
    assert.equal(r('F2 3E', 12), ok12);
    assert.equal(r('F2 07 00 20 00 E0 04 00', 4), '60 02 00 00', 'FP_CTRL: 6 code, 2 literal comparators');
    assert.equal(r('F2 07 00 10 00 E0 04 00', 4), '00 00 00 40', 'DWT_CTRL: NUMCOMP 4');
    assert.equal(r('F2 07 BC 1F 00 E0 04 00', 4), '00 00 00 00', 'DWT_DEVARCH');
    assert.equal(r('F2 3E', 12), ok12);
    assert.equal(r('F2 07 00 20 04 E0 04 00', 4), '13 64 07 10', 'DBGMCU_IDCODE 0x10076413');
    w('F2 08 04 20 04 E0 04 00', '07000000');
    assert.equal(r('F2 07 04 20 04 E0 04 00', 4), '07 00 00 00', 'DBGMCU_CR');
    assert.equal(r('F2 47 22 7A FF 1F 02 00', 2), '00 04', 'flash size 1024 KiB (16-bit read)');
    assert.equal(r('F2 3E', 12), ok12);
    // The poll: DHCSR through READDEBUGREG, C_DEBUGEN now set, core running blinky.
    const poll = fromHex(r('F2 36 F0 ED 00 E0', 8).replace(/ /g, ''));
    assert.equal(poll[0], 0x80);
    assert.equal(u32le(poll, 4) & 0x20001, 0x1, 'C_DEBUGEN, not S_HALT');
  });

  it('reset halt with SRST (B.5): comes up halted at the reset vector, registers readable', () => {
    const { r, board } = rig();
    assert.equal(r('F2 30 A3', 2), '80 00');
    assert.equal(r('F2 3C 00', 2), '80 00');
    assert.equal(board.nrstLow, true);
    assert.equal(r('F2 35 F0 ED 00 E0 01 00 5F A0', 2), '80 00');
    assert.equal(r('F2 35 FC ED 00 E0 01 00 00 01', 2), '80 00');
    assert.equal(r('F2 32', 2), '80 00', 'RESETSYS while NRST is low');
    assert.equal(r('F2 3C 01', 2), '80 00');
    board.runFor(100_000_000); // adapter srst delay 100
    const dhcsr = u32le(fromHex(r('F2 36 F0 ED 00 E0', 8).replace(/ /g, '')), 4);
    assert.equal(dhcsr & (1 << 17), 1 << 17, 'S_HALT');
    r('F2 07 F8 ED 00 E0 04 00', 4); // DCRDR saved
    const reg = (regsel: number): number => {
      const out = fromHex(r(`F2 33 ${regsel.toString(16).padStart(2, '0')}`, 8).replace(/ /g, ''));
      assert.equal(out[0], 0x80, `READREG 0x${regsel.toString(16)}`);
      return u32le(out, 4);
    };
    assert.equal(reg(0x0f), u32le(blinky, 4) & ~1, 'PC = reset vector');
    assert.equal(reg(0x0d), u32le(blinky, 0), 'SP = initial MSP');
    assert.equal(reg(0x10), 0x01000000, 'xPSR: Thumb');
    for (const regsel of [0x00, 0x11, 0x12, 0x14, 0x40, 0x5f, 0x21]) reg(regsel);
    assert.equal(r('F2 35 FC ED 00 E0 00 00 00 01', 2), '80 00', 'DEMCR ← TRCENA');
  });

  it('register writes and a 4 KiB flash read through the real AHB-AP', () => {
    const { r, device } = rig();
    assert.equal(r('F2 30 A3', 2), '80 00');
    assert.equal(r('F2 35 F0 ED 00 E0 03 00 5F A0', 2), '80 00', 'halt');
    assert.equal(r('F2 34 05 78 56 34 12', 2), '80 00');
    assert.equal(r('F2 33 05', 8), '80 00 00 00 78 56 34 12');
    assert.equal(r('F2 34 41 00 00 80 3f', 2), '80 00');
    assert.equal(r('F2 33 41', 8), '80 00 00 00 00 00 80 3f', 'S1 = 1.0f');
    const out = device.exchange(block('F2 07 00 00 00 08 00 10'), { kind: 'read', length: 4096 });
    assert.ok(out instanceof Uint8Array);
    assert.deepEqual([...out.subarray(0, blinky.length)], [...blinky]);
    assert.ok(
      out.subarray(blinky.length).every((b) => b === 0xff),
      'erased flash after the image',
    );
  });

  it('an unmapped address answers 0x11 with its address in GETLASTRWSTATUS2', () => {
    const { r } = rig();
    assert.equal(r('F2 30 A3', 2), '80 00');
    r('F2 07 00 00 00 60 04 00', 4);
    assert.equal(r('F2 3E', 12), '11 00 00 00 00 00 00 60 00 00 00 00');
    assert.equal(r('F2 07 00 ED 00 E0 04 00', 4), '41 c2 0f 41', 'the sticky error was cleared');
  });
});

describe('virtual ST-Link on an unpowered DiscoveryBoard', () => {
  it('ENTER answers 0x09 and the target voltage reads 0 V', () => {
    const { r } = rig({ powered: false });
    assert.equal(r('F7', 8), '10 06 00 00 00 00 00 00');
    assert.equal(r('F2 30 A3', 2), '09 00');
    assert.equal(r('F5', 2), '01 00');
  });
});

describe('virtual STLINK-V3 on the DiscoveryBoard', () => {
  it('OpenOCD V3 open: GET_VERSION_EX, COM_FREQ twice and SET, ENTER, INIT_AP, CPUID', () => {
    const { r, ok12, device } = rig({ model: 'v3' });
    assert.equal(r('F1', 6), '30 00 83 04 4e 37');
    assert.equal(r('FB', 12), '03 01 07 03 05 00 00 00 83 04 4e 37');
    assert.equal(r('F2 62 00', 52).slice(0, 29), '80 00 00 00 00 00 00 00 07 00');
    r('F2 62 00', 52);
    assert.equal(r('F2 61 00 00 E8 03 00 00', 8), '80 00 00 00 e8 03 00 00');
    assert.equal(r('F2 30 A3', 2), '80 00');
    assert.equal(r('F2 4B 00', 2), '80 00');
    assert.equal(r('F2 07 00 ED 00 E0 04 00', 4), '41 c2 0f 41');
    assert.equal(r('F2 3E', 12), ok12);
    // 8000 kHz, as reset-init asks: the V3 has it.
    assert.equal(r('F2 61 00 00 40 1F 00 00', 8), '80 00 00 00 40 1f 00 00');
    assert.equal(device.firmware.swdKHz, 8000);
  });
});

describe('virtual ST-Link with a paced (--realtime) runner', () => {
  it('holds each reply back by its modelled cost in wall time', async () => {
    const board = new DiscoveryBoard();
    const device = new VirtualStLinkDevice(board, { charge: new BoardRunner(board, { paced: true }).charge });
    const started = performance.now();
    const reply = device.exchange(block('F1'), { kind: 'read', length: 6 });
    assert.ok(reply instanceof Promise);
    assert.equal(hexBytes(await reply), '2a 1b 83 04 4b 37');
    const elapsedMs = performance.now() - started;
    const costMs = device.lastExchangeNanoseconds() / 1e6;
    assert.ok(costMs > 1 && elapsedMs >= costMs - 0.5, `waited ${elapsedMs} ms for a ${costMs} ms cost`);
  });
});
