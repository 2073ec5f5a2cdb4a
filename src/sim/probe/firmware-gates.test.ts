import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, hexBytes, u32le } from '../../util/bytes.js';
import { dataPhaseOf, type KnownCommand } from '../../protocol/commands.js';
import { stLinkV2_1, stLinkV3 } from './models.js';
import { FakeBoard } from '../../../test/support/fake-board.js';
import type { DataPhase } from '../../protocol/link.js';
import { VirtualStLinkDevice } from './virtual-stlink.js';
import type { ProbeModel } from './models.js';

/** What a firmware version lacks answers 0x42 (docs/stlink-protocol.md §A.7 gates, as protocol/version.ts derives them). */

function block(hex: string): Uint8Array {
  const out = new Uint8Array(16);
  out.set(fromHex(hex.replace(/\s+/g, '')));
  return out;
}

function rig(model: ProbeModel) {
  const board = new FakeBoard();
  const device = new VirtualStLinkDevice(board, { model });
  const x = (command: string, phase: DataPhase): Uint8Array =>
    device.exchange(block(command), phase) as Uint8Array;
  const r = (command: string, length: number): string => hexBytes(x(command, { kind: 'read', length }));
  return { board, device, x, r };
}

describe('firmware feature gates', () => {
  it('V2J25 has no 16-bit memory commands or DAP-register batches; V2J40 has them', () => {
    const old = rig(stLinkV2_1({ jtag: 25 }));
    assert.equal(old.r('F1', 6), '26 5b 83 04 4b 37', 'J25 M27');
    assert.equal(old.r('F2 30 A3', 2), '80 00');
    assert.equal(old.r('F2 47 00 00 00 20 02 00', 2), '42 00');
    assert.equal(old.r('F2 4B 00', 2), '42 00', 'INIT_AP needs J28');
    assert.equal(old.r('F2 45 FF FF 00 00', 8), '80 00 00 00 77 14 a0 2b', 'DAP registers from J24');
    assert.equal(old.r('F2 54 00 00 00 20 04 00', 4), '42 00 00 00', 'READMEM_32BIT_NO_ADDR_INC needs J32');
    const current = rig(stLinkV2_1());
    current.r('F2 30 A3', 2);
    assert.equal(current.r('F2 4B 00', 2), '80 00');
    assert.equal(current.r('F2 47 00 00 00 20 02 00', 2), '00 00');
  });

  it('V2J14 has no GETLASTRWSTATUS2 and no SWD_SET_FREQ, but GETLASTRWSTATUS works', () => {
    const old = rig(stLinkV2_1({ jtag: 14 }));
    assert.equal(old.r('F2 43 01 00', 2), '42 00');
    old.r('F2 30 A3', 2);
    old.x('F2 07 00 00 00 60 04 00', { kind: 'read', length: 4 });
    assert.equal(old.r('F2 3E', 12).slice(0, 2), '42');
    assert.equal(old.r('F2 3B', 2), '11 00');
  });

  it('JTAG clocks: V2 JTAG_SET_FREQ divisors, V3 COM_FREQ protocol 1; ENTER JTAG finds no chain', () => {
    const v2 = rig(stLinkV2_1());
    assert.equal(v2.device.firmware.jtagKHz, 1125);
    assert.equal(v2.r('F2 44 04 00', 2), '80 00');
    assert.equal(v2.device.firmware.jtagKHz, 9000);
    assert.equal(v2.r('F2 30 A4', 2), '04 00', 'no JTAG TAP is modelled');
    assert.equal(v2.r('F5', 2), '01 00');
    const v3 = rig(stLinkV3());
    assert.equal(v3.r('F2 44 04 00', 2), '42 00');
    const list = fromHex(v3.r('F2 62 01', 52).replace(/ /g, ''));
    assert.equal(list[8], 10);
    assert.equal(u32le(list, 12), 21333);
    assert.equal(v3.r('F2 61 01 00 A0 0F 00 00', 8), '80 00 00 00 a0 0f 00 00'); // 4000 kHz
    assert.equal(v3.device.firmware.jtagKHz, 4000);
    assert.equal(v3.device.firmware.swdKHz, 1000, 'the SWD clock is separate');
  });

  it('trace: START/STOP accepted up to the model’s SWO limit, GET_TRACE_NB always 0', () => {
    const v2 = rig(stLinkV2_1());
    assert.equal(v2.r('F2 40 00 10 80 84 1E 00', 2), '80 00', '2 MHz');
    assert.equal(v2.r('F2 40 00 10 00 09 3D 00', 2), '41 00', '4 MHz is above a V2’s SWO limit');
    assert.equal(v2.r('F2 42', 2), '00 00');
    assert.equal(v2.r('F2 41', 2), '80 00');
    const v3 = rig(stLinkV3());
    assert.equal(v3.r('F2 40 00 10 00 09 3D 00', 2), '80 00');
  });

  it('the 8-bit limit follows the firmware: 64 bytes on V3J5, 512 from V3J6', () => {
    for (const [jtag, limit] of [
      [5, 64],
      [6, 512],
    ] as const) {
      const v3 = rig(stLinkV3({ jtag }));
      v3.r('F2 30 A3', 2);
      v3.x(
        `F2 0C 00 00 00 20 ${(limit + 1)
          .toString(16)
          .padStart(4, '0')
          .replace(/(..)(..)/, '$2 $1')}`,
        {
          kind: 'read',
          length: limit + 1,
        },
      );
      assert.equal(v3.r('F2 3E', 12).slice(0, 2), '08', `V3J${jtag}: ${limit + 1} bytes refused`);
      v3.x(
        `F2 0C 00 00 00 20 ${limit
          .toString(16)
          .padStart(4, '0')
          .replace(/(..)(..)/, '$2 $1')}`,
        {
          kind: 'read',
          length: limit,
        },
      );
      assert.equal(v3.r('F2 3E', 12).slice(0, 2), '80');
    }
  });
});

describe('reply lengths', () => {
  it('every command’s natural reply is exactly the data phase protocol/ gives it', () => {
    const samples: KnownCommand[] = [
      { kind: 'GET_VERSION' },
      { kind: 'GET_CURRENT_MODE' },
      { kind: 'GET_TARGET_VOLTAGE' },
      { kind: 'APIV2_ENTER', mode: 'swd' },
      { kind: 'READ_IDCODES' },
      { kind: 'RESETSYS' },
      { kind: 'READREG', regsel: 0x0f },
      { kind: 'WRITEREG', regsel: 0x00, value: 1 },
      { kind: 'READALLREGS' },
      { kind: 'READDEBUGREG', address: 0xe000edf0 },
      { kind: 'WRITEDEBUGREG', address: 0xe000edfc, value: 0 },
      { kind: 'READMEM_8BIT', address: 0x20000001, length: 1, ap: 0, csw: 0 },
      { kind: 'READMEM_8BIT', address: 0x20000000, length: 7, ap: 0, csw: 0 },
      { kind: 'READMEM_16BIT', address: 0x20000000, length: 6, ap: 0, csw: 0 },
      { kind: 'READMEM_32BIT', address: 0x20000000, length: 64, ap: 0, csw: 0 },
      { kind: 'READMEM_32BIT_NO_ADDR_INC', address: 0x20000000, length: 8, ap: 0, csw: 0 },
      { kind: 'WRITEMEM_32BIT', address: 0x20000000, length: 8, ap: 0, csw: 0 },
      { kind: 'GETLASTRWSTATUS' },
      { kind: 'GETLASTRWSTATUS2' },
      { kind: 'DRIVE_NRST', action: 'high' },
      { kind: 'SWD_SET_FREQ', divisor: 1 },
      { kind: 'JTAG_SET_FREQ', divisor: 32 },
      { kind: 'INIT_AP', ap: 0 },
      { kind: 'CLOSE_AP_DBG', ap: 0 },
      { kind: 'READ_DAP_REG', port: 0xffff, register: 0 },
      { kind: 'WRITE_DAP_REG', port: 0, register: 4, value: 0x20000000 },
      { kind: 'START_TRACE_RX', bufferSize: 4096, baudHz: 2_000_000 },
      { kind: 'STOP_TRACE_RX' },
      { kind: 'GET_TRACE_NB' },
      { kind: 'EXIT' },
      { kind: 'DFU_EXIT' },
    ];
    const v3Only: KnownCommand[] = [
      { kind: 'GET_VERSION_EX' },
      { kind: 'APIV3_GET_COM_FREQ', protocol: 'swd' },
      { kind: 'APIV3_SET_COM_FREQ', protocol: 'jtag', kHz: 4000 },
    ];
    for (const [model, commands] of [
      [stLinkV2_1(), samples],
      [stLinkV3(), v3Only],
    ] as const) {
      const { device } = rig(model);
      const effect = { extraNs: 0, ranNs: 0 };
      device.firmware.execute({ kind: 'APIV2_ENTER', mode: 'swd' }, new Uint8Array(0), effect);
      for (const command of commands) {
        const phase = dataPhaseOf(command);
        assert.ok(phase !== undefined);
        const data = new Uint8Array(phase.kind === 'write' ? phase.length : 0);
        const reply = device.firmware.execute(command, data, effect);
        const expected = phase.kind === 'read' ? phase.length : 0;
        assert.equal(reply.length, expected, `${model.name} ${command.kind}`);
        if (command.kind === 'EXIT' || command.kind === 'DFU_EXIT') {
          device.firmware.execute({ kind: 'APIV2_ENTER', mode: 'swd' }, new Uint8Array(0), effect);
        }
      }
    }
  });
});
