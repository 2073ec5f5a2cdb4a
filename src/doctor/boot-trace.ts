/**
 * How the firmware takes the debug port away, watched from the reset vector (issue 14): with the
 * core halted there, the debug unit keeps its clocks in Sleep/Stop/Standby and the watchdogs freeze
 * (the session's hold), PA13/PA14 are locked in their SWD function, HardFault is caught (DEMCR
 * VC_HARDERR), and DWT watchpoints stop the core after every write to GPIOA_MODER, GPIOA_AFRH,
 * PWR_CR and SCB_SCR. The firmware then runs; each write is looked at and the first that would
 * disable SWDIO/SWCLK or enter Stop/Standby ends the trace.
 */
import type { CortexM } from '../arm/cortex-m.js';
import type { Clock } from '../arm/debug-access.js';
import type { FaultStatus } from '../arm/fault-status.js';
import type { CoreRegisterName } from '../arm/core-registers.js';
import { pollUntil } from '../arm/wait.js';
import { DEBUG_REG, DEMCR } from '../arch/armv7m/debug.js';
import { SCB_REG, SCR } from '../arch/armv7m/scb.js';
import type { StLink } from '../probe/stlink.js';
import { DBGMCU_BASE, DBGMCU_CR, DBGMCU_REG } from '../target/stm32f4/dbgmcu-registers.js';
import {
  GPIO_MODE,
  GPIO_MODE_NAMES,
  PWR_BASE,
  PWR_CR,
  PWR_REG,
  SWD_ALTERNATE_FUNCTION,
  SWD_PINS,
} from '../target/stm32f4/system-registers.js';
import { hex32 } from '../util/bytes.js';
import { asSwdkitError } from '../util/errors.js';
import type { Evidence } from './report.js';
import { stackedFrame, type StackedFrame } from './stacked-frame.js';
import { storeBefore, storedBits } from './store-decode.js';
import { GPIOA_AFRH, GPIOA_MODER, lockSwdPins } from './swd-pin-lock.js';

const PWR_CR_ADDRESS = PWR_BASE + PWR_REG.CR;
const DBGMCU_CR_ADDRESS = DBGMCU_BASE + DBGMCU_REG.CR;
const LOW_POWER_DEBUG = DBGMCU_CR.DBG_STOP | DBGMCU_CR.DBG_STANDBY;
/** Writes looked at before the trace gives up on a firmware that keeps rewriting these registers. */
const MAX_WRITES = 64;

const WATCHED = [
  { name: 'GPIOA_MODER', address: GPIOA_MODER },
  { name: 'SCB_SCR', address: SCB_REG.SCR },
  { name: 'PWR_CR', address: PWR_CR_ADDRESS },
  { name: 'GPIOA_AFRH', address: GPIOA_AFRH },
] as const;
type WatchedName = (typeof WATCHED)[number]['name'];

export interface TracedWrite {
  /** The store instruction's address (or, when it could not be decoded, the PC the core halted at). */
  readonly pc: number;
  readonly register: WatchedName;
  /** The register's word as the store left it (the locked SWD pins' fields: as the store asked). */
  readonly value: number;
  /** Whether the store was decoded (else `value` is the register as read, and `pc` the halt PC). */
  readonly decoded: boolean;
}

export type TraceFinding =
  | {
      readonly kind: 'swd-pins';
      readonly write: TracedWrite;
      /** The SWD pins the write takes, with the mode or alternate function it gives them. */
      readonly pins: readonly { readonly name: string; readonly signal: string; readonly now: string }[];
    }
  | {
      readonly kind: 'low-power';
      readonly mode: 'stop' | 'standby';
      readonly write: TracedWrite;
      readonly pwrCr: number;
      /** DBGMCU_CR as the firmware left it: 0 means it cleared the bits that keep the debugger in. */
      readonly dbgmcuCr: number;
    }
  | { readonly kind: 'hard-fault'; readonly frame: StackedFrame; readonly fault: FaultStatus }
  | { readonly kind: 'lockup'; readonly fault: FaultStatus; readonly pc: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'halted'; readonly pc: number; readonly causes: readonly string[] }
  | { readonly kind: 'lost'; readonly message: string }
  | { readonly kind: 'nothing'; readonly ranMs: number };

export interface TraceResult {
  readonly finding: TraceFinding;
  readonly writes: readonly TracedWrite[];
  readonly evidence: readonly Evidence[];
}

const REGISTER_NAMES: readonly CoreRegisterName[] = [
  'r0',
  'r1',
  'r2',
  'r3',
  'r4',
  'r5',
  'r6',
  'r7',
  'r8',
  'r9',
  'r10',
  'r11',
  'r12',
  'sp',
  'lr',
  'pc',
];

/** Which SWD pins a GPIOA_MODER or GPIOA_AFRH word takes out of the SW-DP's function. */
function pinsTaken(
  register: WatchedName,
  written: { mask: number; value: number },
): { name: string; signal: string; now: string }[] {
  const taken: { name: string; signal: string; now: string }[] = [];
  for (const pin of SWD_PINS) {
    if (register === 'GPIOA_MODER') {
      const shift = pin.pin * 2;
      if (((written.mask >>> shift) & 3) === 0) continue;
      const mode = (written.value >>> shift) & 3;
      if (mode !== GPIO_MODE.ALTERNATE) taken.push({ ...pin, now: GPIO_MODE_NAMES[mode] ?? 'unknown' });
    } else if (register === 'GPIOA_AFRH') {
      const shift = (pin.pin - 8) * 4;
      if (((written.mask >>> shift) & 0xf) === 0) continue;
      const af = (written.value >>> shift) & 0xf;
      if (af !== SWD_ALTERNATE_FUNCTION) taken.push({ ...pin, now: `alternate function AF${af}` });
    }
  }
  return taken;
}

async function readWrite(
  core: CortexM,
  stlink: StLink,
  haltPc: number,
  register: WatchedName,
  address: number,
): Promise<{ write: TracedWrite; written: { mask: number; value: number } }> {
  const now = (await stlink.read32(address)) >>> 0;
  const store = await storeBefore(haltPc, address, 4, {
    halfword: (a) => stlink.read16(a),
    register: (i) => core.readRegister(REGISTER_NAMES[i] ?? 'pc'),
  });
  if (store === undefined) {
    return {
      write: { pc: haltPc, register, value: now, decoded: false },
      written: { mask: 0xffff_ffff, value: now },
    };
  }
  const written = storedBits(store, address, await core.readRegister(REGISTER_NAMES[store.rt] ?? 'pc'));
  const value = ((now & ~written.mask) | written.value) >>> 0;
  return { write: { pc: store.pc, register, value, decoded: true }, written };
}

/**
 * Runs the firmware from the reset vector for at most `limitMs` (on `clock`) and reports the first
 * write that takes the SWD pins or enters Stop/Standby, a HardFault, a lockup or a reset. The core
 * must be halted at the reset vector with the session's debug hold applied. Leaves the core halted
 * (or as the finding left it) with the watchpoints removed and DEMCR as it was.
 */
export async function traceFromReset(
  core: CortexM,
  stlink: StLink,
  clock: Clock,
  limitMs: number,
): Promise<TraceResult> {
  const evidence: Evidence[] = [];
  const writes: TracedWrite[] = [];
  const locked = await lockSwdPins(stlink);
  const demcr = (await stlink.read32(DEBUG_REG.DEMCR)) >>> 0;
  await stlink.write32(DEBUG_REG.DEMCR, (demcr | DEMCR.VC_HARDERR) >>> 0);
  const comparators = await core.watchpoints.comparators();
  const armed = WATCHED.slice(0, comparators);
  for (const w of armed) await core.watchpoints.set({ address: w.address, size: 4, kind: 'write' });
  const dbgmcu = (await stlink.read32(DBGMCU_CR_ADDRESS)) >>> 0;
  evidence.push({
    step: 'trace-setup',
    tried:
      'with the core halted at the reset vector: DBGMCU_CR low-power debug bits and the watchdog freezes set, PA13/PA14 locked (GPIOA_LCKR), HardFault caught (DEMCR.VC_HARDERR), DWT write watchpoints set',
    result: `DBGMCU_CR ${hex32(dbgmcu)}; SWD pins ${locked ? 'locked' : 'NOT locked (GPIOA_LCKR did not take the key)'}; watching writes to ${armed.map((w) => w.name).join(', ')} (${comparators} DWT comparators)`,
    ok: true,
    data: { dbgmcuCr: dbgmcu, swdPinsLocked: locked, watched: armed.map((w) => w.name) },
  });
  const start = clock.now();
  let finding: TraceFinding | undefined;
  try {
    await core.status(); // forget the sticky bits the connect under reset saw
    while (finding === undefined && writes.length < MAX_WRITES) {
      const left = limitMs - (clock.now() - start);
      if (left <= 0) break;
      await core.resume();
      const stopped = await pollUntil(
        clock,
        left,
        async () => {
          const status = await core.status();
          if (status.state === 'halted') return 'halted' as const;
          if (status.state === 'locked-up') return 'locked-up' as const;
          if (status.resetSinceLastStatus) return 'reset' as const;
          return undefined;
        },
        5,
      );
      if (stopped === undefined) break;
      if (stopped === 'reset') {
        finding = { kind: 'reset' };
        break;
      }
      if (stopped === 'locked-up') {
        const fault = await core.faultStatus();
        await core.halt();
        finding = { kind: 'lockup', fault, pc: await core.readRegister('pc') };
        break;
      }
      const reason = await core.haltReason();
      const pc = await core.readRegister('pc');
      if (reason.causes.includes('vector-catch')) {
        finding = {
          kind: 'hard-fault',
          frame: await stackedFrame(core, stlink),
          fault: await core.faultStatus(),
        };
        break;
      }
      if (!reason.causes.includes('watchpoint')) {
        finding = { kind: 'halted', pc, causes: reason.causes };
        break;
      }
      const hits = reason.watchpoints.length > 0 ? reason.watchpoints : [];
      for (const hit of hits) {
        const watched = armed.find((w) => w.address === hit.address);
        if (watched === undefined) continue;
        const { write, written } = await readWrite(core, stlink, pc, watched.name, watched.address);
        writes.push(write);
        if (watched.name === 'GPIOA_MODER' || watched.name === 'GPIOA_AFRH') {
          const pins = pinsTaken(watched.name, written);
          if (pins.length > 0) finding = { kind: 'swd-pins', write, pins };
        } else if (watched.name === 'SCB_SCR' && write.value & SCR.SLEEPDEEP) {
          const pwrCr = (await stlink.read32(PWR_CR_ADDRESS)) >>> 0;
          const dbgmcuCr = (await stlink.read32(DBGMCU_CR_ADDRESS)) >>> 0;
          finding = {
            kind: 'low-power',
            mode: pwrCr & PWR_CR.PDDS ? 'standby' : 'stop',
            write,
            pwrCr,
            dbgmcuCr,
          };
        }
        if (finding !== undefined) break;
      }
    }
  } catch (error) {
    finding = { kind: 'lost', message: asSwdkitError(error).message };
  } finally {
    await core.watchpoints.clear().catch(() => undefined);
    const now = await stlink.read32(DEBUG_REG.DEMCR).catch(() => undefined);
    if (now !== undefined) {
      await stlink
        .write32(DEBUG_REG.DEMCR, ((now & ~DEMCR.VC_HARDERR) | (demcr & DEMCR.VC_HARDERR)) >>> 0)
        .catch(() => undefined);
    }
  }
  finding ??= { kind: 'nothing', ranMs: Math.round(clock.now() - start) };
  evidence.push({
    step: 'trace',
    tried: `let the firmware run from the reset vector (at most ${limitMs} ms)`,
    result: describeTrace(finding, writes),
    ok: true,
    data: { writes: writes.map((w) => ({ ...w, pcHex: hex32(w.pc), valueHex: hex32(w.value) })) },
  });
  return { finding, writes, evidence };
}

function describeWrite(w: TracedWrite): string {
  return `${w.register} = ${hex32(w.value)} ${w.decoded ? 'by the store at' : 'seen after the halt at'} ${hex32(w.pc)}`;
}

function describeTrace(finding: TraceFinding, writes: readonly TracedWrite[]): string {
  const before =
    writes.length > 1
      ? ` (after ${writes.length - 1} harmless write${writes.length > 2 ? 's' : ''}: ${writes.slice(0, -1).map(describeWrite).join('; ')})`
      : '';
  switch (finding.kind) {
    case 'swd-pins':
      return `${describeWrite(finding.write)}: ${finding.pins.map((p) => `${p.name} (${p.signal}) becomes ${p.now}`).join(', ')}${before}`;
    case 'low-power':
      return `${describeWrite(finding.write)}: SLEEPDEEP set with PWR_CR ${hex32(finding.pwrCr)} (PDDS ${finding.pwrCr & PWR_CR.PDDS ? '1: Standby' : '0: Stop'}); DBGMCU_CR now ${hex32(finding.dbgmcuCr)}${(finding.dbgmcuCr & LOW_POWER_DEBUG) === LOW_POWER_DEBUG ? '' : ' (the firmware cleared the bits that keep the debug logic alive)'}${before}`;
    case 'hard-fault':
      return `HardFault at PC ${hex32(finding.frame.pc)} (LR ${hex32(finding.frame.lr)}): ${finding.fault.summary}`;
    case 'lockup':
      return `the core locked up (PC ${hex32(finding.pc)}): ${finding.fault.summary}`;
    case 'reset':
      return 'the chip reset while the firmware ran';
    case 'halted':
      return `the core halted at ${hex32(finding.pc)} (${finding.causes.join(', ') || 'no reason recorded'})`;
    case 'lost':
      return `the target stopped answering: ${finding.message}`;
    case 'nothing':
      return `ran ${finding.ranMs} ms: ${writes.length === 0 ? 'no write' : `${writes.length} write${writes.length > 1 ? 's' : ''}, none`} that takes the SWD pins or enters Stop/Standby${writes.length > 0 ? ` (${writes.map(describeWrite).join('; ')})` : ''}`;
  }
}
