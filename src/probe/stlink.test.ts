import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex } from '../util/bytes.js';
import { SwdkitError, UnavailableError } from '../util/errors.js';
import { StLinkStatusError } from '../protocol/status.js';
import { StLinkServerBusyError } from '../transport/errors.js';
import {
  encodeGetComFreqReply,
  encodeGetVersionReply,
  encodeRwMiscOutData,
  encodeSetComFreqReply,
} from '../protocol/replies.js';
import { StLink, type StLinkOptions } from './stlink.js';
import {
  fails,
  noData,
  reads,
  ScriptedTransport,
  writes,
  type ScriptStep,
} from '../../test/support/scripted-transport.js';

const OK = '80 00';
const RW_OK = '80 00 00 00 00 00 00 00 00 00 00 00';
const MASS = '01 00';
const DEBUG = '02 00';

const V2J40 = '2a 1b 83 04 4b 37'; // V2J40M27 on the Discovery's V2-1 (docs/stlink-protocol.md §A.3)
const v2 = (jtag: number): Uint8Array =>
  encodeGetVersionReply({ v: 2, x: jtag, y: 4, vid: 0x0483, pid: 0x3748 });
const V3_STEPS: ScriptStep[] = [
  reads('f1', '30 00 83 04 4e 37'),
  reads('fb', '03 01 07 02 03 00 00 00 83 04 4e 37'),
];

const CPUID_READ: ScriptStep[] = [reads('f2 07 00 ed 00 e0 04 00', '41 c2 0f 41'), reads('f2 3e', RW_OK)];

/** A recording sleep: the back-off a retry asked for, without waiting. */
function recordingSleep(): { sleeps: number[]; options: StLinkOptions } {
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  };
}

async function openWith(
  version: ScriptStep[] | string | Uint8Array,
  options: StLinkOptions = {},
): Promise<{ stlink: StLink; t: ScriptedTransport }> {
  const first = Array.isArray(version) ? version : [reads('f1', version)];
  const t = new ScriptedTransport([...first, reads('f5', MASS)]);
  const stlink = await StLink.open(t, options);
  return { stlink, t };
}

/** Opens and enters SWD on a V2J40 (INIT_AP, CPUID → 4 KiB blocks). */
async function inSwd(options: StLinkOptions = {}): Promise<{ stlink: StLink; t: ScriptedTransport }> {
  const { stlink, t } = await openWith(V2J40, options);
  t.expect(reads('f2 30 a3', OK), reads('f5', DEBUG), reads('f2 4b 00', OK), ...CPUID_READ);
  await stlink.enterSwd();
  return { stlink, t };
}

describe('StLink.open', () => {
  it('identifies a V2J40M27 and leaves the MASS mode alone (B.2 steps 2–3)', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.done();
    assert.equal(stlink.versionString, 'V2J40M27');
    assert.equal(stlink.version.pid, 0x374b);
    assert.equal(stlink.features.hasMem16Bit, true);
    assert.equal(stlink.limits.maxRw8, 64);
    assert.equal(stlink.identity.location, 'script');
  });

  it('reads GET_VERSION_EX on a V3 that answers X = Y = 0', async () => {
    const { stlink, t } = await openWith(V3_STEPS);
    t.done();
    assert.equal(stlink.versionString, 'V3J7M2B3S1');
    assert.equal(stlink.features.hasComFreq, true);
  });

  for (const [mode, exit] of [
    [DEBUG, noData('f2 21')],
    ['00 00', noData('f3 07')],
    ['03 00', noData('f4 01')],
  ] as const) {
    it(`leaves a stale mode ${mode.slice(0, 2)} with ${exit.command[0]!.toString(16)} ${exit.command[1]!.toString(16)}`, async () => {
      const t = new ScriptedTransport([reads('f1', V2J40), reads('f5', mode), exit]);
      await StLink.open(t);
      t.done();
    });
  }

  it('a transport failure surfaces as the transport error', async () => {
    const unplugged = new UnavailableError('usb-disconnected', 'unplugged');
    const t = new ScriptedTransport([fails(reads('f1', V2J40), unplugged)]);
    await assert.rejects(StLink.open(t), unplugged);
  });

  it('refuses to be used before open', () => {
    const stlink = new StLink(new ScriptedTransport([]));
    assert.throws(
      () => stlink.features,
      (e: unknown) => e instanceof SwdkitError && e.code === 'internal.stlink-not-open',
    );
  });
});

describe('voltage and speed, gated by features', () => {
  it('target voltage on V2J40: 3.30 V', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(reads('f7', '10 06 00 00 56 08 00 00'));
    assert.equal((await stlink.targetVoltage()).toFixed(2), '3.30');
    t.done();
  });

  it('no voltage command on V2J12 (feature from J13): an unavailable error and no traffic', async () => {
    const { stlink, t } = await openWith(v2(12));
    await assert.rejects(
      stlink.targetVoltage(),
      (e: unknown) => e instanceof UnavailableError && e.code === 'unavailable.stlink-no-target-voltage',
    );
    t.done();
  });

  it('V2J40: adapter speed 2000 → SWD_SET_FREQ divisor 1 (1800 kHz)', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(reads('f2 43 01 00', OK));
    assert.deepEqual(await stlink.setSwdFrequency(2000), { kHz: 1800, exact: false });
    assert.equal(stlink.swdFrequencyKHz, 1800);
    t.done();
  });

  it('V3J7: GET_COM_FREQ, then SET_COM_FREQ with the highest offered ≤ the request', async () => {
    const { stlink, t } = await openWith(V3_STEPS);
    t.expect(
      reads(
        'f2 62 00',
        encodeGetComFreqReply({ status: 0x80, frequenciesKHz: [24_000, 8_000, 3_300, 1_000] }),
      ),
      reads('f2 61 00 00 40 1f 00 00', encodeSetComFreqReply({ status: 0x80, appliedKHz: 8_000 })),
    );
    assert.deepEqual(await stlink.setSwdFrequency(10_000), { kHz: 8_000, exact: false });
    t.done();
  });

  it('V2J21 cannot change the SWD clock (feature from J22): no traffic', async () => {
    const { stlink, t } = await openWith(v2(21));
    assert.equal(stlink.canSetSwdFrequency, false);
    await assert.rejects(stlink.setSwdFrequency(4000), /fixed 1800 kHz/);
    t.done();
  });
});

describe('enterSwd', () => {
  it('V2J40: ENTER, mode, INIT_AP 0, CPUID → 4 KiB TAR blocks (B.2 steps 7–10)', async () => {
    const { stlink, t } = await inSwd();
    t.done();
    assert.equal(stlink.tarAutoIncrementBlock, 4096);
  });

  it('V2J21: no INIT_AP (feature from J28), GETLASTRWSTATUS2 after the CPUID read', async () => {
    const { stlink, t } = await openWith(v2(21));
    t.expect(reads('f2 30 a3', OK), reads('f5', DEBUG), ...CPUID_READ);
    await stlink.enterSwd();
    t.done();
  });

  it('V2J14: GETLASTRWSTATUS (0x3B) instead of the 12-byte one (feature from J15)', async () => {
    const { stlink, t } = await openWith(v2(14));
    t.expect(
      reads('f2 30 a3', OK),
      reads('f5', DEBUG),
      reads('f2 07 00 ed 00 e0 04 00', '41 c2 0f 41'),
      reads('f2 3b', OK),
    );
    await stlink.enterSwd();
    t.done();
  });

  it('V3J7: INIT_AP as on V2J40', async () => {
    const { stlink, t } = await openWith(V3_STEPS);
    t.expect(reads('f2 30 a3', OK), reads('f5', DEBUG), reads('f2 4b 00', OK), ...CPUID_READ);
    await stlink.enterSwd();
    t.done();
  });

  it('with the speed first when asked (B.2 step 5)', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(
      reads('f2 43 00 00', OK),
      reads('f2 30 a3', OK),
      reads('f5', DEBUG),
      reads('f2 4b 00', OK),
      ...CPUID_READ,
    );
    await stlink.enterSwd({ frequencyKHz: 8000 });
    t.done();
  });

  it('under reset: NRST low (status ignored), ENTER, NRST low again (status checked) (B.4)', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(
      reads('f2 3c 00', '81 00'),
      reads('f2 30 a3', OK),
      reads('f2 3c 00', OK),
      reads('f5', DEBUG),
      reads('f2 4b 00', OK),
      ...CPUID_READ,
    );
    await stlink.enterSwd({ connectUnderReset: true });
    t.done();
  });

  it('0x09 from ENTER: no target answered, with the hint, and no retry', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(reads('f2 30 a3', '09 00'));
    await assert.rejects(stlink.enterSwd(), (e: unknown) => {
      assert.ok(e instanceof StLinkStatusError);
      assert.equal(e.code, 'target.stlink-jtag-get-idcode-error');
      assert.match(e.message, /APIV2_ENTER SWD: ST-Link status 0x09/);
      assert.match(e.hint ?? '', /No target answered: check power, wiring, or connect under reset/);
      return true;
    });
    t.done();
  });

  it('keeps 1 KiB TAR blocks when the CPUID read faults, or the core is not an M3/M4', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(
      reads('f2 30 a3', OK),
      reads('f5', DEBUG),
      reads('f2 4b 00', OK),
      reads('f2 07 00 ed 00 e0 04 00', '00 00 00 00'),
      reads('f2 3e', '11 00 00 00 00 ed 00 e0 00 00 00 00'),
    );
    await stlink.enterSwd();
    assert.equal(stlink.tarAutoIncrementBlock, 1024);
    t.done();
  });

  it('refuses SWD on API v1 (V1 below J11)', async () => {
    const { stlink, t } = await openWith(
      encodeGetVersionReply({ v: 1, x: 10, y: 0, vid: 0x0483, pid: 0x3744 }),
    );
    await assert.rejects(stlink.enterSwd(), /mode \(transport\) not supported by device/);
    t.done();
  });
});

describe('WAIT retry with exponential back-off (A.2)', () => {
  it('re-sends a command after WAIT, sleeping 1 ms', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await openWith(V2J40, options);
    t.expect(
      reads('f2 36 f0 ed 00 e0', '14 00 00 00 00 00 00 00'),
      reads('f2 36 f0 ed 00 e0', '80 00 00 00 03 00 03 00'),
    );
    assert.equal(await stlink.readDebugRegister(0xe000_edf0), 0x0003_0003);
    assert.deepEqual(sleeps, [1]);
    t.done();
  });

  it('gives up after 8 retries (9 attempts) with 1, 2, 4 … 128 ms between them', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await openWith(V2J40, options);
    for (let i = 0; i < 9; i++) t.expect(reads('f2 32', '10 00'));
    await assert.rejects(stlink.resetSys(), (e: unknown) => {
      assert.ok(e instanceof StLinkStatusError);
      assert.equal(e.statusName, 'SWD_AP_WAIT');
      assert.match(e.message, /RESETSYS: .* after 9 attempts/);
      return true;
    });
    assert.deepEqual(sleeps, [1, 2, 4, 8, 16, 32, 64, 128]);
    t.done();
  });

  it('re-sends a whole memory chunk (command, data and status) when GETLASTRWSTATUS2 says WAIT', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await inSwd(options);
    const write = writes('f2 08 00 00 00 20 04 00', '78 56 34 12');
    t.expect(write, reads('f2 3e', '10 00 00 00 00 00 00 00 00 00 00 00'), write, reads('f2 3e', RW_OK));
    await stlink.writeMemory(0x2000_0000, Uint8Array.of(0x78, 0x56, 0x34, 0x12));
    assert.deepEqual(sleeps, [1]);
    t.done();
  });

  it('the retry policy is injectable', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await openWith(V2J40, { ...options, waitRetry: { retries: 2, firstDelayMs: 5 } });
    for (let i = 0; i < 3; i++) t.expect(reads('f2 3c 01', '14 00'));
    await assert.rejects(stlink.driveNrst('high'), /after 3 attempts/);
    assert.deepEqual(sleeps, [5, 10]);
    t.done();
  });
});

describe('memory access', () => {
  it('splits an unaligned read: 8-bit head, 32-bit middle, 1-byte tail read as 2 (A.5)', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 0c fd 0f 00 20 03 00', 'aa bb cc'),
      reads('f2 3e', RW_OK),
      reads('f2 07 00 10 00 20 08 00', '01 02 03 04 05 06 07 08'),
      reads('f2 3e', RW_OK),
      reads('f2 0c 08 10 00 20 01 00', 'ee 00'),
      reads('f2 3e', RW_OK),
    );
    assert.deepEqual(
      await stlink.readMemory(0x2000_0ffd, 12),
      fromHex('aa bb cc 01 02 03 04 05 06 07 08 ee'),
    );
    t.done();
  });

  it('a 40 KiB flash read is ten 4096-byte READMEM_32BIT, each with GETLASTRWSTATUS2', async () => {
    const { stlink, t } = await inSwd();
    for (let i = 0; i < 10; i++) {
      const address = 0x0800_0000 + 4096 * i;
      const a = [address & 0xff, (address >>> 8) & 0xff, (address >>> 16) & 0xff, address >>> 24];
      t.expect(
        reads(Uint8Array.of(0xf2, 0x07, ...a, 0x00, 0x10), new Uint8Array(4096).fill(i)),
        reads('f2 3e', RW_OK),
      );
    }
    const data = await stlink.readMemory(0x0800_0000, 40 * 1024);
    assert.equal(data[4096 * 7], 7);
    t.done();
  });

  it('maxMemoryPacket caps chunks (stlink-server API v1: 1 KiB)', async () => {
    const { stlink, t } = await inSwd({ maxMemoryPacket: 1024 });
    t.expect(
      writes('f2 08 00 00 00 20 00 04', new Uint8Array(1024)),
      reads('f2 3e', RW_OK),
      writes('f2 08 00 04 00 20 00 04', new Uint8Array(1024)),
      reads('f2 3e', RW_OK),
    );
    await stlink.writeMemory(0x2000_0000, new Uint8Array(2048));
    t.done();
  });

  it('a bus fault names the fault address from GETLASTRWSTATUS2', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 07 00 00 00 60 04 00', '00 00 00 00'),
      reads('f2 3e', '11 00 00 00 00 00 00 60 00 00 00 00'),
    );
    await assert.rejects(stlink.readMemory(0x6000_0000, 4), (e: unknown) => {
      assert.ok(e instanceof StLinkStatusError);
      assert.equal(e.code, 'target.stlink-swd-ap-fault');
      assert.equal(e.faultAddress, 0x6000_0000);
      assert.match(e.message, /READMEM_32BIT 0x60000000\+4: .*fault address 0x60000000/);
      return true;
    });
    t.done();
  });

  it('read32/write32 are one READDEBUGREG/WRITEDEBUGREG each, status in the reply, WAIT retried', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await inSwd(options);
    t.expect(
      reads('f2 36 0c 3c 02 40', '80 00 00 00 00 00 01 00'),
      reads('f2 35 10 3c 02 40 12 00 01 00', '10 00'),
      reads('f2 35 10 3c 02 40 12 00 01 00', '80 00'),
    );
    assert.equal(await stlink.read32(0x4002_3c0c), 0x0001_0000);
    await stlink.write32(0x4002_3c10, 0x0001_0012);
    assert.deepEqual(sleeps, [1]);
    t.done();
  });

  it('a bus fault on read32 names the word’s address', async () => {
    const { stlink, t } = await inSwd();
    t.expect(reads('f2 36 00 00 00 60', '11 00 00 00 00 00 00 00'));
    await assert.rejects(stlink.read32(0x6000_0000), (e: unknown) => {
      assert.ok(e instanceof StLinkStatusError);
      assert.equal(e.code, 'target.stlink-swd-ap-fault');
      assert.equal(e.faultAddress, 0x6000_0000);
      return true;
    });
    t.done();
  });

  it('read16 is READMEM_16BIT on V2J40 and a 2-byte READMEM_8BIT on V2J21 (A.5)', async () => {
    const a = await inSwd();
    a.t.expect(reads('f2 47 22 7a ff 1f 02 00', '00 04'), reads('f2 3e', RW_OK));
    assert.equal(await a.stlink.read16(0x1fff_7a22), 0x0400);
    a.t.done();
    const { stlink, t } = await openWith(v2(21));
    t.expect(reads('f2 30 a3', OK), reads('f5', DEBUG), ...CPUID_READ);
    await stlink.enterSwd();
    t.expect(reads('f2 0c 22 7a ff 1f 02 00', '00 04'), reads('f2 3e', RW_OK));
    assert.equal(await stlink.read16(0x1fff_7a22), 0x0400);
    t.done();
  });

  it('write16 is one WRITEMEM_16BIT (flash programming at PSIZE x16 needs halfword accesses)', async () => {
    const { stlink, t } = await inSwd();
    t.expect(writes('f2 48 00 00 00 08 02 00', '34 12'), reads('f2 3e', RW_OK));
    await stlink.write16(0x0800_0000, 0x1234);
    await assert.rejects(stlink.write16(0x0800_0001, 0), /16-bit access needs an even address/);
    t.done();
  });

  it('write8 and read8 (a 1-byte read moves 2 bytes)', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      writes('f2 0d 00 7a ff 1f 01 00', 'a5'),
      reads('f2 3e', RW_OK),
      reads('f2 0c 00 7a ff 1f 01 00', 'a5 00'),
      reads('f2 3e', RW_OK),
    );
    await stlink.write8(0x1fff_7a00, 0xa5);
    assert.equal(await stlink.read8(0x1fff_7a00), 0xa5);
    t.done();
  });

  it('8-bit transfers: 64-byte chunks on V2, 512 on V3J7', async () => {
    const v2probe = await inSwd();
    for (let i = 0; i < 2; i++) {
      v2probe.t.expect(
        writes(Uint8Array.of(0xf2, 0x0d, 64 * i, 0, 0, 0x20, 64), new Uint8Array(64)),
        reads('f2 3e', RW_OK),
      );
    }
    await v2probe.stlink.writeMemory(0x2000_0000, new Uint8Array(128), { width: 8 });
    v2probe.t.done();
    const { stlink, t } = await openWith(V3_STEPS);
    t.expect(reads('f2 30 a3', OK), reads('f5', DEBUG), reads('f2 4b 00', OK), ...CPUID_READ);
    await stlink.enterSwd();
    t.expect(
      reads('f2 0c 00 00 00 20 00 02', new Uint8Array(512)),
      reads('f2 3e', RW_OK),
      reads('f2 0c 00 02 00 20 58 00', new Uint8Array(88)),
      reads('f2 3e', RW_OK),
    );
    assert.equal((await stlink.readMemory(0x2000_0000, 600, { width: 8 })).length, 600);
    t.done();
  });

  it('AP and CSW travel in the command on V2J40; V2J21 refuses them locally', async () => {
    const { stlink, t } = await inSwd();
    t.expect(reads('f2 07 00 00 00 20 04 00 01 00 00 a2', '01 00 00 00'), reads('f2 3e', RW_OK));
    assert.deepEqual(
      await stlink.readMemory(0x2000_0000, 4, { ap: 1, csw: 0xa200_0000 }),
      fromHex('01 00 00 00'),
    );
    t.done();
    const old = await openWith(v2(21));
    await assert.rejects(old.stlink.readMemory(0x2000_0000, 4, { ap: 1 }), /can only use AP 0/);
    old.t.done();
  });

  it('unaligned read32/write32 is bad input with no traffic; an empty read sends nothing', async () => {
    const { stlink, t } = await inSwd();
    await assert.rejects(stlink.read32(0x2000_0002), /32-bit access needs a 4-byte aligned address/);
    await assert.rejects(stlink.write32(0x2000_0001, 0), /aligned/);
    assert.deepEqual(await stlink.readMemory(0x2000_0000, 0), new Uint8Array(0));
    t.done();
  });

  it('concurrent callers never interleave a memory command with another command', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 07 00 00 00 20 04 00', '01 00 00 00'),
      reads('f2 3e', RW_OK),
      reads('f2 36 f0 ed 00 e0', '80 00 00 00 00 00 03 00'),
      reads('f2 07 04 00 00 20 04 00', '02 00 00 00'),
      reads('f2 3e', RW_OK),
    );
    const word = async (address: number): Promise<number> =>
      new DataView((await stlink.readMemory(address, 4)).buffer).getUint32(0, true);
    const results = await Promise.all([
      word(0x2000_0000),
      stlink.readDebugRegister(0xe000_edf0),
      word(0x2000_0004),
    ]);
    assert.deepEqual(results, [1, 0x0003_0000, 2]);
    t.done();
  });
});

describe('registers, debug registers, NRST, reset, exit, close', () => {
  it('READREG / WRITEREG, incl. S0 through READREG where the firmware has FPU selectors', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 33 0f', '80 00 00 00 58 02 00 08'),
      reads('f2 34 10 00 00 00 01', OK),
      reads('f2 33 40', '80 00 00 00 00 00 80 3f'),
    );
    assert.equal(await stlink.readRegister(0x0f), 0x0800_0258);
    await stlink.writeRegister(0x10, 0x0100_0000);
    assert.equal(await stlink.readRegister(0x40), 0x3f80_0000);
    t.done();
  });

  it('V2J14 reaches FPU registers through DCRSR/DCRDR, waiting for S_REGRDY (ARM ARM C1.6.3)', async () => {
    const { stlink, t } = await openWith(v2(14));
    const halted = '80 00 00 00 03 00 02 00'; // DHCSR: S_HALT, S_REGRDY clear
    const ready = '80 00 00 00 03 00 03 00'; // S_HALT | S_REGRDY
    t.expect(
      reads('f2 35 f4 ed 00 e0 40 00 00 00', OK), // DCRSR ← S0
      reads('f2 36 f0 ed 00 e0', halted),
      reads('f2 36 f0 ed 00 e0', ready),
      reads('f2 36 f8 ed 00 e0', '80 00 00 00 00 00 80 3f'), // DCRDR
      reads('f2 35 f8 ed 00 e0 00 00 00 03', OK), // DCRDR ← FPSCR value
      reads('f2 35 f4 ed 00 e0 21 00 01 00', OK), // DCRSR ← REGWnR | FPSCR
      reads('f2 36 f0 ed 00 e0', ready),
    );
    assert.equal(await stlink.readRegister(0x40), 0x3f80_0000);
    await stlink.writeRegister(0x21, 0x0300_0000);
    t.done();
  });

  it('the DCRSR path gives up when S_REGRDY never sets (core not halted)', async () => {
    const { stlink, t } = await openWith(v2(14), { registerReadyPolls: 2 });
    const running = '80 00 00 00 01 00 00 01';
    t.expect(
      reads('f2 35 f4 ed 00 e0 41 00 00 00', OK),
      reads('f2 36 f0 ed 00 e0', running),
      reads('f2 36 f0 ed 00 e0', running),
    );
    await assert.rejects(
      stlink.readRegister(0x41),
      (e: unknown) => e instanceof SwdkitError && e.code === 'target.register-not-ready',
    );
    t.done();
  });

  it('core registers below 0x20 use READREG even on V2J14', async () => {
    const { stlink, t } = await openWith(v2(14));
    t.expect(reads('f2 33 14', '80 00 00 00 01 00 00 00'));
    assert.equal(await stlink.readRegister(0x14), 1);
    t.done();
  });

  it('DRIVE_NRST low/high/pulse, RESETSYS, EXIT', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 3c 00', OK),
      reads('f2 3c 01', OK),
      reads('f2 3c 02', OK),
      reads('f2 32', OK),
      noData('f2 21'),
    );
    await stlink.driveNrst('low');
    await stlink.driveNrst('high');
    await stlink.driveNrst('pulse');
    await stlink.resetSys();
    await stlink.exitDebug();
    t.done();
  });

  it('close leaves DEBUG mode and closes the transport; a second transport close is the transport’s business', async () => {
    const { stlink, t } = await inSwd();
    t.expect(reads('f5', DEBUG), noData('f2 21'));
    await stlink.close();
    assert.equal(t.closed, true);
    t.done();
  });

  it('close still releases the transport when the probe is gone', async () => {
    const { stlink, t } = await openWith(V2J40);
    t.expect(fails(reads('f5', MASS), new UnavailableError('usb-disconnected', 'unplugged')));
    await assert.rejects(stlink.close(), /unplugged/);
    assert.equal(t.closed, true);
  });
});

describe('batches and trace', () => {
  it('readWords/writeWords without batching: one READDEBUGREG / WRITEDEBUGREG per word', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 36 00 20 00 e0', '80 00 00 00 60 02 00 00'),
      reads('f2 36 00 10 00 e0', '80 00 00 00 00 00 00 40'),
      reads('f2 35 08 20 00 e0 00 00 00 00', OK),
    );
    assert.deepEqual(await stlink.readWords([0xe000_2000, 0xe000_1000]), [0x260, 0x4000_0000]);
    await stlink.writeWords([{ address: 0xe000_2008, value: 0 }]);
    t.done();
  });

  it('with batchWithRwMisc on V2J40: one RW_MISC_OUT/IN pair, AP selected first (A.8)', async () => {
    const { stlink, t } = await inSwd({ batchWithRwMisc: true });
    t.expect(
      writes('f2 51 03 00 00 00', '05 03 03 00  00 00 00 00  00 20 00 e0  00 10 00 e0'),
      reads('f2 52', '00 00 00 00 60 02 00 00 00 00 00 40  80 00 00 00 80 00 00 00 80 00 00 00'),
      writes('f2 51 03 00 00 00', '05 01 02 00  00 00 00 00  08 20 00 e0  00 00 00 00'),
      reads('f2 52', '00 00 00 00 00 00 00 00 00 00 00 00  80 00 00 00 80 00 00 00 80 00 00 00'),
    );
    assert.deepEqual(await stlink.readWords([0xe000_2000, 0xe000_1000]), [0x260, 0x4000_0000]);
    await stlink.writeWords([{ address: 0xe000_2008, value: 0 }]);
    t.done();
  });

  it('an RW_MISC item status fails the batch; a WAIT re-sends it', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await inSwd({ ...options, batchWithRwMisc: true });
    const out = writes('f2 51 02 00 00 00', '05 03 00 00  00 00 00 00  00 00 00 60');
    t.expect(
      out,
      reads('f2 52', '00 00 00 00 00 00 00 00  80 00 00 00 10 00 00 00'),
      out,
      reads('f2 52', '00 00 00 00 00 00 00 00  80 00 00 00 11 00 00 00'),
    );
    await assert.rejects(
      stlink.readWords([0x6000_0000]),
      (e: unknown) => e instanceof StLinkStatusError && e.statusName === 'SWD_AP_FAULT',
    );
    assert.deepEqual(sleeps, [1]);
    t.done();
  });

  it('batches are cut at the firmware item limit (64 on V2, one of them the AP select)', async () => {
    const { stlink, t } = await inSwd({ batchWithRwMisc: true });
    const addresses = Array.from({ length: 70 }, (_, i) => 0x2000_0000 + 4 * i);
    for (const count of [63, 7]) {
      const items = count + 1;
      t.expect(
        writes(Uint8Array.of(0xf2, 0x51, items), encodeRwMiscOut(addresses.splice(0, count))),
        reads(
          'f2 52',
          Uint8Array.from({ length: 8 * items }, (_, i) => (i >= 4 * items && i % 4 === 0 ? 0x80 : 0)),
        ),
      );
    }
    assert.equal(
      (await stlink.readWords(Array.from({ length: 70 }, (_, i) => 0x2000_0000 + 4 * i))).length,
      70,
    );
    t.done();
  });

  it('SWO: START_TRACE_RX with a 4096-byte buffer, GET_TRACE_NB then the trace endpoint, STOP', async () => {
    const { stlink, t } = await inSwd();
    t.expect(reads('f2 40 00 10 80 84 1e 00', OK), reads('f2 42', '00 00'), reads('f2 41', OK));
    await stlink.startTrace(2_000_000);
    assert.deepEqual(await stlink.readTrace(), new Uint8Array(0));
    await stlink.stopTrace();
    await assert.rejects(stlink.startTrace(4_000_000), /outside what this ST-Link receives/);
    t.done();
  });

  it('TCP_BUSY from an stlink-server is retried like WAIT (D.2)', async () => {
    const { sleeps, options } = recordingSleep();
    const { stlink, t } = await openWith(V2J40, options);
    const busy = new StLinkServerBusyError('busy');
    t.expect(fails(reads('f2 32', OK), busy), reads('f2 32', OK));
    await stlink.resetSys();
    assert.deepEqual(sleeps, [1]);
    t.done();
  });
});

function encodeRwMiscOut(addresses: number[]): Uint8Array {
  return encodeRwMiscOutData([
    { op: 'select-ap', value: 0 },
    ...addresses.map((a) => ({ op: 'read' as const, value: a })),
  ]);
}

describe('OpenOCD sequences of the reference notes, as StLink sends them', () => {
  it('reset halt with SRST (B.5): NRST low, DHCSR ← 0xA05F0001, DEMCR ← 0x01000001, RESETSYS, NRST high', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      reads('f2 3c 00', OK),
      reads('f2 35 f0 ed 00 e0 01 00 5f a0', OK),
      reads('f2 35 fc ed 00 e0 01 00 00 01', OK),
      reads('f2 32', OK),
      reads('f2 3c 01', OK),
    );
    await stlink.driveNrst('low');
    await stlink.writeDebugRegister(0xe000_edf0, 0xa05f_0001);
    await stlink.writeDebugRegister(0xe000_edfc, 0x0100_0001);
    await stlink.resetSys();
    await stlink.driveNrst('high');
    t.done();
  });

  it('sector erase (C.3/C.4): KEYR keys, then FLASH_CR ← SER | SNB 2 | STRT = 0x00010012, each a WRITEMEM_32BIT', async () => {
    const { stlink, t } = await inSwd();
    t.expect(
      writes('f2 08 04 3c 02 40 04 00', '23 01 67 45'),
      reads('f2 3e', RW_OK),
      writes('f2 08 04 3c 02 40 04 00', 'ab 89 ef cd'),
      reads('f2 3e', RW_OK),
      writes('f2 08 10 3c 02 40 04 00', '12 00 01 00'),
      reads('f2 3e', RW_OK),
    );
    const word = (value: number): Uint8Array => Uint8Array.of(value, value >>> 8, value >>> 16, value >>> 24);
    await stlink.writeMemory(0x4002_3c04, word(0x4567_0123));
    await stlink.writeMemory(0x4002_3c04, word(0xcdef_89ab));
    await stlink.writeMemory(0x4002_3c10, word(0x0001_0012));
    t.done();
  });

  it('the loader FIFO fill (C.6): 4012 + 4096 × 3 + 72 bytes from 0x20000054', async () => {
    const { stlink, t } = await inSwd();
    let address = 0x2000_0054;
    for (const length of [4012, 4096, 4096, 4096, 72]) {
      const a = [address & 0xff, (address >>> 8) & 0xff, (address >>> 16) & 0xff, address >>> 24];
      t.expect(
        writes(Uint8Array.of(0xf2, 0x08, ...a, length & 0xff, length >>> 8), new Uint8Array(length)),
        reads('f2 3e', RW_OK),
      );
      address += length;
    }
    await stlink.writeMemory(0x2000_0054, new Uint8Array(4012 + 3 * 4096 + 72));
    t.done();
  });
});
