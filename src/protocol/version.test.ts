import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  featuresOf,
  formatVersion,
  getVersionExReplyOf,
  getVersionReplyOf,
  limitsOf,
  needsVersionEx,
  tarAutoIncrementBlock,
  versionFromGetVersion,
  versionFromGetVersionEx,
  type StLinkVersion,
} from './version.js';

const VID = 0x0483;
const v2 = (jtag: number, pid = 0x3748, swim = 4): StLinkVersion =>
  versionFromGetVersion({ v: 2, x: jtag, y: swim, vid: VID, pid });
const v3 = (jtag: number): StLinkVersion =>
  versionFromGetVersionEx({ v: 3, swim: 1, jtag, msd: 2, bridge: 3, vid: VID, pid: 0x374e });

describe('firmware version', () => {
  it('V2-1 PID: X is JTAG and Y is MSD (V2J40M27)', () => {
    const version = versionFromGetVersion({ v: 2, x: 40, y: 27, vid: VID, pid: 0x374b });
    assert.deepEqual(version, {
      stlink: 2,
      jtag: 40,
      swim: 0,
      msd: 27,
      bridge: 0,
      vid: VID,
      pid: 0x374b,
      api: 2,
    });
    assert.equal(formatVersion(version), 'V2J40M27');
  });

  it('V2-1 STM8-flavoured firmware: X is MSD and Y is SWIM, no JTAG', () => {
    const a = versionFromGetVersion({ v: 2, x: 22, y: 7, vid: VID, pid: 0x3752 });
    assert.deepEqual([a.jtag, a.msd, a.swim], [0, 22, 7]);
    const b = versionFromGetVersion({ v: 2, x: 25, y: 12, vid: VID, pid: 0x374b });
    assert.deepEqual([b.jtag, b.msd, b.swim], [0, 25, 12]);
    assert.equal(formatVersion(b), 'V2M25S12');
    assert.equal(featuresOf(b).hasSwd, false);
    const notStm8 = versionFromGetVersion({ v: 2, x: 25, y: 13, vid: VID, pid: 0x374b });
    assert.deepEqual([notStm8.jtag, notStm8.msd], [25, 13]);
  });

  it('other PIDs: X is JTAG and Y is SWIM (V2J21S4)', () => {
    assert.equal(formatVersion(v2(21)), 'V2J21S4');
    assert.equal(formatVersion(v2(37, 0x3748, 0)), 'V2J37S0');
  });

  it('V3 answers X = Y = 0 and the numbers come from GET_VERSION_EX', () => {
    assert.equal(needsVersionEx({ v: 3, x: 0, y: 0, vid: VID, pid: 0x374f }), true);
    assert.equal(needsVersionEx({ v: 2, x: 0, y: 0, vid: VID, pid: 0x3748 }), false);
    assert.equal(formatVersion(v3(7)), 'V3J7M2B3S1');
    assert.equal(v3(7).api, 3);
  });

  it('API level: V1 is v1 below J11, v2 from J11; V2 is v2; V3 is v3', () => {
    assert.equal(versionFromGetVersion({ v: 1, x: 10, y: 0, vid: VID, pid: 0x3744 }).api, 1);
    assert.equal(versionFromGetVersion({ v: 1, x: 11, y: 0, vid: VID, pid: 0x3744 }).api, 2);
    const v1 = featuresOf(versionFromGetVersion({ v: 1, x: 13, y: 0, vid: VID, pid: 0x3744 }));
    assert.equal(v1.hasTargetVoltage, false, 'V1 has no other flags');
    assert.equal(
      featuresOf(versionFromGetVersion({ v: 1, x: 10, y: 0, vid: VID, pid: 0x3744 })).hasSwd,
      false,
    );
  });

  it('getVersionReplyOf is the inverse of the parsers (for the virtual probe)', () => {
    for (const version of [
      versionFromGetVersion({ v: 2, x: 40, y: 27, vid: VID, pid: 0x374b }),
      versionFromGetVersion({ v: 2, x: 25, y: 12, vid: VID, pid: 0x374b }),
      v2(21),
    ]) {
      assert.deepEqual(versionFromGetVersion(getVersionReplyOf(version)), version);
    }
    assert.deepEqual(getVersionReplyOf(v3(7)), { v: 3, x: 0, y: 0, vid: VID, pid: 0x374e });
    assert.deepEqual(versionFromGetVersionEx(getVersionExReplyOf(v3(7))), v3(7));
  });
});

describe('feature gates (A.7)', () => {
  const on = (version: StLinkVersion): string[] =>
    Object.entries(featuresOf(version))
      .filter(([, value]) => value === true)
      .map(([name]) => name)
      .sort();

  it('V2J21: voltage, trace, GETLASTRWSTATUS2, FPU registers — no SWD_SET_FREQ yet', () => {
    assert.deepEqual(on(v2(21)), [
      'hasFpuRegisters',
      'hasGetLastRwStatus2',
      'hasJtag',
      'hasSwd',
      'hasTargetVoltage',
      'hasTrace',
    ]);
  });

  it('V2J40: everything of V2, no COM_FREQ, no 512-byte 8-bit transfers', () => {
    const f = featuresOf(v2(40, 0x374b, 27));
    assert.equal(f.hasSwdSetFreq, true);
    assert.equal(f.hasJtagSetFreq, true);
    assert.equal(f.hasMem16Bit, true);
    assert.equal(f.hasApInit, true);
    assert.equal(f.hasCloseApStatus, true);
    assert.equal(f.hasRwMisc, true);
    assert.equal(f.hasMemApSelect, true);
    assert.equal(f.quirkJtagDpRead, false);
    assert.equal(f.hasComFreq, false);
    assert.equal(f.hasRw8_512Bytes, false);
    assert.equal(limitsOf(v2(40)).maxRw8, 64);
    assert.equal(limitsOf(v2(40)).maxRwMiscItems, 64);
  });

  it('V3J7: COM_FREQ instead of SWD_SET_FREQ; 512-byte 8-bit transfers', () => {
    const f = featuresOf(v3(7));
    assert.equal(f.hasComFreq, true);
    assert.equal(f.hasSwdSetFreq, false);
    assert.equal(f.hasJtagSetFreq, false);
    assert.equal(f.hasGetLastRwStatus2, true);
    assert.equal(f.hasRw8_512Bytes, true);
    assert.equal(f.hasRwMisc, true);
    assert.equal(limitsOf(v3(7)).maxRw8, 512);
    assert.equal(limitsOf(v3(7)).maxRw16_32, 6144);
    assert.equal(limitsOf(v3(7)).maxRwMiscItems, 1227);
    assert.equal(limitsOf(v3(7)).maxTraceBaudHz, 24_000_000);
  });

  it('boundaries: J13, J15, J22, J24, J26, J28, J29, J32; V3 J2 and J6', () => {
    const flip = (feature: keyof ReturnType<typeof featuresOf>, at: number, make = v2): void => {
      assert.equal(featuresOf(make(at - 1))[feature], false, `${feature} below ${at}`);
      assert.equal(featuresOf(make(at))[feature], true, `${feature} at ${at}`);
    };
    flip('hasTargetVoltage', 13);
    flip('hasGetLastRwStatus2', 15);
    flip('hasSwdSetFreq', 22);
    flip('hasJtagSetFreq', 24);
    flip('hasDapReg', 24);
    flip('quirkJtagDpRead', 24);
    assert.equal(featuresOf(v2(32)).quirkJtagDpRead, false);
    flip('hasMem16Bit', 26);
    flip('hasWriteMem32NoAddrInc', 26);
    flip('hasApInit', 28);
    flip('hasCloseApStatus', 29);
    flip('hasRwMisc', 32);
    flip('hasReadMem32NoAddrInc', 32);
    flip('hasMemApSelect', 32);
    flip('hasDpBankSel', 2, v3);
    flip('hasRw8_512Bytes', 6, v3);
  });

  it('TAR auto-increment block: 4 KiB for Cortex-M3/M4 CPUIDs, 1 KiB otherwise', () => {
    assert.equal(tarAutoIncrementBlock(0x410f_c241), 4096); // Cortex-M4 r0p1
    assert.equal(tarAutoIncrementBlock(0x412f_c230), 4096); // Cortex-M3
    assert.equal(tarAutoIncrementBlock(0x410c_c200), 1024); // Cortex-M0
    assert.equal(tarAutoIncrementBlock(0x411f_c272), 1024); // Cortex-M7
    assert.equal(tarAutoIncrementBlock(undefined), 1024);
  });
});
