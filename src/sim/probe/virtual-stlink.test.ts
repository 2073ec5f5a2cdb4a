import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, hexBytes, u16le, u32le } from '../../util/bytes.js';
import { encodeRequest, type CommandKind, type CommandParams } from '../../protocol/commands.js';
import { CTRL_STAT } from '../../arch/adiv5/dp.js';
import { FakeBoard } from '../../../test/support/fake-board.js';
import { SWD_LINE_RESET_CLOCKS, SWD_TRANSACTION_CLOCKS, V2_USB_TIMING, V3_USB_TIMING } from './timing.js';
import type { DataPhase } from '../../protocol/link.js';
import { VirtualStLinkDevice } from './virtual-stlink.js';

/** A 16-byte block from the hex of docs/stlink-protocol.md (unused bytes zero). */
function block(hex: string): Uint8Array {
  const out = new Uint8Array(16);
  out.set(fromHex(hex.replace(/\s+/g, '')));
  return out;
}

const read = (length: number): DataPhase => ({ kind: 'read', length });
const write = (data: Uint8Array): DataPhase => ({ kind: 'write', data });
const NONE: DataPhase = { kind: 'none' };

function rig(model: 'v2-1' | 'v3' = 'v2-1') {
  const board = new FakeBoard();
  const charged: number[] = [];
  const device = new VirtualStLinkDevice(board, { model, charge: (ns) => void charged.push(ns) });
  const x = (command: Uint8Array, phase: DataPhase): Uint8Array => {
    const out = device.exchange(command, phase);
    assert.ok(out instanceof Uint8Array, 'unpaced exchanges answer synchronously');
    return out;
  };
  const hexOf = (command: string, length: number): string => hexBytes(x(block(command), read(length)));
  const cmd = <K extends CommandKind>(kind: K, params: CommandParams[K], phase: DataPhase): Uint8Array =>
    x(encodeRequest(kind, params), phase);
  const enter = (): void => {
    assert.equal(hexOf('F2 30 A3', 2), '80 00');
  };
  return { board, target: board.swd, device, charged, x, hexOf, cmd, enter };
}

const lastRw = (r: ReturnType<typeof rig>): { status: number; fault: number } => {
  const out = r.hexOf('F2 3E', 12);
  const bytes = fromHex(out.replace(/ /g, ''));
  return { status: u16le(bytes, 0), fault: u32le(bytes, 4) };
};

describe('VirtualStLinkDevice: identity and versions', () => {
  it('V2-1 presents as the Discovery ST-LINK: PID 0x374B, V2J40M27 → 2A 1B 83 04 4B 37', () => {
    const r = rig();
    assert.deepEqual(r.device.identity, {
      vid: 0x0483,
      pid: 0x374b,
      serial: '066DFF485457725187092347',
      location: 'sim:v2-1',
    });
    assert.match(r.device.identity.serial, /^[0-9A-F]{24}$/);
    assert.equal(r.hexOf('F1', 6), '2a 1b 83 04 4b 37');
    // GET_VERSION_EX is a V3 command: the V2 firmware does not know it.
    assert.equal(r.hexOf('FB', 12).slice(0, 2), '42');
  });

  it('V3 answers GET_VERSION with X = Y = 0 and the numbers in GET_VERSION_EX (V3J7M3B5S1)', () => {
    const r = rig('v3');
    assert.equal(r.device.identity.pid, 0x374e);
    assert.equal(r.device.identity.location, 'sim:v3');
    assert.equal(r.hexOf('F1', 6), '30 00 83 04 4e 37');
    assert.equal(r.hexOf('FB', 12), '03 01 07 03 05 00 00 00 83 04 4e 37');
  });
});

describe('VirtualStLinkDevice: modes, voltage, clocks', () => {
  it('starts in MASS, ENTER gives DEBUG, EXIT returns to MASS, DFU_EXIT stays MASS', () => {
    const r = rig();
    assert.equal(r.hexOf('F5', 2), '01 00');
    r.enter();
    assert.equal(r.hexOf('F5', 2), '02 00');
    assert.equal(r.x(block('F2 21'), NONE).length, 0);
    assert.equal(r.hexOf('F5', 2), '01 00');
    assert.equal(r.x(block('F3 07'), NONE).length, 0);
    assert.equal(r.hexOf('F5', 2), '01 00');
  });

  it('reports VTref as factor/reading (3.0 V → 1552/1940), and 0 V unpowered', () => {
    const r = rig();
    assert.equal(r.hexOf('F7', 8), '10 06 00 00 94 07 00 00');
    r.board.volts = 3.3;
    assert.equal(r.hexOf('F7', 8), '10 06 00 00 56 08 00 00');
    r.board.powerOff();
    assert.equal(r.hexOf('F7', 8), '10 06 00 00 00 00 00 00');
  });

  it('ENTER answers 0x09 JTAG_GET_IDCODE_ERROR when no target answers, and stays in MASS', () => {
    const r = rig();
    r.board.powerOff();
    assert.equal(r.hexOf('F2 30 A3', 2), '09 00');
    assert.equal(r.hexOf('F5', 2), '01 00');
  });

  it('V2 takes SWD_SET_FREQ divisors; V3 lists and applies COM_FREQ kHz', () => {
    const v2 = rig();
    assert.equal(v2.device.firmware.swdKHz, 1800);
    assert.equal(v2.hexOf('F2 43 00 00', 2), '80 00');
    assert.equal(v2.device.firmware.swdKHz, 4000);
    assert.equal(v2.hexOf('F2 43 1E 03', 2), '80 00'); // divisor 798
    assert.equal(v2.device.firmware.swdKHz, 5);
    assert.equal(v2.hexOf('F2 62 00', 52).slice(0, 2), '42', 'COM_FREQ is V3 only');

    const v3 = rig('v3');
    const list = fromHex(v3.hexOf('F2 62 00', 52).replace(/ /g, ''));
    assert.equal(list[0], 0x80);
    assert.equal(list[8], 7);
    assert.equal(u32le(list, 12), 24000);
    assert.equal(v3.hexOf('F2 61 00 00 40 1F 00 00', 8), '80 00 00 00 40 1f 00 00'); // 8000 kHz
    assert.equal(v3.device.firmware.swdKHz, 8000);
    assert.equal(v3.hexOf('F2 61 00 00 D0 07 00 00', 8), '80 00 00 00 e8 03 00 00'); // 2000 → 1000
    assert.equal(v3.hexOf('F2 43 01 00', 2).slice(0, 2), '42', 'SWD_SET_FREQ is V2 only');
  });
});

describe('VirtualStLinkDevice: OpenOCD flows (docs/stlink-protocol.md §B.2, B.5) against the fake target', () => {
  it('init: version, modes, voltage, speed, ENTER, INIT_AP, CPUID, NRST high, IDCODES, examine reads', () => {
    const r = rig();
    const steps: [string, number, string][] = [
      ['F1', 6, '2a 1b 83 04 4b 37'],
      ['F5', 2, '01 00'],
      ['F5', 2, '01 00'],
      ['F7', 8, '10 06 00 00 94 07 00 00'],
      ['F2 43 01 00', 2, '80 00'],
      ['F2 30 A3', 2, '80 00'],
      ['F5', 2, '02 00'],
      ['F2 4B 00', 2, '80 00'],
      ['F2 07 00 ED 00 E0 04 00', 4, '41 c2 0f 41'],
      ['F2 3E', 12, '80 00 00 00 00 00 00 00 00 00 00 00'],
      ['F2 3C 01', 2, '80 00'],
      ['F2 31', 12, '80 00 00 00 77 14 a0 2b 00 00 00 00'],
      ['F2 07 40 EF 00 E0 04 00', 4, '21 00 11 10'],
      ['F2 3E', 12, '80 00 00 00 00 00 00 00 00 00 00 00'],
      ['F2 07 44 EF 00 E0 04 00', 4, '11 00 00 11'],
      ['F2 07 F0 ED 00 E0 04 00', 4, '01 00 03 00'],
      ['F2 07 00 20 00 E0 04 00', 4, '60 02 00 00'],
      ['F2 07 00 10 00 E0 04 00', 4, '00 00 00 40'],
      ['F2 36 F0 ED 00 E0', 8, '80 00 00 00 01 00 03 00'],
    ];
    for (const [command, length, expected] of steps)
      assert.equal(r.hexOf(command, length), expected, command);
    // DEMCR ← TRCENA through WRITEMEM_32BIT.
    r.x(block('F2 08 FC ED 00 E0 04 00'), write(fromHex('00000001')));
    assert.equal(lastRw(r).status, 0x80);
    assert.equal(r.target.scsWords.get(0xe000edfc), 0x01000000);
  });

  it('reset halt with SRST: NRST low, DHCSR/DEMCR writes, RESETSYS under NRST, NRST high, register reads', () => {
    const r = rig();
    r.enter();
    assert.equal(r.hexOf('F2 3C 00', 2), '80 00');
    assert.equal(r.target.nrstLow, true);
    assert.equal(r.hexOf('F2 35 F0 ED 00 E0 01 00 5F A0', 2), '80 00');
    assert.equal(r.hexOf('F2 35 FC ED 00 E0 01 00 00 01', 2), '80 00');
    assert.equal(r.target.scsWords.get(0xe000edfc), 0x01000001);
    // S_RESET_ST shows while NRST is low.
    assert.equal(r.hexOf('F2 36 F0 ED 00 E0', 8), '80 00 00 00 01 00 03 02');
    assert.equal(r.hexOf('F2 32', 2), '80 00');
    assert.equal(r.target.aircrWrites, 1, 'RESETSYS is AIRCR.SYSRESETREQ through the AP');
    assert.equal(r.hexOf('F2 3C 01', 2), '80 00');
    assert.equal(r.target.nrstLow, false);
    r.target.registers[15] = 0x080001c4;
    r.target.registers[0x10] = 0x01000000;
    assert.equal(r.hexOf('F2 33 0F', 8), '80 00 00 00 c4 01 00 08');
    assert.equal(r.hexOf('F2 33 10', 8), '80 00 00 00 00 00 00 01');
    assert.equal(r.hexOf('F2 35 FC ED 00 E0 00 00 00 01', 2), '80 00');
  });
});

describe('VirtualStLinkDevice: memory', () => {
  it('a read of an unmapped address reports 0x11 SWD_AP_FAULT with the address, clears STICKYERR, and the next read works', () => {
    const r = rig();
    r.enter();
    assert.equal(r.hexOf('F2 07 00 00 00 60 04 00', 4), '00 00 00 00');
    assert.deepEqual(lastRw(r), { status: 0x11, fault: 0x60000000 });
    assert.equal(r.hexOf('F2 3B', 2), '11 00');
    assert.ok(
      r.target.log.some((t) => t === 'W DP 0x0 0x1e'),
      'sticky flags cleared through ABORT',
    );
    assert.equal(r.hexOf('F2 07 00 ED 00 E0 04 00', 4), '41 c2 0f 41');
    assert.equal(lastRw(r).status, 0x80);
  });

  it('a block running off the end of SRAM faults at the first unmapped word and keeps the words before it', () => {
    const r = rig();
    r.enter();
    r.target.sram.set([1, 2, 3, 4, 5, 6, 7, 8], 0x1fff8);
    const out = r.x(block('F2 07 F8 FF 01 20 10 00'), read(16));
    assert.equal(hexBytes(out), '01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00');
    assert.deepEqual(lastRw(r), { status: 0x11, fault: 0x20020000 });
  });

  it('a write fault is reported the same way', () => {
    const r = rig();
    r.enter();
    r.x(block('F2 08 FC FF 01 20 08 00'), write(fromHex('aabbccdd11223344')));
    assert.deepEqual(lastRw(r), { status: 0x11, fault: 0x20020000 });
    assert.deepEqual([...r.target.sram.subarray(0x1fffc)], [0xaa, 0xbb, 0xcc, 0xdd]);
  });

  it('a 6144-byte transfer crossing 1 KiB blocks round-trips: TAR is re-written at each boundary', () => {
    const r = rig();
    r.enter();
    const data = Uint8Array.from({ length: 6144 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    r.target.log.length = 0;
    r.cmd('WRITEMEM_32BIT', { address: 0x20000100, length: 6144, ap: 0, csw: 0 }, write(data));
    assert.equal(lastRw(r).status, 0x80);
    const tarWrites = r.target.log.filter((t) => t.startsWith('W AP 0x4 '));
    assert.deepEqual(
      tarWrites.map((t) => t.split(' ')[3]),
      ['0x20000100', '0x20000400', '0x20000800', '0x20000c00', '0x20001000', '0x20001400', '0x20001800'],
    );
    assert.deepEqual([...r.target.sram.subarray(0x100, 0x100 + 6144)], [...data]);
    const back = r.cmd('READMEM_32BIT', { address: 0x20000100, length: 6144, ap: 0, csw: 0 }, read(6144));
    assert.deepEqual([...back], [...data]);
    // Beyond the 6144-byte buffer the firmware refuses.
    r.cmd('READMEM_32BIT', { address: 0x20000000, length: 6148, ap: 0, csw: 0 }, read(6148));
    assert.equal(lastRw(r).status, 0x08);
  });

  it('8-bit: a 1-byte read returns 2 bytes; unaligned bytes use their lanes; 64 is the V2 limit, 512 on V3', () => {
    const r = rig();
    r.enter();
    r.target.sram.set([0x11, 0x22, 0x33, 0x44, 0x55], 0);
    assert.equal(r.hexOf('F2 0C 03 00 00 20 01 00', 2), '44 00');
    assert.equal(r.hexOf('F2 0C 01 00 00 20 03 00', 3), '22 33 44');
    r.x(block('F2 0D 03 00 00 20 02 00'), write(fromHex('a1b2')));
    assert.deepEqual([...r.target.sram.subarray(0, 6)], [0x11, 0x22, 0x33, 0xa1, 0xb2, 0]);
    r.cmd('READMEM_8BIT', { address: 0x20000000, length: 64, ap: 0, csw: 0 }, read(64));
    assert.equal(lastRw(r).status, 0x80);
    r.cmd('READMEM_8BIT', { address: 0x20000000, length: 65, ap: 0, csw: 0 }, read(65));
    assert.equal(lastRw(r).status, 0x08);
    const v3 = rig('v3');
    v3.enter();
    v3.cmd('READMEM_8BIT', { address: 0x20000000, length: 512, ap: 0, csw: 0 }, read(512));
    assert.equal(lastRw(v3).status, 0x80);
  });

  it('16-bit reads and writes on halfword lanes; misaligned 16/32-bit commands get 0x0A', () => {
    const r = rig();
    r.enter();
    r.target.flash.set([0x00, 0x04], 0x22);
    assert.equal(r.hexOf('F2 47 22 00 00 08 02 00', 2), '00 04');
    r.x(block('F2 48 02 00 00 20 04 00'), write(fromHex('3412 7856')));
    assert.deepEqual([...r.target.sram.subarray(2, 6)], [0x34, 0x12, 0x78, 0x56]);
    r.x(block('F2 47 01 00 00 20 02 00'), read(2));
    assert.equal(lastRw(r).status, 0x0a);
    r.x(block('F2 07 02 00 00 20 04 00'), read(4));
    assert.equal(lastRw(r).status, 0x0a);
  });

  it('NO_ADDR_INC repeats the same address', () => {
    const r = rig();
    r.enter();
    r.x(block('F2 50 10 00 00 20 0C 00'), write(fromHex('01000000 02000000 03000000')));
    assert.deepEqual([...r.target.sram.subarray(0x10, 0x18)], [3, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(r.hexOf('F2 54 10 00 00 20 08 00', 8), '03 00 00 00 03 00 00 00');
  });

  it('target commands outside DEBUG mode touch no wire and answer 0x08', () => {
    const r = rig();
    assert.equal(r.hexOf('F2 36 F0 ED 00 E0', 8), '08 00 00 00 00 00 00 00');
    r.x(block('F2 07 00 ED 00 E0 04 00'), read(4));
    assert.equal(lastRw(r).status, 0x08);
    assert.equal(r.target.log.length, 0);
  });
});

describe('VirtualStLinkDevice: WAIT, registers, DAP, NRST', () => {
  it('retries WAIT inside the firmware; a target that keeps answering WAIT gives 0x10/0x14', () => {
    const r = rig();
    r.enter();
    r.target.injectWaits = 5;
    assert.equal(r.hexOf('F2 36 00 ED 00 E0', 8), '80 00 00 00 41 c2 0f 41');
    r.target.injectWaits = 10_000;
    const status = fromHex(r.hexOf('F2 36 00 ED 00 E0', 8).slice(0, 2))[0];
    assert.ok(status === 0x10 || status === 0x14, `WAIT status, got 0x${status?.toString(16)}`);
  });

  it('WAIT retries let the board run, so a stall that ends during them succeeds; that time is not charged twice', () => {
    const r = rig();
    r.enter();
    r.target.stallUntil = r.board.clock.now + 200_000;
    const before = r.board.clock.now;
    assert.equal(r.hexOf('F2 36 00 ED 00 E0', 8), '80 00 00 00 41 c2 0f 41');
    const ran = r.board.clock.now - before;
    assert.ok(ran >= 200_000 && ran < 200_000 + 2 * 25_556, `ran ${ran} ns`);
    assert.equal(r.board.ranNs, ran);
    const cost = r.device.lastExchangeNanoseconds();
    assert.ok(Math.abs(r.charged.at(-1)! - (cost - ran)) < 1e-6);
  });

  it('sticky flags map to their status (WDATAERR 0x18, STICKYORUN 0x1A) and are cleared; silence is 0x12/0x16', () => {
    const r = rig();
    r.enter();
    r.target.raiseSticky(CTRL_STAT.WDATAERR);
    assert.equal(r.hexOf('F2 36 00 ED 00 E0', 8).slice(0, 2), '18');
    r.target.raiseSticky(CTRL_STAT.STICKYORUN);
    assert.equal(r.hexOf('F2 35 FC ED 00 E0 00 00 00 01', 2), '1a 00');
    assert.equal(r.hexOf('F2 36 00 ED 00 E0', 8), '80 00 00 00 41 c2 0f 41', 'cleared through ABORT');
    r.target.silent = true;
    assert.equal(r.hexOf('F2 36 00 ED 00 E0', 8).slice(0, 2), '12', 'no ACK on an AP access');
    assert.equal(r.hexOf('F2 31', 12).slice(0, 2), '16', 'no ACK on a DP access');
  });

  it('READREG/WRITEREG round-trip every REGSEL family through DCRSR/DCRDR', () => {
    const r = rig();
    r.enter();
    const regsels = [0x00, 0x07, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14, 0x21, 0x40, 0x5f];
    for (const regsel of regsels) {
      const value = (0x12345678 ^ (regsel * 0x01010101)) >>> 0;
      assert.equal(hexBytes(r.cmd('WRITEREG', { regsel, value }, read(2))), '80 00');
      assert.equal(r.target.registers[regsel], value, `REGSEL 0x${regsel.toString(16)}`);
      const back = r.cmd('READREG', { regsel }, read(8));
      assert.equal(back[0], 0x80);
      assert.equal(u32le(back, 4), value);
    }
    const all = r.x(block('F2 3A'), read(88));
    assert.equal(all[0], 0x80);
    assert.equal(u32le(all, 4 + 4 * 0x0f), r.target.registers[0x0f]);
    assert.equal(u32le(all, 4 + 4 * 20), r.target.registers[0x14]);
  });

  it('READREG while the core runs (S_REGRDY never set) answers 0x81', () => {
    const r = rig();
    r.enter();
    r.target.halted = false;
    assert.equal(r.hexOf('F2 33 00', 8).slice(0, 2), '81');
  });

  it('dap-direct: DP and AP registers by port; a missing AP is 0x1D', () => {
    const r = rig();
    r.enter();
    assert.equal(r.hexOf('F2 45 FF FF 00 00', 8), '80 00 00 00 77 14 a0 2b');
    assert.equal(r.hexOf('F2 45 00 00 FC 00', 8), '80 00 00 00 11 00 77 24');
    assert.equal(r.hexOf('F2 46 00 00 04 00 00 01 00 20', 2), '80 00');
    assert.equal(r.hexOf('F2 45 00 00 04 00', 8), '80 00 00 00 00 01 00 20');
    assert.equal(r.hexOf('F2 4B 01', 2), '1d 00');
    assert.equal(r.hexOf('F2 4C 00', 2), '80 00');
  });

  it('RW_MISC: address + writes fill consecutive words, a read carries its address; values then statuses', () => {
    const r = rig();
    r.enter();
    r.target.sram.set([0xef, 0xbe, 0xad, 0xde], 0x40);
    // As OpenOCD's dap-direct batches them: select AP 0, address 0x20000010, write, write, read 0x20000040.
    const items = fromHex(
      '0501020203000000' + '00000000' + '10000020' + '44332211' + '88776655' + '40000020',
    );
    r.x(block('F2 51 05 00 00 00'), write(items));
    const results = r.x(block('F2 52'), read(40));
    assert.deepEqual(
      [...r.target.sram.subarray(0x10, 0x18)],
      [0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55],
    );
    assert.equal(u32le(results, 16), 0xdeadbeef);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => u32le(results, 20 + 4 * i)),
      [0x80, 0x80, 0x80, 0x80, 0x80],
    );
  });

  it('DRIVE_NRST low/high drive the pin; pulse releases it after the pulse on the board clock', () => {
    const r = rig();
    r.hexOf('F2 3C 00', 2);
    r.hexOf('F2 3C 01', 2);
    assert.deepEqual(r.board.nrstHistory, [true, false]);
    assert.equal(r.hexOf('F2 3C 02', 2), '80 00');
    assert.equal(r.target.nrstLow, true);
    assert.ok(r.device.lastExchangeNanoseconds() >= 1e6, 'the pulse is part of the command cost');
    r.board.clock.advanceTo(r.board.clock.now + r.device.lastExchangeNanoseconds());
    assert.equal(r.target.nrstLow, false);
  });

  it('unknown and API v1 commands answer 0x42 in the bytes the host reads; write phases are consumed', () => {
    const r = rig();
    assert.equal(r.hexOf('F2 7F', 4), '42 00 00 00');
    assert.equal(r.hexOf('F2 01', 2), '42 00');
    assert.equal(r.hexOf('E0', 2), '42 00');
    assert.equal(r.x(block('F2 7F'), write(new Uint8Array(8))).length, 0);
    assert.equal(r.x(new Uint8Array(10), read(2))[0], 0x42);
    assert.equal(r.hexOf('F2 42', 2), '00 00', 'GET_TRACE_NB: no SWO data');
    assert.equal(r.device.readTrace(0).length, 0);
  });

  it('the reply is exactly as long as the data phase asks', () => {
    const r = rig();
    assert.equal(r.x(block('F1'), read(8)).length, 8);
    assert.equal(r.x(block('F1'), read(2)).length, 2);
    assert.equal(r.x(block('F2 21'), NONE).length, 0);
  });
});

describe('VirtualStLinkDevice: virtual time (timing.ts)', () => {
  it('a command without SWD costs the USB round trip plus its payload', () => {
    const v2 = rig();
    v2.x(block('F1'), read(6));
    const expected = V2_USB_TIMING.roundTripNs + ((16 + 6) * 1e9) / V2_USB_TIMING.payloadBytesPerSecond;
    assert.equal(v2.device.lastExchangeNanoseconds(), expected);
    assert.deepEqual(v2.charged, [expected]);
    const v3 = rig('v3');
    v3.x(block('F1'), read(6));
    assert.equal(v3.device.lastExchangeNanoseconds(), V3_USB_TIMING.roundTripNs + (22 * 1e9) / 20e6);
  });

  it('SWD time counts the transactions actually issued at the configured clock', () => {
    const r = rig();
    r.enter();
    const transactions = r.target.log.filter((t) => t !== 'LINERESET').length;
    const enterNs =
      1e6 +
      (18 * 1e9) / 1e6 +
      ((SWD_LINE_RESET_CLOCKS + transactions * SWD_TRANSACTION_CLOCKS) * 1e9) / 1.8e6;
    assert.ok(Math.abs(r.device.lastExchangeNanoseconds() - enterNs) < 1e-6);

    const costOfRead = (): { ns: number; transactions: number } => {
      r.target.log.length = 0;
      r.cmd('READMEM_32BIT', { address: 0x20000000, length: 4096, ap: 0, csw: 0 }, read(4096));
      return { ns: r.device.lastExchangeNanoseconds(), transactions: r.target.log.length };
    };
    const slow = costOfRead();
    // CSW, 4 TAR writes, 1024 DRW reads, 4 RDBUFF reads (one per 1 KiB block).
    assert.equal(slow.transactions, 1 + 4 + 1024 + 4);
    const usb = 1e6 + ((16 + 4096) * 1e9) / 1e6;
    assert.ok(Math.abs(slow.ns - (usb + (slow.transactions * 46 * 1e9) / 1.8e6)) < 1e-3);
    r.hexOf('F2 43 00 00', 2);
    const fast = costOfRead();
    assert.ok(Math.abs(fast.ns - (usb + (fast.transactions * 46 * 1e9) / 4e6)) < 1e-3);
    assert.ok(r.device.modelledNanoseconds() > slow.ns + fast.ns);
  });

  it('a charge that returns a promise holds the reply back until it settles', async () => {
    const board = new FakeBoard();
    let release: () => void = () => undefined;
    const device = new VirtualStLinkDevice(board, {
      charge: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    const pending = device.exchange(block('F1'), read(6));
    assert.ok(pending instanceof Promise);
    let settled = false;
    void pending.then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, false);
    release();
    assert.equal(hexBytes(await pending), '2a 1b 83 04 4b 37');
  });
});

describe('VirtualStLinkDevice: what a hostile host sends (issue 11)', () => {
  for (const [model, limit] of [
    ['v2-1', 64],
    ['v3', 1227],
  ] as const) {
    it(`${model}: RW_MISC_OUT with 0xFFFFFFFF items and no data runs nothing and sizes nothing by the count`, () => {
      const r = rig(model);
      r.enter();
      const clocks = r.device.firmware.dap.clocks;
      r.target.log.length = 0;
      assert.equal(r.x(block('F2 51 FF FF FF FF'), write(new Uint8Array(0))).length, 0);
      assert.equal(r.target.log.length, 0, 'no SWD transaction');
      assert.equal(r.device.firmware.dap.clocks, clocks);
      // RW_MISC_IN gives the firmware's result buffer: `limit` entries, each CMD_ERROR.
      const results = r.x(block('F2 52'), read(8 * limit));
      for (let i = 0; i < limit; i++) {
        assert.equal(u32le(results, 4 * i), 0);
        assert.equal(u32le(results, 4 * limit + 4 * i), 0x08, `entry ${i}`);
      }
    });

    it(`${model}: a batch one item over the buffer (${limit + 1}) is refused whole; a full one (${limit}) runs`, () => {
      const r = rig(model);
      r.enter();
      const reads = (n: number): Uint8Array => {
        const data = new Uint8Array(Math.ceil(n / 4) * 4 + 4 * n);
        data.fill(3, 0, n); // n reads of 0x20000000
        for (let i = 0; i < n; i++)
          new DataView(data.buffer).setUint32(data.length - 4 * n + 4 * i, 0x20000000, true);
        return data;
      };
      const count = (n: number): string =>
        `F2 51 ${[0, 8, 16, 24].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, '0')).join(' ')}`;
      r.target.sram.set([0x78, 0x56, 0x34, 0x12], 0);
      r.target.log.length = 0;
      r.x(block(count(limit + 1)), write(reads(limit + 1)));
      assert.equal(r.target.log.length, 0);
      const refused = r.x(block('F2 52'), read(8 * (limit + 1)));
      assert.equal(u32le(refused, 4 * limit), 0x08);
      r.x(block(count(limit)), write(reads(limit)));
      const done = r.x(block('F2 52'), read(8 * limit));
      assert.equal(u32le(done, 4 * (limit - 1)), 0x12345678);
      assert.equal(u32le(done, 4 * limit + 4 * (limit - 1)), 0x80);
    });
  }

  it('SWD_SET_FREQ takes only ST’s divisors: 0xFFFF answers 0x41 FREQ_NOT_SUPPORTED and the clock stays', () => {
    const r = rig();
    assert.equal(r.hexOf('F2 43 FF FF', 2), '41 00');
    assert.equal(r.device.firmware.swdKHz, 1800);
    assert.equal(r.hexOf('F2 43 04 00', 2), '41 00', 'divisor 4 is not in the table either');
    assert.equal(r.hexOf('F2 43 1E 03', 2), '80 00'); // 798: 5 kHz, the slowest there is
    assert.equal(r.device.firmware.swdKHz, 5);
    assert.equal(r.hexOf('F2 43 FF FF', 2), '41 00');
    assert.equal(r.device.firmware.swdKHz, 5);
    assert.equal(r.hexOf('F2 44 FF FF', 2), '41 00', 'JTAG_SET_FREQ likewise');
    assert.equal(r.device.firmware.jtagKHz, 1125);
  });

  it('V3 SET_COM_FREQ below every listed frequency applies the slowest listed one (5 kHz)', () => {
    const r = rig('v3');
    assert.equal(r.hexOf('F2 61 00 00 00 00 00 00', 8), '80 00 00 00 05 00 00 00');
    assert.equal(r.device.firmware.swdKHz, 5);
  });
});
