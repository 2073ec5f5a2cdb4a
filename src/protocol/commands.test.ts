import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, hexBytes } from '../util/bytes.js';
import { BadInputError, SwdkitError } from '../util/errors.js';
import {
  dataPhaseOf,
  decodeCommand,
  decodeRequest,
  encodeCommand,
  encodeRequest,
  type CommandKind,
  type KnownCommand,
} from './commands.js';
import { REGSEL } from './regsel.js';

/** `F2 30 A3` → the 16-byte block with zero padding. */
const block = (head: string): Uint8Array => {
  const b = new Uint8Array(16);
  b.set(fromHex(head));
  return b;
};

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof SwdkitError, `expected a SwdkitError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('no error');
}

const mem = { address: 0x2000_0000, length: 64, ap: 0, csw: 0 };

/** One example of every command (the Record type makes the list exhaustive). */
const SAMPLES: { readonly [K in CommandKind]: KnownCommand & { kind: K } } = {
  GET_VERSION: { kind: 'GET_VERSION' },
  GET_VERSION_EX: { kind: 'GET_VERSION_EX' },
  GET_CURRENT_MODE: { kind: 'GET_CURRENT_MODE' },
  GET_TARGET_VOLTAGE: { kind: 'GET_TARGET_VOLTAGE' },
  DFU_EXIT: { kind: 'DFU_EXIT' },
  SWIM_EXIT: { kind: 'SWIM_EXIT' },
  APIV2_ENTER: { kind: 'APIV2_ENTER', mode: 'jtag' },
  EXIT: { kind: 'EXIT' },
  READ_IDCODES: { kind: 'READ_IDCODES' },
  RESETSYS: { kind: 'RESETSYS' },
  READREG: { kind: 'READREG', regsel: REGSEL.S31 },
  WRITEREG: { kind: 'WRITEREG', regsel: REGSEL.PC, value: 0x0800_0258 },
  READALLREGS: { kind: 'READALLREGS' },
  READDEBUGREG: { kind: 'READDEBUGREG', address: 0xe000_edf0 },
  WRITEDEBUGREG: { kind: 'WRITEDEBUGREG', address: 0xe000_edfc, value: 0x0100_0001 },
  READMEM_8BIT: { kind: 'READMEM_8BIT', ...mem, address: 0x0800_0003, length: 1 },
  WRITEMEM_8BIT: { kind: 'WRITEMEM_8BIT', ...mem, length: 3 },
  READMEM_16BIT: { kind: 'READMEM_16BIT', ...mem, address: 0x1fff_7a22, length: 2 },
  WRITEMEM_16BIT: { kind: 'WRITEMEM_16BIT', ...mem, length: 2 },
  READMEM_32BIT: { kind: 'READMEM_32BIT', ...mem, length: 4096, ap: 1, csw: 0xa200_0000 },
  WRITEMEM_32BIT: { kind: 'WRITEMEM_32BIT', ...mem, length: 6144 },
  READMEM_32BIT_NO_ADDR_INC: { kind: 'READMEM_32BIT_NO_ADDR_INC', ...mem, length: 16 },
  WRITEMEM_32BIT_NO_ADDR_INC: { kind: 'WRITEMEM_32BIT_NO_ADDR_INC', ...mem, length: 8 },
  GETLASTRWSTATUS: { kind: 'GETLASTRWSTATUS' },
  GETLASTRWSTATUS2: { kind: 'GETLASTRWSTATUS2' },
  DRIVE_NRST: { kind: 'DRIVE_NRST', action: 'pulse' },
  SWD_SET_FREQ: { kind: 'SWD_SET_FREQ', divisor: 798 },
  JTAG_SET_FREQ: { kind: 'JTAG_SET_FREQ', divisor: 32 },
  APIV3_GET_COM_FREQ: { kind: 'APIV3_GET_COM_FREQ', protocol: 'jtag' },
  APIV3_SET_COM_FREQ: { kind: 'APIV3_SET_COM_FREQ', protocol: 'swd', kHz: 24_000 },
  INIT_AP: { kind: 'INIT_AP', ap: 0 },
  CLOSE_AP_DBG: { kind: 'CLOSE_AP_DBG', ap: 2 },
  READ_DAP_REG: { kind: 'READ_DAP_REG', port: 0xffff, register: 0x04 },
  WRITE_DAP_REG: { kind: 'WRITE_DAP_REG', port: 0, register: 0x0c, value: 0xdead_beef },
  RW_MISC_OUT: { kind: 'RW_MISC_OUT', items: 5 },
  RW_MISC_IN: { kind: 'RW_MISC_IN' },
  START_TRACE_RX: { kind: 'START_TRACE_RX', bufferSize: 4096, baudHz: 2_000_000 },
  STOP_TRACE_RX: { kind: 'STOP_TRACE_RX' },
  GET_TRACE_NB: { kind: 'GET_TRACE_NB' },
};

describe('command blocks: golden bytes from the reference notes (B.2, B.4, B.5, A.4, D.4)', () => {
  const cases: [string, Uint8Array, string][] = [
    ['GET_VERSION', encodeRequest('GET_VERSION', {}), 'f1'],
    ['GET_CURRENT_MODE', encodeRequest('GET_CURRENT_MODE', {}), 'f5'],
    ['DFU_EXIT', encodeRequest('DFU_EXIT', {}), 'f3 07'],
    ['SWIM exit', encodeRequest('SWIM_EXIT', {}), 'f4 01'],
    ['EXIT', encodeRequest('EXIT', {}), 'f2 21'],
    ['SWD_SET_FREQ 1800 kHz', encodeRequest('SWD_SET_FREQ', { divisor: 1 }), 'f2 43 01 00'],
    ['SWD_SET_FREQ 4000 kHz', encodeRequest('SWD_SET_FREQ', { divisor: 0 }), 'f2 43 00 00'],
    ['SWD_SET_FREQ 5 kHz (dap-direct init)', encodeRequest('SWD_SET_FREQ', { divisor: 798 }), 'f2 43 1e 03'],
    ['NRST low', encodeRequest('DRIVE_NRST', { action: 'low' }), 'f2 3c 00'],
    ['NRST high', encodeRequest('DRIVE_NRST', { action: 'high' }), 'f2 3c 01'],
    ['ENTER SWD', encodeRequest('APIV2_ENTER', { mode: 'swd' }), 'f2 30 a3'],
    ['INIT_AP 0', encodeRequest('INIT_AP', { ap: 0 }), 'f2 4b 00'],
    [
      'READMEM_32BIT CPUID',
      encodeRequest('READMEM_32BIT', { address: 0xe000_ed00, length: 4, ap: 0, csw: 0 }),
      'f2 07 00 ed 00 e0 04 00',
    ],
    ['GETLASTRWSTATUS2', encodeRequest('GETLASTRWSTATUS2', {}), 'f2 3e'],
    ['READDEBUGREG DHCSR', encodeRequest('READDEBUGREG', { address: 0xe000_edf0 }), 'f2 36 f0 ed 00 e0'],
    [
      'WRITEDEBUGREG DHCSR halt',
      encodeRequest('WRITEDEBUGREG', { address: 0xe000_edf0, value: 0xa05f_0003 }),
      'f2 35 f0 ed 00 e0 03 00 5f a0',
    ],
    ['GET_COM_FREQ SWD', encodeRequest('APIV3_GET_COM_FREQ', { protocol: 'swd' }), 'f2 62 00'],
    [
      'SET_COM_FREQ 24 MHz',
      encodeRequest('APIV3_SET_COM_FREQ', { protocol: 'swd', kHz: 24_000 }),
      'f2 61 00 00 c0 5d 00 00',
    ],
    ['READREG xPSR', encodeRequest('READREG', { regsel: REGSEL.XPSR }), 'f2 33 10'],
    [
      'WRITEREG PC',
      encodeRequest('WRITEREG', { regsel: REGSEL.PC, value: 0x2000_0000 }),
      'f2 34 0f 00 00 00 20',
    ],
    [
      'dap-direct CSW 0xA2000000 on AP 0',
      encodeRequest('WRITEMEM_32BIT', { address: 0xe000_edf0, length: 4, ap: 0, csw: 0xa200_0000 }),
      'f2 08 f0 ed 00 e0 04 00 00 00 00 a2',
    ],
    [
      '40 KiB flash read chunk',
      encodeRequest('READMEM_32BIT', { address: 0x0800_1000, length: 4096, ap: 0, csw: 0 }),
      'f2 07 00 10 00 08 00 10',
    ],
  ];
  for (const [name, bytes, head] of cases) {
    it(name, () => {
      assert.equal(hexBytes(bytes), hexBytes(block(head)));
    });
  }

  it('a memory command keeps bytes 12–15 zero', () => {
    const b = encodeRequest('READMEM_8BIT', {
      address: 0xffff_ffff,
      length: 0xffff,
      ap: 0xff,
      csw: 0xffff_ff00,
    });
    assert.equal(hexBytes(b), 'f2 0c ff ff ff ff ff ff ff ff ff ff 00 00 00 00');
  });
});

describe('command round trips', () => {
  for (const sample of Object.values(SAMPLES)) {
    it(sample.kind, () => {
      const bytes = encodeCommand(sample);
      assert.equal(bytes.length, 16);
      assert.deepEqual(decodeCommand(bytes), sample);
      assert.deepEqual(decodeRequest(sample.kind, bytes), sample);
      const { kind, ...params } = sample;
      assert.deepEqual(encodeRequest(kind, params as never), bytes);
    });
  }

  it('no two commands share a block', () => {
    const seen = new Set(Object.values(SAMPLES).map((s) => hexBytes(encodeCommand(s).subarray(0, 2))));
    // Single-byte classes are distinguished by byte 0 only; byte 1 is 0 for them.
    assert.equal(seen.size, Object.keys(SAMPLES).length);
  });
});

describe('data phases', () => {
  const phase = (b: Uint8Array, context = {}) => dataPhaseOf(decodeCommand(b), context);
  it('follow the reply lengths of A.3/A.4', () => {
    assert.deepEqual(phase(encodeRequest('GET_VERSION', {})), { kind: 'read', length: 6 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.GET_VERSION_EX)), { kind: 'read', length: 12 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.GET_TARGET_VOLTAGE)), { kind: 'read', length: 8 });
    assert.deepEqual(phase(encodeRequest('EXIT', {})), { kind: 'none' });
    assert.deepEqual(phase(encodeRequest('DFU_EXIT', {})), { kind: 'none' });
    assert.deepEqual(phase(encodeRequest('APIV2_ENTER', { mode: 'swd' })), { kind: 'read', length: 2 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.READ_IDCODES)), { kind: 'read', length: 12 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.READALLREGS)), { kind: 'read', length: 88 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.READREG)), { kind: 'read', length: 8 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.GETLASTRWSTATUS)), { kind: 'read', length: 2 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.GETLASTRWSTATUS2)), { kind: 'read', length: 12 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.APIV3_GET_COM_FREQ)), { kind: 'read', length: 52 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.APIV3_SET_COM_FREQ)), { kind: 'read', length: 8 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.GET_TRACE_NB)), { kind: 'read', length: 2 });
  });

  it('memory reads and writes carry the length; a 1-byte 8-bit read moves 2 bytes (A.5)', () => {
    assert.deepEqual(phase(encodeCommand(SAMPLES.READMEM_8BIT)), { kind: 'read', length: 2 });
    assert.deepEqual(phase(encodeCommand({ ...SAMPLES.READMEM_8BIT, length: 3 })), {
      kind: 'read',
      length: 3,
    });
    assert.deepEqual(phase(encodeCommand(SAMPLES.READMEM_16BIT)), { kind: 'read', length: 2 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.READMEM_32BIT)), { kind: 'read', length: 4096 });
    assert.deepEqual(phase(encodeCommand(SAMPLES.WRITEMEM_8BIT)), { kind: 'write', length: 3 });
    assert.deepEqual(phase(encodeCommand({ ...SAMPLES.WRITEMEM_8BIT, length: 1 })), {
      kind: 'write',
      length: 1,
    });
    assert.deepEqual(phase(encodeCommand(SAMPLES.WRITEMEM_32BIT)), { kind: 'write', length: 6144 });
  });

  it('RW_MISC_OUT writes padded types plus words; RW_MISC_IN needs the OUT item count', () => {
    assert.deepEqual(phase(encodeCommand(SAMPLES.RW_MISC_OUT)), { kind: 'write', length: 8 + 20 });
    assert.deepEqual(phase(encodeCommand({ kind: 'RW_MISC_OUT', items: 4 })), {
      kind: 'write',
      length: 4 + 16,
    });
    assert.equal(phase(encodeCommand(SAMPLES.RW_MISC_IN)), undefined);
    assert.deepEqual(phase(encodeCommand(SAMPLES.RW_MISC_IN), { rwMiscItems: 5 }), {
      kind: 'read',
      length: 40,
    });
  });
});

describe('decoding what a host may send', () => {
  it('recognises API v1 commands without interpreting them', () => {
    const getStatus = decodeCommand(block('f2 01'));
    assert.equal(getStatus.kind, 'APIV1');
    assert.equal(getStatus.command, 'GETSTATUS');
    const enter = decodeCommand(block('f2 20 a3'));
    assert.equal(enter.kind === 'APIV1' && enter.command, 'APIV1_ENTER');
    assert.deepEqual(dataPhaseOf(enter), { kind: 'none' });
    assert.deepEqual(dataPhaseOf(decodeCommand(block('f2 22'))), { kind: 'read', length: 4 });
  });

  it('returns unknown with the bytes and a reason for an unknown opcode or parameter', () => {
    for (const [head, reason] of [
      ['f2 7f', /unknown sub-command 0x7f of class 0xf2/],
      ['f3 01', /unknown sub-command 0x01 of class 0xf3/],
      ['f4 00', /SWIM/],
      ['e0', /unknown command class 0xe0/],
      ['f2 30 a5', /unknown enter mode 0xa5/],
      ['f2 3c 03', /byte 2 must be 0 \(low\), 1 \(high\) or 2 \(pulse\)/],
      ['f2 62 02', /byte 2 must be 0 \(SWD\) or 1 \(JTAG\)/],
    ] as const) {
      const c = decodeCommand(block(head));
      assert.equal(c.kind, 'unknown', head);
      assert.match(c.reason, reason, head);
      assert.equal(dataPhaseOf(c), undefined);
    }
  });

  it('copies the block, so later changes to the caller buffer do not change the decoded command', () => {
    const b = block('f2 01');
    const c = decodeCommand(b);
    b[1] = 0x7f;
    assert.equal(c.kind === 'APIV1' && c.bytes[1], 0x01);
  });

  it('a block that is not 16 bytes is bad input', () => {
    assert.equal(
      codeOf(() => decodeCommand(fromHex('f1'))),
      'bad-input.stlink-command-length',
    );
    assert.equal(
      codeOf(() => decodeCommand(new Uint8Array(31))),
      'bad-input.stlink-command-length',
    );
    assert.equal(
      codeOf(() => decodeRequest('APIV2_ENTER', new Uint8Array(17))),
      'bad-input.stlink-command-length',
    );
  });

  it('decoding as one command what is another, or an unknown sub-command, says what was found', () => {
    assert.throws(
      () => decodeRequest('READMEM_32BIT', block('f2 08')),
      (e: unknown) =>
        e instanceof BadInputError &&
        e.code === 'bad-input.stlink-command-mismatch' &&
        /expected READMEM_32BIT, got WRITEMEM_32BIT/.test(e.message),
    );
    assert.throws(
      () => decodeRequest('APIV2_ENTER', block('f2 7e')),
      (e: unknown) => e instanceof BadInputError && /unknown sub-command 0x7e/.test(e.message),
    );
    assert.equal(
      codeOf(() => decodeRequest('APIV2_ENTER', block('f2 30 01'))),
      'bad-input.stlink-command-parameter',
    );
  });
});

describe('encoding refuses what does not fit', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'address > 32 bits',
      () => encodeRequest('READMEM_32BIT', { ...mem, address: 2 ** 32 }),
      /address 4294967296 does not fit in 32 bits/,
    ],
    ['length > 16 bits', () => encodeRequest('READMEM_32BIT', { ...mem, length: 0x10000 }), /length 65536/],
    ['AP > 255', () => encodeRequest('READMEM_32BIT', { ...mem, ap: 256 }), /AP number/],
    [
      'CSW low byte',
      () => encodeRequest('READMEM_32BIT', { ...mem, csw: 0xa200_0002 }),
      /CSW bits 7:0 must be 0/,
    ],
    ['REGSEL > 255', () => encodeRequest('READREG', { regsel: 0x100 }), /REGSEL/],
    ['negative value', () => encodeRequest('WRITEREG', { regsel: 0, value: -1 }), /value -1/],
    ['divisor > 16 bits', () => encodeRequest('SWD_SET_FREQ', { divisor: 70_000 }), /divisor/],
    ['fractional kHz', () => encodeRequest('APIV3_SET_COM_FREQ', { protocol: 'swd', kHz: 1.5 }), /kHz 1.5/],
  ];
  for (const [name, f, message] of cases) {
    it(name, () => {
      assert.throws(
        f,
        (e: unknown) =>
          e instanceof BadInputError && e.code === 'bad-input.stlink-parameter' && message.test(e.message),
      );
    });
  }
});
