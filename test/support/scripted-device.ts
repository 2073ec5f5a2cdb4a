import type { DataPhase, ProbeIdentity, StLinkDevice } from '../../src/protocol/link.js';

/**
 * A deliberately small stand-in for an ST-Link/V2-1 (V2J37, PID 0x374B) for transport and server
 * tests: modes, ENTER/EXIT, GET_VERSION, DRIVE_NRST, SWD_SET_FREQ, 8/32-bit memory over a word map
 * with GETLASTRWSTATUS(2) reporting 0x11 (SWD_AP_FAULT) for addresses outside `mapped`, and RW_MISC.
 * It records every command so tests can assert what reached the probe. Not a probe model — the
 * virtual ST-Link lives in src/sim/probe.
 */
export interface ScriptedCommand {
  readonly command: Uint8Array;
  readonly phase: DataPhase;
}

export const SCRIPTED_IDENTITY: ProbeIdentity = {
  vid: 0x0483,
  pid: 0x374b,
  serial: '066DFF485550755187121014',
  location: 'scripted',
};

export class ScriptedDevice implements StLinkDevice {
  readonly log: ScriptedCommand[] = [];
  mode = 0x01;
  nrst: 'low' | 'high' | 'unknown' = 'unknown';
  swdDivisor = 1;
  lastRwStatus = 0x80;
  trace = new Uint8Array(0);
  /** Extra latency per exchange, so tests can force interleaving between clients. */
  delayMs = 0;
  private readonly memory = new Map<number, number>();
  private costNs = 0;
  private misc: number[] = [];

  constructor(
    readonly identity: ProbeIdentity = SCRIPTED_IDENTITY,
    private readonly mapped: (address: number) => boolean = (a) => a < 0x40000000 || a >= 0xe0000000,
  ) {}

  modelledNanoseconds(): number {
    return this.costNs;
  }

  readTrace(length: number): Uint8Array {
    const out = new Uint8Array(length);
    out.set(this.trace.subarray(0, length));
    this.trace = this.trace.slice(length);
    return out;
  }

  async exchange(command: Uint8Array, phase: DataPhase): Promise<Uint8Array> {
    this.log.push({ command: command.slice(), phase });
    this.costNs += 1_000_000;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const reply = this.answer(command, phase);
    if (phase.kind !== 'read') return new Uint8Array(0);
    const out = new Uint8Array(phase.length);
    out.set(reply.subarray(0, phase.length));
    return out;
  }

  /** Commands received so far, as "F2 07"-style two-byte prefixes. */
  commandNames(): string[] {
    return this.log.map(({ command }) =>
      command[0] === 0xf2 ? `F2 ${hex2(command[1] ?? 0)}` : hex2(command[0] ?? 0),
    );
  }

  private answer(c: Uint8Array, phase: DataPhase): Uint8Array {
    const dv = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const ok = Uint8Array.of(0x80, 0);
    switch (c[0]) {
      case 0xf1: // GET_VERSION: V2 J37 M26, big-endian word, then VID/PID LE
        return Uint8Array.of((2 << 4) | (37 >> 2), ((37 & 3) << 6) | 26, 0x83, 0x04, 0x4b, 0x37);
      case 0xf5:
        return Uint8Array.of(this.mode, 0);
      case 0xf7:
        return Uint8Array.of(0x10, 0x06, 0, 0, 0x56, 0x08, 0, 0);
      case 0xf2:
        break;
      default:
        return new Uint8Array(0);
    }
    const address = dv.getUint32(2, true);
    const length = dv.getUint16(6, true);
    switch (c[1]) {
      case 0x30:
        this.mode = 0x02;
        return ok;
      case 0x21:
        this.mode = 0x01;
        return new Uint8Array(0);
      case 0x3c:
        this.nrst = c[2] === 0 ? 'low' : 'high';
        return ok;
      case 0x43:
        this.swdDivisor = dv.getUint16(2, true);
        return ok;
      case 0x07:
      case 0x0c: {
        const out = new Uint8Array(Math.max(length, 2));
        this.lastRwStatus = 0x80;
        for (let i = 0; i < length; i++) {
          const a = address + i;
          if (!this.mapped(a)) this.lastRwStatus = 0x11;
          out[i] = ((this.memory.get(a & ~3) ?? 0) >>> ((a & 3) * 8)) & 0xff;
        }
        return out;
      }
      case 0x08:
      case 0x0d: {
        const data = phase.kind === 'write' ? phase.data : new Uint8Array(0);
        this.lastRwStatus = 0x80;
        for (let i = 0; i < data.length; i++) {
          const a = address + i;
          if (!this.mapped(a)) {
            this.lastRwStatus = 0x11;
            continue;
          }
          const shift = (a & 3) * 8;
          const word = this.memory.get(a & ~3) ?? 0;
          this.memory.set(a & ~3, ((word & ~(0xff << shift)) | ((data[i] ?? 0) << shift)) >>> 0);
        }
        return new Uint8Array(0);
      }
      case 0x3e: {
        const out = new Uint8Array(12);
        out[0] = this.lastRwStatus;
        return out;
      }
      case 0x3b:
        return Uint8Array.of(this.lastRwStatus, 0);
      case 0x51: {
        // RW_MISC_OUT: remembers the item values; RW_MISC_IN echoes them with OK statuses.
        const items = dv.getUint32(2, true);
        const data = phase.kind === 'write' ? phase.data : new Uint8Array(0);
        const values = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const base = (items + 3) & ~3;
        this.misc = Array.from({ length: items }, (_, i) => values.getUint32(base + 4 * i, true));
        return new Uint8Array(0);
      }
      case 0x52: {
        const out = new Uint8Array(8 * this.misc.length);
        const odv = new DataView(out.buffer);
        this.misc.forEach((v, i) => {
          odv.setUint32(4 * i, v, true);
          odv.setUint32(4 * (this.misc.length + i), 0x80, true);
        });
        return out;
      }
      default:
        return ok;
    }
  }
}

function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
