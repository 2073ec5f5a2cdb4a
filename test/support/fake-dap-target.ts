import { BusError } from '../../src/sim/cpu/bus.js';
import type { SilenceReason } from '../../src/sim/soc/debug-port-rules.js';
import type { AccessSize } from '../../src/sim/soc/peripheral.js';
import { CSW, CSW_ADDRINC, CSW_SIZE } from '../../src/arch/adiv5/ap.js';
import { ABORT, CTRL_STAT, DP_REG } from '../../src/arch/adiv5/dp.js';
import { CSW_RESET } from '../../src/sim/soc/debug-port/dap-registers.js';
import type { DapTarget } from '../../src/sim/soc/debug-port/dap-target.js';
import { SWD_ACK, type SwdWire } from '../../src/sim/soc/debug-port/swd.js';
import { hex32 as hex } from '../../src/util/bytes.js';

/**
 * A fake system bus for the DAP's unit tests: RAM at `base` (little-endian), a bus error anywhere
 * else, a settable silence and clock, and an optional stalled range.
 */
export class FakeDapTarget implements DapTarget {
  debugPortSilence: SilenceReason | undefined = undefined;
  now = 0;
  readonly memory: Uint8Array;
  readonly view: DataView;
  /** Accesses in order, for tests that check what reached the bus. */
  readonly log: string[] = [];
  stall: { readonly from: number; readonly to: number; readonly until: number } | undefined = undefined;

  constructor(
    readonly base = 0x2000_0000,
    size = 0x4000,
  ) {
    this.memory = new Uint8Array(size);
    this.view = new DataView(this.memory.buffer);
  }

  private offset(address: number, size: AccessSize, access: 'read' | 'write'): number {
    const offset = (address >>> 0) - this.base;
    if (offset < 0 || offset + size > this.memory.length) throw new BusError(address, access);
    return offset;
  }

  debugRead(address: number, size: AccessSize): number {
    this.log.push(`r${size * 8} ${hex(address)}`);
    const o = this.offset(address, size, 'read');
    return size === 4
      ? this.view.getUint32(o, true)
      : size === 2
        ? this.view.getUint16(o, true)
        : this.view.getUint8(o);
  }

  debugWrite(address: number, size: AccessSize, value: number): void {
    this.log.push(`w${size * 8} ${hex(address)}=${hex(value)}`);
    const o = this.offset(address, size, 'write');
    if (size === 4) this.view.setUint32(o, value >>> 0, true);
    else if (size === 2) this.view.setUint16(o, value & 0xffff, true);
    else this.view.setUint8(o, value & 0xff);
  }

  debugStallUntil(address: number): number {
    const stall = this.stall;
    if (stall === undefined) return 0;
    const a = address >>> 0;
    return a >= stall.from && a < stall.to ? stall.until : 0;
  }
}

export { hex };

/** Line reset, DPIDR read, clear errors, power up: what every probe does first. */
export function connect(wire: SwdWire): void {
  wire.lineReset();
  expectOk(wire.read(false, DP_REG.DPIDR));
  expectOk(
    wire.write(false, DP_REG.ABORT, ABORT.STKERRCLR | ABORT.STKCMPCLR | ABORT.WDERRCLR | ABORT.ORUNERRCLR),
  );
  expectOk(wire.write(false, DP_REG.CTRL_STAT, CTRL_STAT.CDBGPWRUPREQ | CTRL_STAT.CSYSPWRUPREQ));
  expectOk(wire.write(false, DP_REG.SELECT, 0));
}

export function expectOk(ack: number): void {
  if (ack !== SWD_ACK.OK) throw new Error(`expected ACK OK, got 0b${ack.toString(2).padStart(3, '0')}`);
}

/** CSW for word accesses with single auto-increment, as probes use it. */
export const CSW_WORD_INC =
  (CSW_RESET & ~(CSW.ADDRINC_MASK | CSW.SIZE_MASK)) |
  (CSW_ADDRINC.SINGLE << CSW.ADDRINC_SHIFT) |
  CSW_SIZE.WORD;
