/**
 * Reply layouts of stlink-openocd-0.12.md A.3/A.4, probe side. INTERIM: protocol/ is getting the
 * per-command reply encoders; these few go once they land (each one says its reference row).
 */
import { setU16be, setU16le, setU32le, setU8 } from '../../util/bytes.js';
import type { GetVersionExReply, GetVersionReply } from '../../protocol/version.js';

/** GET_VERSION, 6 bytes: big-endian V:4 X:6 Y:6, VID LE, PID LE (A.3). */
export function getVersionReply(r: GetVersionReply): Uint8Array {
  const out = new Uint8Array(6);
  setU16be(out, 0, ((r.v & 0xf) << 12) | ((r.x & 0x3f) << 6) | (r.y & 0x3f));
  setU16le(out, 2, r.vid);
  setU16le(out, 4, r.pid);
  return out;
}

/** GET_VERSION_EX, 12 bytes: V, SWIM, JTAG, MSD, bridge, 3 reserved, VID LE, PID LE (A.3). */
export function getVersionExReply(r: GetVersionExReply): Uint8Array {
  const out = new Uint8Array(12);
  out.set([r.v, r.swim, r.jtag, r.msd, r.bridge]);
  setU16le(out, 8, r.vid);
  setU16le(out, 10, r.pid);
  return out;
}

/** GET_CURRENT_MODE, 2 bytes: mode, 0. */
export function currentModeReply(mode: number): Uint8Array {
  return Uint8Array.of(mode, 0);
}

/** GET_TARGET_VOLTAGE, 8 bytes: factor LE32, reading LE32. */
export function targetVoltageReply(factor: number, reading: number): Uint8Array {
  const out = new Uint8Array(8);
  setU32le(out, 0, factor);
  setU32le(out, 4, reading);
  return out;
}

/** The 2-byte status reply of most debug commands. */
export function statusReply(status: number): Uint8Array {
  return Uint8Array.of(status, 0);
}

/** READREG, READDEBUGREG, READ_DAP_REG, SET_COM_FREQ: [0] status, [4..7] LE value (8 bytes). */
export function statusValueReply(status: number, value: number): Uint8Array {
  const out = new Uint8Array(8);
  setU8(out, 0, status);
  setU32le(out, 4, value >>> 0);
  return out;
}

/** READ_IDCODES, 12 bytes: [0] status, [4..7] DPIDR. */
export function readIdcodesReply(status: number, idcode: number): Uint8Array {
  const out = new Uint8Array(12);
  setU8(out, 0, status);
  setU32le(out, 4, idcode >>> 0);
  return out;
}

/** GETLASTRWSTATUS2, 12 bytes: [0..1] LE status, [4..7] LE fault address (pyOCD's reading). */
export function lastRwStatus2Reply(status: number, faultAddress: number): Uint8Array {
  const out = new Uint8Array(12);
  setU16le(out, 0, status);
  setU32le(out, 4, faultAddress >>> 0);
  return out;
}

/** APIV3_GET_COM_FREQ, 52 bytes: [0] status, [8] count, [12 + 4i] LE kHz (at most 10). */
export function getComFreqReply(status: number, kHz: readonly number[]): Uint8Array {
  const out = new Uint8Array(52);
  const list = kHz.slice(0, 10);
  setU8(out, 0, status);
  setU8(out, 8, list.length);
  list.forEach((f, i) => {
    setU32le(out, 12 + 4 * i, f);
  });
  return out;
}

/** READALLREGS, 88 bytes: [0..3] status, then 21 LE words. */
export function readAllRegsReply(status: number, words: readonly number[]): Uint8Array {
  const out = new Uint8Array(88);
  setU8(out, 0, status);
  words.slice(0, 21).forEach((w, i) => {
    setU32le(out, 4 + 4 * i, w >>> 0);
  });
  return out;
}

/** GET_TRACE_NB, 2 bytes: LE count of trace bytes waiting. */
export function traceCountReply(count: number): Uint8Array {
  const out = new Uint8Array(2);
  setU16le(out, 0, count);
  return out;
}
