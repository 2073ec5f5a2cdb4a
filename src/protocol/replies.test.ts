import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, hexBytes } from '../util/bytes.js';
import { BadInputError } from '../util/errors.js';
import {
  decodeGetComFreqReply,
  decodeGetCurrentModeReply,
  decodeGetLastRwStatus2Reply,
  decodeGetTargetVoltageReply,
  decodeGetTraceNbReply,
  decodeGetVersionExReply,
  decodeGetVersionReply,
  decodeReadAllRegsReply,
  decodeReadIdcodesReply,
  decodeReadMemoryReply,
  decodeRwMiscInReply,
  decodeRwMiscOutData,
  decodeSetComFreqReply,
  decodeStatusReply,
  decodeStatusWordReply,
  encodeGetComFreqReply,
  encodeGetCurrentModeReply,
  encodeGetLastRwStatus2Reply,
  encodeGetTargetVoltageReply,
  encodeGetTraceNbReply,
  encodeGetVersionExReply,
  encodeGetVersionReply,
  encodeReadAllRegsReply,
  encodeReadIdcodesReply,
  encodeReadMemoryReply,
  encodeRwMiscInReply,
  encodeRwMiscOutData,
  encodeSetComFreqReply,
  encodeStatusReply,
  encodeStatusWordReply,
  targetVoltageReplyFor,
} from './replies.js';
import { targetVolts } from './version.js';

const isBadLength = (e: unknown): boolean =>
  e instanceof BadInputError && e.code === 'bad-input.stlink-reply-length';

describe('replies: golden bytes from the reference notes', () => {
  it('GET_VERSION 2A 1B 83 04 4B 37 is V2, X 40, Y 27, VID 0483, PID 374B (big-endian word)', () => {
    const reply = decodeGetVersionReply(fromHex('2A 1B 83 04 4B 37'));
    assert.deepEqual(reply, { v: 2, x: 40, y: 27, vid: 0x0483, pid: 0x374b });
    assert.equal(hexBytes(encodeGetVersionReply(reply)), '2a 1b 83 04 4b 37');
  });

  it('GET_TARGET_VOLTAGE 10 06 00 00 56 08 00 00 is factor 1552, reading 2134: 3.30 V', () => {
    const reply = decodeGetTargetVoltageReply(fromHex('10 06 00 00 56 08 00 00'));
    assert.deepEqual(reply, { factor: 1552, reading: 2134 });
    assert.equal(targetVolts(reply).toFixed(2), '3.30');
    assert.equal(targetVolts({ factor: 0, reading: 2134 }), 0);
    assert.equal(hexBytes(encodeGetTargetVoltageReply(reply)), '10 06 00 00 56 08 00 00');
  });

  it('a virtual probe at 3.3 V reports the reference pair; 0 V reads 0', () => {
    assert.deepEqual(targetVoltageReplyFor(3.3), { factor: 1552, reading: 2134 });
    assert.equal(targetVolts(targetVoltageReplyFor(0)), 0);
    assert.ok(Math.abs(targetVolts(targetVoltageReplyFor(1.8)) - 1.8) < 0.002);
  });

  it('READ_IDCODES carries the DPIDR at [4..7]', () => {
    const bytes = encodeReadIdcodesReply({ status: 0x80, idcode: 0x2ba0_1477 });
    assert.equal(hexBytes(bytes), '80 00 00 00 77 14 a0 2b 00 00 00 00');
    assert.deepEqual(decodeReadIdcodesReply(bytes), { status: 0x80, idcode: 0x2ba0_1477 });
  });

  it('GETLASTRWSTATUS2 carries the status at [0] and the fault address at [4..7]', () => {
    const bytes = encodeGetLastRwStatus2Reply({ status: 0x11, faultAddress: 0x6000_0000 });
    assert.equal(hexBytes(bytes), '11 00 00 00 00 00 00 60 00 00 00 00');
    assert.deepEqual(decodeGetLastRwStatus2Reply(bytes), { status: 0x11, faultAddress: 0x6000_0000 });
  });

  it('GET_COM_FREQ: count at [8], kHz words from [12]', () => {
    const bytes = encodeGetComFreqReply({ status: 0x80, frequenciesKHz: [24_000, 8_000, 3_300] });
    assert.equal(bytes.length, 52);
    assert.equal(
      hexBytes(bytes.subarray(0, 24)),
      '80 00 00 00 00 00 00 00 03 00 00 00 c0 5d 00 00 40 1f 00 00 e4 0c 00 00',
    );
    assert.deepEqual(decodeGetComFreqReply(bytes), { status: 0x80, frequenciesKHz: [24_000, 8_000, 3_300] });
  });

  it('GET_COM_FREQ clips an announced count above 10 to the 10 the reply holds', () => {
    const bytes = encodeGetComFreqReply({ status: 0x80, frequenciesKHz: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    bytes[8] = 12;
    assert.equal(decodeGetComFreqReply(bytes).frequenciesKHz.length, 10);
    assert.throws(
      () => encodeGetComFreqReply({ status: 0x80, frequenciesKHz: new Array<number>(11).fill(1) }),
      BadInputError,
    );
  });
});

describe('reply round trips', () => {
  it('status, status+word, mode, trace count, SET_COM_FREQ', () => {
    assert.deepEqual(decodeStatusReply(encodeStatusReply(0x09)), { status: 0x09 });
    assert.deepEqual(encodeStatusReply(0x80), new Uint8Array([0x80, 0]));
    assert.deepEqual(decodeStatusWordReply(encodeStatusWordReply({ status: 0x80, value: 0xa05f_0003 })), {
      status: 0x80,
      value: 0xa05f_0003,
    });
    assert.deepEqual(decodeGetCurrentModeReply(encodeGetCurrentModeReply(2)), { mode: 2 });
    assert.deepEqual(decodeGetTraceNbReply(encodeGetTraceNbReply(0x1234)), { count: 0x1234 });
    assert.deepEqual(decodeSetComFreqReply(encodeSetComFreqReply({ status: 0x80, appliedKHz: 21_333 })), {
      status: 0x80,
      appliedKHz: 21_333,
    });
  });

  it('GET_VERSION_EX for V3J7M2B3', () => {
    const reply = { v: 3, swim: 1, jtag: 7, msd: 2, bridge: 3, vid: 0x0483, pid: 0x374e };
    const bytes = encodeGetVersionExReply(reply);
    assert.equal(hexBytes(bytes), '03 01 07 02 03 00 00 00 83 04 4e 37');
    assert.deepEqual(decodeGetVersionExReply(bytes), reply);
  });

  it('READALLREGS: status word then 21 registers', () => {
    const registers = Array.from({ length: 21 }, (_, i) => (0x1000_0000 * (i % 16) + i) >>> 0);
    const bytes = encodeReadAllRegsReply({ status: 0x80, registers });
    assert.equal(bytes.length, 88);
    assert.deepEqual(decodeReadAllRegsReply(bytes), { status: 0x80, registers });
    assert.throws(() => encodeReadAllRegsReply({ status: 0x80, registers: [1] }), BadInputError);
  });

  it('memory read data: raw, and a 1-byte 8-bit read padded to 2', () => {
    const request = { address: 0x0800_0001, length: 1, ap: 0, csw: 0 };
    const bytes = encodeReadMemoryReply('READMEM_8BIT', request, new Uint8Array([0xab]));
    assert.deepEqual(bytes, new Uint8Array([0xab, 0]));
    assert.deepEqual(decodeReadMemoryReply('READMEM_8BIT', request, bytes), new Uint8Array([0xab]));
    assert.throws(() => decodeReadMemoryReply('READMEM_8BIT', request, new Uint8Array([0xab])), isBadLength);
    const r32 = { address: 0x2000_0000, length: 8, ap: 0, csw: 0 };
    const data = fromHex('01 02 03 04 05 06 07 08');
    assert.deepEqual(
      decodeReadMemoryReply('READMEM_32BIT', r32, encodeReadMemoryReply('READMEM_32BIT', r32, data)),
      data,
    );
    assert.throws(() => encodeReadMemoryReply('READMEM_32BIT', r32, new Uint8Array(4)), BadInputError);
  });

  it('RW_MISC: types padded to 4, then words; IN is values then status words (A.8)', () => {
    const items = [
      { op: 'select-ap', value: 0 },
      { op: 'read', value: 0xe000_edf0 },
      { op: 'address', value: 0x2000_0000 },
      { op: 'write', value: 0x1234_5678 },
      { op: 'read', value: 0x2000_0000 },
    ] as const;
    const out = encodeRwMiscOutData(items);
    assert.equal(hexBytes(out.subarray(0, 8)), '05 03 01 02 03 00 00 00');
    assert.equal(out.length, 8 + 20);
    assert.equal(hexBytes(out.subarray(8, 16)), '00 00 00 00 f0 ed 00 e0');
    assert.deepEqual(decodeRwMiscOutData(5, out), items);
    const results = [
      { value: 0, status: 0x80 },
      { value: 0x0003_0003, status: 0x80 },
    ];
    const inBytes = encodeRwMiscInReply(results);
    assert.equal(hexBytes(inBytes), '00 00 00 00 03 00 03 00 80 00 00 00 80 00 00 00');
    assert.deepEqual(decodeRwMiscInReply(2, inBytes), results);
    const bad = out.slice();
    bad[0] = 9;
    assert.throws(() => decodeRwMiscOutData(5, bad), /item 0 has unknown type 9/);
  });
});

describe('reply lengths are checked', () => {
  const cases: [string, (b: Uint8Array) => unknown, number][] = [
    ['status', decodeStatusReply, 2],
    ['status+word', decodeStatusWordReply, 8],
    ['GET_VERSION', decodeGetVersionReply, 6],
    ['GET_VERSION_EX', decodeGetVersionExReply, 12],
    ['GET_CURRENT_MODE', decodeGetCurrentModeReply, 2],
    ['GET_TARGET_VOLTAGE', decodeGetTargetVoltageReply, 8],
    ['READ_IDCODES', decodeReadIdcodesReply, 12],
    ['READALLREGS', decodeReadAllRegsReply, 88],
    ['GETLASTRWSTATUS2', decodeGetLastRwStatus2Reply, 12],
    ['GET_COM_FREQ', decodeGetComFreqReply, 52],
    ['SET_COM_FREQ', decodeSetComFreqReply, 8],
    ['GET_TRACE_NB', decodeGetTraceNbReply, 2],
  ];
  for (const [name, decode, length] of cases) {
    it(`${name} is ${length} bytes`, () => {
      assert.doesNotThrow(() => decode(new Uint8Array(length)));
      assert.throws(() => decode(new Uint8Array(length - 1)), isBadLength);
      assert.throws(() => decode(new Uint8Array(length + 1)), isBadLength);
    });
  }
  it('names the reply and both sizes', () => {
    assert.throws(() => decodeGetVersionReply(new Uint8Array(2)), /a GET_VERSION reply is 6 bytes, got 2/);
  });
});
