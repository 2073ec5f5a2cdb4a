/**
 * GdbTarget on a Session: its core (CortexM) for run control, registers, the FPB and the DWT; the
 * session itself for memory, flashing, erasing and reset. Every operation goes through one queue,
 * so several gdb connections on one target never interleave the steps of an operation.
 */
import type { CoreRegisterName, CoreRegisters } from '../arm/core-registers.js';
import { ICSR, SCB_REG } from '../arch/armv7m/scb.js';
import { ADDRESS_MAP } from '../arch/armv7m/memory-map.js';
import type { Segment } from '../flash/image/types.js';
import type { Session } from '../session.js';
import { hex32 } from '../util/bytes.js';
import { SerialQueue } from '../util/serial-queue.js';
import { TargetError } from '../util/errors.js';
import { restoreCoreContext, saveCoreContext } from './core-context.js';
import type { BreakpointType, GdbTarget, HaltEvent, TargetLayout, WatchKind } from './target.js';

/** Thumb BKPT #0: halts a core under debug at this instruction (ARM DDI 0403E A7.7.17). */
const BKPT_0 = Uint8Array.of(0x00, 0xbe);

/** ICSR.VECTACTIVE while the HardFault handler runs (exception number 3). */
const HARDFAULT_EXCEPTION = 3;

interface PlacedWatch {
  readonly address: number;
  readonly size: number;
  /** gdb's own request, to report the hit as it asked. */
  readonly requested: number;
  readonly kind: WatchKind;
}

/** The smallest naturally aligned power-of-two range that holds [address, address + length). */
export function watchRange(address: number, length: number): { address: number; size: number } {
  let size = 1;
  while (size < Math.max(1, length)) size *= 2;
  for (;;) {
    const base = address - (address % size);
    if (base + size >= address + length) return { address: base >>> 0, size };
    size *= 2;
  }
}

export class SessionTarget implements GdbTarget {
  private readonly queue = new SerialQueue();
  private cachedHalt: HaltEvent | undefined;
  /** RAM breakpoints: the halfword each BKPT replaced. */
  private readonly patched = new Map<number, Uint8Array>();
  private readonly watches = new Map<string, PlacedWatch>();
  /** The next halt event is a fault's: the core was halted inside its HardFault handler. */
  private faultHalt = false;

  constructor(readonly session: Session) {}

  private run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  private get core(): Session['core'] {
    return this.session.core;
  }

  layout(): Promise<TargetLayout> {
    return this.run(async () => {
      const chip = this.session.chip;
      return {
        hasFpu: (await this.core.identify()).hasFpu,
        flashSectors: chip.sectors,
      };
    });
  }

  info(): Promise<string[]> {
    return this.run(async () => {
      const chip = this.session.chip;
      const report = this.session.connectReport;
      const status = await this.core.status();
      const identity = await this.core.identify();
      return [
        `chip: ${chip.name}, revision ${chip.revision}, ${chip.flashSize / 1024} KiB flash, unique ID ${chip.uniqueId}`,
        `core: ${identity.name} (CPUID ${hex32(identity.cpuid)})${identity.hasFpu ? ', with FPU' : ''}, ${status.state}`,
        `probe: ${this.session.stlink.versionString}, connected ${report.method} at ${report.speedKHz} kHz` +
          (Number.isNaN(report.targetVolts) ? '' : `, target ${report.targetVolts.toFixed(2)} V`),
      ];
    });
  }

  isStopped(): Promise<boolean> {
    return this.run(async () => {
      const { state } = await this.core.status();
      return state === 'halted' || state === 'locked-up';
    });
  }

  poll(): Promise<'stopped' | 'running' | 'in-hardfault'> {
    return this.run(async () => {
      const { state } = await this.core.status();
      if (state === 'halted' || state === 'locked-up') return 'stopped';
      const icsr = await this.core.access.read32(SCB_REG.ICSR);
      return (icsr & ICSR.VECTACTIVE_MASK) === HARDFAULT_EXCEPTION ? 'in-hardfault' : 'running';
    });
  }

  haltOnFault(): Promise<void> {
    return this.run(async () => {
      if (!(await this.core.isHalted())) await this.core.halt();
      this.cachedHalt = undefined;
      this.faultHalt = true;
    });
  }

  halt(): Promise<void> {
    return this.run(async () => {
      if (!(await this.core.isHalted())) await this.core.halt();
    });
  }

  resume(): Promise<void> {
    return this.run(async () => {
      this.cachedHalt = undefined;
      this.faultHalt = false;
      await this.core.resume();
    });
  }

  step(): Promise<void> {
    return this.run(async () => {
      this.cachedHalt = undefined;
      await this.core.step();
    });
  }

  haltEvent(): Promise<HaltEvent> {
    return this.run(async () => {
      if (this.cachedHalt !== undefined) return this.cachedHalt;
      let lockup = false;
      if (!(await this.core.isHalted())) {
        // A locked-up core leaves lockup when halted (ARM DDI 0403E B1.5.15); a running one just stops.
        lockup = (await this.core.status()).state === 'locked-up';
        await this.core.halt();
      }
      const reason = await this.core.haltReason();
      const pc = await this.core.readRegister('pc');
      const faulted = lockup || this.faultHalt || reason.causes.includes('vector-catch');
      this.faultHalt = false;
      const fault = faulted ? await this.core.faultStatus() : undefined;
      const watchpoints = reason.watchpoints.map((hit) => {
        const placed = [...this.watches.values()].find(
          (w) => w.address === hit.address && w.kind === hit.kind,
        );
        return { address: placed?.requested ?? hit.address, kind: hit.kind };
      });
      const event: HaltEvent = {
        causes: reason.causes,
        pc,
        watchpoints,
        ...(fault === undefined || fault.causes.length === 0 ? {} : { fault }),
        ...(lockup ? { lockup, ...(fault === undefined ? {} : { fault }) } : {}),
      };
      this.cachedHalt = event;
      return event;
    });
  }

  reset(halt: boolean): Promise<void> {
    return this.run(async () => {
      this.cachedHalt = undefined;
      await this.session.reset({ halt });
    });
  }

  readRegisters(): Promise<CoreRegisters> {
    return this.run(() => this.core.readRegisters());
  }

  writeRegister(name: CoreRegisterName, value: number): Promise<void> {
    return this.run(() => this.core.writeRegister(name, value));
  }

  readMemory(address: number, length: number): Promise<Uint8Array> {
    return this.run(async () => {
      const data = await this.session.readMemory(address, length);
      // gdb must see the program's instructions, not the BKPTs put in for it.
      for (const [at, original] of this.patched) {
        for (let i = 0; i < 2; i++) {
          const offset = at + i - address;
          if (offset >= 0 && offset < data.length) data[offset] = original[i] ?? 0;
        }
      }
      return data;
    });
  }

  writeMemory(address: number, data: Uint8Array): Promise<void> {
    return this.run(() => this.session.writeMemory(address, data));
  }

  /**
   * Session.flash leaves the core where the RAM loader ended; gdb's view of the registers (it sets
   * only the PC after `load`) is put back, as it was before the load.
   */
  flash(segments: readonly Segment[]): Promise<void> {
    return this.run(async () => {
      if (!(await this.core.isHalted())) await this.core.halt();
      const saved = await saveCoreContext(this.core.access);
      await this.session.flash({ format: 'bin', entry: undefined, segments }, 'gdb load');
      // Session.flash leaves the core halted (the loader ends at a BKPT).
      await restoreCoreContext(this.core.access, saved);
      this.cachedHalt = undefined;
    });
  }

  massErase(): Promise<void> {
    return this.run(() => this.session.massErase({ yes: true }));
  }

  insertBreakpoint(type: BreakpointType, address: number): Promise<void> {
    return this.run(async () => {
      const at = (address & ~1) >>> 0;
      if (type === 'hardware' || at < ADDRESS_MAP.SRAM) {
        await this.core.breakpoints.set(at);
        return;
      }
      if (this.patched.has(at)) return;
      const original = await this.session.readMemory(at, 2);
      await this.session.writeMemory(at, BKPT_0);
      const check = await this.session.readMemory(at, 2);
      if (check[0] !== BKPT_0[0] || check[1] !== BKPT_0[1]) {
        throw new TargetError('breakpoint-not-written', `a BKPT written at ${hex32(at)} did not stay there`, {
          hint: 'The address may not be RAM; use a hardware breakpoint (hbreak) on code in flash.',
        });
      }
      this.patched.set(at, original);
    });
  }

  removeBreakpoint(type: BreakpointType, address: number): Promise<void> {
    return this.run(async () => {
      const at = (address & ~1) >>> 0;
      const original = this.patched.get(at);
      if (type === 'software' && original !== undefined) {
        this.patched.delete(at);
        await this.session.writeMemory(at, original);
        return;
      }
      await this.core.breakpoints.remove(at);
    });
  }

  reassert(running: boolean): Promise<readonly string[]> {
    return this.run(async () => {
      const lines: string[] = [];
      const breakpoints = await this.core.breakpoints.reassert();
      if (breakpoints.length > 0) {
        lines.push(
          `swdkit: another program on this probe cleared the FPB comparator of the breakpoint at ${breakpoints.map(hex32).join(', ')}; put back.`,
        );
      }
      if (!running) {
        for (const watch of await this.core.watchpoints.reassert()) {
          lines.push(
            `swdkit: another program on this probe cleared the DWT comparator watching ${hex32(watch.address)}; put back.`,
          );
        }
      }
      return lines;
    });
  }

  insertWatchpoint(kind: WatchKind, address: number, length: number): Promise<void> {
    return this.run(async () => {
      const key = `${kind}:${address}:${length}`;
      if (this.watches.has(key)) return;
      const range = watchRange(address, length);
      await this.core.watchpoints.set({ ...range, kind });
      this.watches.set(key, { ...range, requested: address >>> 0, kind });
    });
  }

  removeWatchpoint(kind: WatchKind, address: number, length: number): Promise<void> {
    return this.run(async () => {
      const key = `${kind}:${address}:${length}`;
      const placed = this.watches.get(key);
      if (placed === undefined) return;
      this.watches.delete(key);
      await this.core.watchpoints.remove(placed.address);
      // Watchpoints.remove frees every comparator on that address: put back the others there.
      for (const other of this.watches.values()) {
        if (other.address === placed.address) await this.core.watchpoints.set(other);
      }
    });
  }
}
