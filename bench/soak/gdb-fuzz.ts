/**
 * `npm run soak -- --target gdb`: malformed and mutated remote-protocol packets into a GdbConnection
 * (seeded, in bursts), over an in-memory target that answers at once, so a million packets take
 * minutes rather than hours on the virtual board. After every burst the connection must settle
 * (no hang), a running target must stop at ^C, and a valid packet must get its reply; a connection
 * that the burst closed (D, k) is replaced and counted. Any exception that escapes is a failure.
 *
 * A second connection on the same target (one GdbClients group, as the server has them) stays
 * attached throughout, never fuzzed, holding a hardware breakpoint: after every burst that breakpoint
 * must still be on the target, whatever the fuzzed connection inserted, removed or detached, and the
 * bystander must still answer.
 */
import { GdbClients } from '../../src/gdb/clients.js';
import { GdbConnection } from '../../src/gdb/connection.js';
import type { GdbTarget, HaltEvent } from '../../src/gdb/target.js';
import {
  BASE_REGISTER_NAMES,
  FPU_REGISTER_NAMES,
  type CoreRegisterName,
} from '../../src/arm/core-registers.js';
import { TargetError } from '../../src/util/errors.js';
import { flashSectors, STM32F40X } from '../../src/target/index.js';
import { Random } from './random.js';

export interface GdbFuzzOptions {
  readonly packets: number;
  readonly seed: number;
  readonly burst: number;
  /** How long a burst may take to settle before it counts as a hang, ms. */
  readonly hangMs: number;
}

export interface GdbFuzzResult {
  readonly packets: number;
  readonly mutated: number;
  readonly valid: number;
  readonly bursts: number;
  readonly replies: number;
  readonly reconnects: number;
  readonly handlerErrors: number;
  readonly hangs: number;
  readonly unanswered: number;
  readonly crashes: number;
  /** Bursts after which the bystander's breakpoint was gone from the target, or it did not answer. */
  readonly bystanderLost: number;
  readonly seconds: number;
  readonly maxBurstMs: number;
  readonly peakRssMiB: number;
}

const SECTORS = flashSectors(STM32F40X, 1024 * 1024);

/** A target in memory: 64 KiB of RAM at 0x20000000, registers, a core that runs for a few polls. */
class MemoryTarget implements GdbTarget {
  private readonly ram = new Uint8Array(0x1_0000);
  private readonly regs = new Map<CoreRegisterName, number>();
  private runningPolls = 0;
  /** What is on the target now: `type:address` of each breakpoint. */
  readonly breakpoints = new Set<string>();
  constructor(private readonly random: Random) {}
  private fail(): void {
    // Now and then the probe fails, as a real one can: the handlers' error paths are fuzzed too.
    if (this.random.chance(0.01)) throw new TargetError('fuzz-failure', 'a simulated probe failure');
  }
  layout = () => Promise.resolve({ hasFpu: true, flashSectors: SECTORS });
  info = () => Promise.resolve(['a memory target for fuzzing']);
  isStopped = () => Promise.resolve(this.runningPolls === 0);
  poll = (): Promise<'stopped' | 'running' | 'in-hardfault'> => {
    if (this.runningPolls === 0) return Promise.resolve('stopped');
    this.runningPolls--;
    return Promise.resolve(this.random.chance(0.1) ? 'in-hardfault' : 'running');
  };
  haltOnFault = () => this.halt();
  halt = (): Promise<void> => {
    this.runningPolls = 0;
    return Promise.resolve();
  };
  resume = (): Promise<void> => {
    this.fail();
    this.runningPolls = 1 + this.random.int(1000);
    return Promise.resolve();
  };
  step = (): Promise<void> => {
    this.fail();
    return Promise.resolve();
  };
  haltEvent = (): Promise<HaltEvent> =>
    Promise.resolve({
      causes: [this.random.pick(['halt-request', 'breakpoint', 'watchpoint', 'vector-catch'] as const)],
      pc: this.regs.get('pc') ?? 0,
      watchpoints: this.random.chance(0.2) ? [{ address: 0x2000_0000, kind: 'write' }] : [],
    });
  reset = () => this.halt();
  readRegisters = () => {
    this.fail();
    const out: Record<string, number> = {};
    for (const name of [...BASE_REGISTER_NAMES, ...FPU_REGISTER_NAMES]) out[name] = this.regs.get(name) ?? 0;
    return Promise.resolve(out as never);
  };
  writeRegister = (name: CoreRegisterName, value: number): Promise<void> => {
    this.fail();
    this.regs.set(name, value);
    return Promise.resolve();
  };
  readMemory = (address: number, length: number): Promise<Uint8Array> => {
    this.fail();
    const out = new Uint8Array(length);
    const at = address - 0x2000_0000;
    if (at >= 0 && at < this.ram.length) out.set(this.ram.subarray(at, at + length));
    return Promise.resolve(out);
  };
  writeMemory = (address: number, data: Uint8Array): Promise<void> => {
    this.fail();
    const at = address - 0x2000_0000;
    if (at >= 0 && at + data.length <= this.ram.length) this.ram.set(data, at);
    return Promise.resolve();
  };
  flash = () => {
    this.fail();
    return Promise.resolve();
  };
  massErase = () => Promise.resolve();
  insertBreakpoint = (type: string, address: number) => {
    this.fail();
    this.breakpoints.add(`${type}:${address}`);
    return Promise.resolve();
  };
  removeBreakpoint = (type: string, address: number) => {
    this.breakpoints.delete(`${type}:${address}`);
    return Promise.resolve();
  };
  insertWatchpoint = () => {
    this.fail();
    return Promise.resolve();
  };
  removeWatchpoint = () => Promise.resolve();
  reassert = (): Promise<readonly string[]> => {
    this.fail();
    return Promise.resolve(this.random.chance(0.01) ? ['swdkit: a comparator was put back.'] : []);
  };
}

const hex = (n: number): string => n.toString(16);

/** Where the attached bystander holds its hardware breakpoint (and the fuzzed gdb inserts one too). */
const BYSTANDER_BREAKPOINT = 0x0800_0100;
const toBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const sum = (bytes: Uint8Array): number => bytes.reduce((s, b) => (s + b) & 0xff, 0);

function frame(payload: Uint8Array, random: Random): Uint8Array {
  const check = sum(payload);
  const cs = random.chance(0.05) ? (check + 1 + random.int(255)) & 0xff : check;
  const tail = toBytes(`#${cs.toString(16).padStart(2, '0')}`);
  const out = new Uint8Array(payload.length + 4);
  out[0] = 0x24;
  out.set(payload, 1);
  out.set(tail, payload.length + 1);
  return out;
}

function validPacket(random: Random): string {
  const ram = 0x2000_0000 + random.int(0x1_0000);
  const any = random.u32();
  const hexData = Array.from(random.bytes(random.int(64)), (b) => b.toString(16).padStart(2, '0')).join('');
  const binary = String.fromCharCode(...random.bytes(random.int(64)));
  const choices = [
    '?',
    'g',
    `G${'0'.repeat(random.pick([8, 448, 900]))}`,
    `p${hex(random.int(45))}`,
    `P${hex(random.int(45))}=${hexData.slice(0, random.pick([8, 16, 7]))}`,
    `m${hex(ram)},${hex(random.int(0x200))}`,
    `m${hex(any)},${hex(random.u32())}`,
    `M${hex(ram)},${hex(hexData.length / 2)}:${hexData}`,
    `X${hex(ram)},${hex(binary.length)}:${binary}`,
    'c',
    `c${hex(any)}`,
    's',
    'C05',
    'S0b;8000100',
    'vCont?',
    'vCont;c',
    'vCont;s:1',
    'vCont;t',
    `Z${random.int(6)},${hex(any)},${hex(random.int(9))}`,
    `z${random.int(6)},${hex(any)},${hex(random.int(9))}`,
    // Where the bystander holds its breakpoint: the fuzzed gdb inserting and removing one there too.
    `${random.pick(['Z', 'z'])}${random.int(2)},${hex(BYSTANDER_BREAKPOINT)},2`,
    'qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=arm',
    `qXfer:features:read:target.xml:${hex(random.int(0x1000))},${hex(random.int(0x1000))}`,
    `qXfer:memory-map:read::${hex(random.int(0x800))},${hex(random.int(0x800))}`,
    `qXfer:exec-file:read:${hex(any)}:0,fff`,
    `qRcmd,${Array.from(toBytes(random.pick(['help', 'info', 'halt', 'resume', 'reset halt', 'bogus'])), (b) => hex(b)).join('')}`,
    `qRcmd,${hexData}`,
    `vFlashErase:${hex(0x0800_0000 + random.int(0x10_0000))},${hex(random.int(0x20000))}`,
    `vFlashWrite:${hex(0x0800_0000 + random.int(0x10_0000))}:${binary}`,
    'vFlashDone',
    'vKill;1',
    '!',
    'R00',
    'vRun;',
    'vAttach;1',
    'QStartNoAckMode',
    'Hg0',
    'Hc-1',
    'T1',
    'qC',
    'qfThreadInfo',
    'qsThreadInfo',
    'qAttached',
    'qSymbol::',
    'qTStatus',
    'vMustReplyEmpty',
    '',
  ];
  // D and k close the connection (outside extended mode): rare, so that bursts run long.
  if (random.chance(0.003)) return random.pick(['D', 'D;1', 'k']);
  return random.pick(choices);
}

/** One of many ways to damage a packet on its way. */
function mutate(packet: Uint8Array, random: Random): Uint8Array {
  const bytes = [...packet];
  const specials = [0x24, 0x23, 0x7d, 0x2a, 0x03, 0x2b, 0x2d, 0x3a, 0x2c, 0x3b, 0x00, 0xff];
  for (let n = 1 + random.int(4); n > 0; n--) {
    const at = random.int(bytes.length + 1);
    switch (random.int(8)) {
      case 0:
        bytes[at] = random.u32() & 0xff;
        break;
      case 1:
        bytes.splice(at, 0, random.pick(specials));
        break;
      case 2:
        bytes.splice(at, 1 + random.int(8));
        break;
      case 3:
        bytes.splice(at, 0, ...random.bytes(random.int(40)));
        break;
      case 4:
        bytes.splice(at, 0, ...bytes.slice(0, random.int(bytes.length)));
        break;
      case 5:
        bytes.splice(at, 0, 0x2a, 0x1d + random.int(120));
        break;
      case 6:
        bytes.length = at;
        break;
      default:
        bytes.splice(
          at,
          0,
          ...toBytes(random.pick(['ffffffff', ',', ':', '=', '-1', '}', '*', '99999999999'])),
        );
    }
  }
  return Uint8Array.from(bytes);
}

function wireBytes(random: Random, counts: { mutated: number; valid: number }): Uint8Array {
  const payload = toBytes(validPacket(random));
  const r = random.int(100);
  if (r < 35) {
    counts.valid++;
    return frame(payload, random);
  }
  counts.mutated++;
  if (r < 75) return frame(mutate(payload, random), random);
  if (r < 90) return mutate(frame(payload, random), random);
  if (r < 95) return random.bytes(random.int(200));
  // Oversized: a packet past every limit.
  return frame(new Uint8Array(0x4000 + random.int(0x20000)).fill(0x41), random);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runGdbFuzz(options: GdbFuzzOptions): Promise<GdbFuzzResult> {
  const random = new Random(options.seed);
  const counts = { mutated: 0, valid: 0 };
  let replies = 0;
  let reconnects = 0;
  let handlerErrors = 0;
  let hangs = 0;
  let unanswered = 0;
  let crashes = 0;
  let bursts = 0;
  let maxBurstMs = 0;
  let peakRss = 0;
  let output = '';
  // Set by the connection's close callback (D, k), which TypeScript's flow analysis cannot see.
  const link = { closed: false };
  const onCrash = (): void => {
    crashes++;
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const target = new MemoryTarget(random);
  const clients = new GdbClients(target);
  let bystanderOutput = '';
  const bystander = new GdbConnection(target, {
    write: (bytes) => {
      bystanderOutput += String.fromCharCode(...bytes);
      if (bystanderOutput.length > 1 << 16) bystanderOutput = bystanderOutput.slice(-4096);
    },
    pollIntervalMs: 0,
    sleep: turn,
    clients,
    name: 'bystander',
  });
  const held = (): boolean => target.breakpoints.has(`hardware:${BYSTANDER_BREAKPOINT}`);
  // The target fails now and then on purpose: insert until it took.
  for (let i = 0; i < 100 && !held(); i++) {
    const insert = `Z1,${hex(BYSTANDER_BREAKPOINT)},2`;
    bystander.receive(toBytes(`$${insert}#${sum(toBytes(insert)).toString(16).padStart(2, '0')}`));
    await bystander.idle();
  }
  if (!held()) throw new Error('the bystander could not insert its breakpoint');
  let bystanderLost = 0;
  const open = (): GdbConnection => {
    link.closed = false;
    return new GdbConnection(target, {
      clients,
      name: 'fuzzed',
      write: (bytes) => {
        output += String.fromCharCode(...bytes);
        if (output.length > 1 << 20) output = output.slice(-4096);
      },
      close: () => {
        link.closed = true;
      },
      log: () => {
        handlerErrors++;
      },
      pollIntervalMs: 0,
      sleep: turn,
    });
  };
  let connection = open();
  const started = performance.now();
  const settle = async (): Promise<boolean> => {
    const timer = new Promise<'hang'>((resolve) =>
      setTimeout(() => {
        resolve('hang');
      }, options.hangMs).unref(),
    );
    return (await Promise.race([connection.idle().then(() => 'ok' as const), timer])) === 'ok';
  };
  let sent = 0;
  while (sent < options.packets) {
    const burstStart = performance.now();
    for (let i = 0; i < options.burst && sent < options.packets; i++, sent++) {
      const bytes = wireBytes(random, counts);
      // Split as a socket might.
      let at = 0;
      while (at < bytes.length) {
        const n = 1 + random.int(bytes.length - at);
        connection.receive(bytes.subarray(at, at + n));
        at += n;
      }
      if (random.chance(0.02)) await turn();
      if (link.closed) {
        await connection.disconnected();
        connection = open();
        reconnects++;
      }
    }
    bursts++;
    if (!(await settle())) hangs++;
    // A run the burst started must stop at ^C.
    for (let i = 0; i < 50 && connection.isRunning; i++) {
      connection.receive(Uint8Array.of(0x03));
      await turn();
    }
    if (!(await settle())) hangs++;
    replies += (output.match(/\$/g) ?? []).length;
    if (link.closed) {
      await connection.disconnected();
      connection = open();
      reconnects++;
    }
    output = '';
    // The connection still answers a valid packet (acknowledged or not, depending on the burst).
    connection.receive(toBytes('$qC#b4'));
    let answered = false;
    for (let i = 0; i < 200 && !answered; i++) {
      await connection.idle();
      answered = output.includes('$QC1#');
      if (!answered) await turn();
    }
    if (!answered) unanswered++;
    bystanderOutput = '';
    bystander.receive(toBytes('$qC#b4'));
    await bystander.idle();
    if (!held() || !bystanderOutput.includes('$QC1#')) bystanderLost++;
    maxBurstMs = Math.max(maxBurstMs, performance.now() - burstStart);
    if (bursts % 50 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await connection.disconnected();
  await bystander.disconnected();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  return {
    packets: sent,
    mutated: counts.mutated,
    valid: counts.valid,
    bursts,
    replies,
    reconnects,
    handlerErrors,
    hangs,
    unanswered,
    crashes,
    bystanderLost,
    seconds: (performance.now() - started) / 1000,
    maxBurstMs,
    peakRssMiB: Math.max(peakRss, process.memoryUsage().rss) / (1024 * 1024),
  };
}

export function reportGdbFuzz(options: GdbFuzzOptions, r: GdbFuzzResult): string {
  return [
    `gdb connection fuzz, seed ${options.seed}, ${r.seconds.toFixed(0)} s`,
    `  packets                     ${r.packets} (${r.mutated} malformed or mutated, ${r.valid} valid), in ${r.bursts} bursts of ${options.burst}`,
    `  replies                     ${r.replies}; handler errors answered with Exx ${r.handlerErrors}`,
    `  connections closed by D/k   ${r.reconnects} (a new one opened each time)`,
    `  crashes ${r.crashes}, hangs ${r.hangs}, valid packet unanswered after a burst ${r.unanswered}`,
    `  bursts after which the attached bystander lost its breakpoint or did not answer: ${r.bystanderLost}`,
    `  slowest burst               ${r.maxBurstMs.toFixed(0)} ms; peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
  ].join('\n');
}
