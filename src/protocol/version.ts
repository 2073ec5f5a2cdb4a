import { STLINK_PID } from './usb-ids.js';

/**
 * Firmware identity and capability gates (docs/stlink-protocol.md §A.3, A.5, A.7). Everything above
 * protocol/ asks a feature by what it enables (`features.hasMem16Bit`), never a version number.
 */

/** GET_VERSION's fields as the reply carries them: the version word split into V, X and Y. */
export interface GetVersionReply {
  /** Bits 15–12: hardware generation (1, 2 or 3). */
  readonly v: number;
  /** Bits 11–6: usually the JTAG/SWD firmware version. */
  readonly x: number;
  /** Bits 5–0: SWIM or MSD version, depending on the PID (see versionFromGetVersion). */
  readonly y: number;
  readonly vid: number;
  readonly pid: number;
}

export interface GetVersionExReply {
  readonly v: number;
  readonly swim: number;
  readonly jtag: number;
  readonly msd: number;
  readonly bridge: number;
  readonly vid: number;
  readonly pid: number;
}

export type ApiVersion = 1 | 2 | 3;

export interface StLinkVersion {
  /** Hardware generation: the V in V2J40M27. */
  readonly stlink: number;
  /** JTAG/SWD firmware version (J); 0 means the probe has no debug firmware. */
  readonly jtag: number;
  readonly swim: number;
  readonly msd: number;
  readonly bridge: number;
  readonly vid: number;
  readonly pid: number;
  readonly api: ApiVersion;
}

function apiOf(stlink: number, jtag: number): ApiVersion {
  if (stlink >= 3) return 3;
  if (stlink === 2) return 2;
  return jtag >= 11 ? 2 : 1;
}

/** V = 3 with X = Y = 0 announces that the real numbers are in GET_VERSION_EX (A.3). */
export function needsVersionEx(reply: GetVersionReply): boolean {
  return reply.v === 3 && reply.x === 0 && reply.y === 0;
}

function isV2_1(pid: number): boolean {
  return pid === STLINK_PID.V2_1 || pid === STLINK_PID.V2_1_NO_MSD;
}

/**
 * Interprets X and Y (A.3): on V2-1 PIDs Y is the MSD version, except for the STM8-flavoured
 * firmware where X is MSD and Y is SWIM; elsewhere X is JTAG and Y is SWIM.
 */
export function versionFromGetVersion(reply: GetVersionReply): StLinkVersion {
  let jtag = reply.x;
  let swim = 0;
  let msd = 0;
  if (isV2_1(reply.pid)) {
    const stm8 = (reply.x <= 22 && reply.y === 7) || (reply.x >= 25 && reply.y >= 7 && reply.y <= 12);
    if (stm8) {
      msd = reply.x;
      swim = reply.y;
      jtag = 0;
    } else {
      msd = reply.y;
    }
  } else {
    swim = reply.y;
  }
  return {
    stlink: reply.v,
    jtag,
    swim,
    msd,
    bridge: 0,
    vid: reply.vid,
    pid: reply.pid,
    api: apiOf(reply.v, jtag),
  };
}

export function versionFromGetVersionEx(reply: GetVersionExReply): StLinkVersion {
  return {
    stlink: reply.v,
    jtag: reply.jtag,
    swim: reply.swim,
    msd: reply.msd,
    bridge: reply.bridge,
    vid: reply.vid,
    pid: reply.pid,
    api: apiOf(reply.v, reply.jtag),
  };
}

/**
 * The GET_VERSION reply a probe with this version sends (the inverse of versionFromGetVersion, for
 * the virtual probe). V3 answers X = Y = 0 and puts the numbers in GET_VERSION_EX.
 */
export function getVersionReplyOf(version: StLinkVersion): GetVersionReply {
  const base = { v: version.stlink, vid: version.vid, pid: version.pid };
  if (version.stlink >= 3) return { ...base, x: 0, y: 0 };
  if (isV2_1(version.pid)) {
    return version.jtag === 0
      ? { ...base, x: version.msd, y: version.swim }
      : { ...base, x: version.jtag, y: version.msd };
  }
  return { ...base, x: version.jtag, y: version.swim };
}

export function getVersionExReplyOf(version: StLinkVersion): GetVersionExReply {
  const { stlink: v, swim, jtag, msd, bridge, vid, pid } = version;
  return { v, swim, jtag, msd, bridge, vid, pid };
}

/** `V2J40M27`, `V3J7M2B3S1`, `V2J21S4`: J if JTAG ≠ 0 or MSD = 0, M if MSD ≠ 0, B if bridge ≠ 0, S if SWIM ≠ 0 or MSD = 0 (A.3). */
export function formatVersion(version: StLinkVersion): string {
  let text = `V${version.stlink}`;
  if (version.jtag !== 0 || version.msd === 0) text += `J${version.jtag}`;
  if (version.msd !== 0) text += `M${version.msd}`;
  if (version.bridge !== 0) text += `B${version.bridge}`;
  if (version.swim !== 0 || version.msd === 0) text += `S${version.swim}`;
  return text;
}

/** What the firmware can do, named after what it enables (A.7). */
export interface StLinkFeatures {
  readonly api: ApiVersion;
  /** SWD needs API v2+ and debug firmware (A.3). */
  readonly hasSwd: boolean;
  readonly hasJtag: boolean;
  /** GET_TARGET_VOLTAGE (OpenOCD's HAS_TRACE / TARGET_VOLT). */
  readonly hasTargetVoltage: boolean;
  /** START/STOP_TRACE_RX, GET_TRACE_NB (same gate as the voltage). */
  readonly hasTrace: boolean;
  /** GETLASTRWSTATUS2 instead of GETLASTRWSTATUS. */
  readonly hasGetLastRwStatus2: boolean;
  /** FPSCR and S0–S31 through READREG/WRITEREG (same gate as GETLASTRWSTATUS2). */
  readonly hasFpuRegisters: boolean;
  /** SWD_SET_FREQ with the V2 divisor table. */
  readonly hasSwdSetFreq: boolean;
  readonly hasJtagSetFreq: boolean;
  /** APIV3 GET/SET_COM_FREQ with a kHz list from the probe. */
  readonly hasComFreq: boolean;
  readonly hasDapReg: boolean;
  /** In JTAG, a DP read must be followed by an RDBUFF read (V2 J24–J31). */
  readonly quirkJtagDpRead: boolean;
  readonly hasMem16Bit: boolean;
  readonly hasWriteMem32NoAddrInc: boolean;
  /** INIT_AP before the first use of an AP. */
  readonly hasApInit: boolean;
  /** CLOSE_AP_DBG returns a meaningful status (older firmware returns a bogus error). */
  readonly hasCloseApStatus: boolean;
  readonly hasDpBankSel: boolean;
  readonly hasReadMem32NoAddrInc: boolean;
  readonly hasRwMisc: boolean;
  /** A non-zero AP number or CSW in memory commands (multi-AP memory access). */
  readonly hasMemApSelect: boolean;
  /** 8-bit transfers up to 512 bytes instead of 64. */
  readonly hasRw8_512Bytes: boolean;
}

export function featuresOf(version: StLinkVersion): StLinkFeatures {
  const { stlink: v, jtag: j } = version;
  const v2 = (min: number): boolean => v === 2 && j >= min;
  const v3 = (min: number): boolean => v >= 3 && j >= min;
  const bankSel = v2(32) || v3(2);
  return {
    api: version.api,
    hasSwd: version.api >= 2 && j !== 0,
    hasJtag: j !== 0,
    hasTargetVoltage: v2(13) || v3(0),
    hasTrace: v2(13) || v3(0),
    hasGetLastRwStatus2: v2(15) || v3(0),
    hasFpuRegisters: v2(15) || v3(0),
    hasSwdSetFreq: v2(22),
    hasJtagSetFreq: v2(24),
    hasComFreq: v3(0),
    hasDapReg: v2(24) || v3(0),
    quirkJtagDpRead: v2(24) && j <= 31,
    hasMem16Bit: v2(26) || v3(0),
    hasWriteMem32NoAddrInc: v2(26) || v3(0),
    hasApInit: v2(28) || v3(0),
    hasCloseApStatus: v2(29) || v3(0),
    hasDpBankSel: bankSel,
    hasReadMem32NoAddrInc: bankSel,
    hasRwMisc: bankSel,
    hasMemApSelect: bankSel,
    hasRw8_512Bytes: v3(6),
  };
}

/** Transfer limits the firmware imposes (A.5, A.8, A.4 trace). */
export interface StLinkLimits {
  /** Bytes per READMEM_8BIT/WRITEMEM_8BIT. */
  readonly maxRw8: number;
  /** Bytes per 16/32-bit memory command: the firmware's internal buffer. */
  readonly maxRw16_32: number;
  readonly maxRwMiscItems: number;
  readonly maxTraceBaudHz: number;
  /** START_TRACE_RX buffer size OpenOCD asks for. */
  readonly traceBufferSize: number;
}

export function limitsOf(version: StLinkVersion): StLinkLimits {
  const features = featuresOf(version);
  const v3 = version.stlink >= 3;
  return {
    maxRw8: features.hasRw8_512Bytes ? 512 : 64,
    maxRw16_32: 6144,
    maxRwMiscItems: v3 ? 1227 : 64,
    maxTraceBaudHz: v3 ? 24_000_000 : 2_000_000,
    traceBufferSize: 4096,
  };
}

/**
 * The MEM-AP TAR auto-increment block for the core behind the AP (A.5): Cortex-M3/M4 (CPUID bits 7–4,
 * the low nibble of PARTNO, equal to 3 or 4) increment TAR across 4 KiB; assume 1 KiB otherwise
 * (ADIv5 guarantees at least 1 KiB, ARM IHI 0031 §7.2.2).
 */
export function tarAutoIncrementBlock(cpuid: number | undefined): 1024 | 4096 {
  if (cpuid === undefined) return 1024;
  const nibble = (cpuid >>> 4) & 0xf;
  return nibble === 3 || nibble === 4 ? 4096 : 1024;
}

/** Target voltage from GET_TARGET_VOLTAGE (A.3): 2 × reading × 1.2 V / factor; 0 if factor is 0. */
export function targetVolts(reply: { readonly factor: number; readonly reading: number }): number {
  return reply.factor === 0 ? 0 : (2 * reply.reading * 1.2) / reply.factor;
}
