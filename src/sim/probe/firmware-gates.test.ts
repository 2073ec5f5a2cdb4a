import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, hexBytes, u32le } from '../../util/bytes.js';
import { stLinkV2_1, stLinkV3 } from './models.js';
import { FakeBoard } from './testing.js';
import { VirtualStLinkDevice, type DataPhase } from './virtual-stlink.js';
import type { ProbeModel } from './models.js';

/** What a firmware version lacks answers 0x42 (stlink-openocd-0.12.md A.7 gates, as protocol/version.ts derives them). */

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
