/**
 * QEMU as a lockstep reference: starts qemu-system-arm halted on an ELF, connects the RSP client,
 * learns the register numbering from the target description (qXfer:features:read), then offers
 * `step()` and `readRegisters()` returning a plain record the virtual core's state can be compared with.
 *
 * What QEMU 7.2 (netduinoplus2) exposes: r0–r12, sp, lr, pc, xpsr (org.gnu.gdb.arm.m-profile), d0–d15
 * and fpscr (org.gnu.gdb.arm.vfp); no M-profile system registers (msp, psp, primask, basepri,
 * faultmask, control), so those fields stay undefined. Newer QEMUs add them; they are picked up by name.
 */
import { GdbRemoteClient, GdbRemoteError, type StopReply } from './gdb-remote-client.js';
import { QemuProcess, type QemuOptions } from './qemu.js';

export interface RegisterDescription {
  readonly name: string;
  readonly regnum: number;
  readonly bitsize: number;
  readonly feature: string;
  readonly type: string | undefined;
  readonly group: string | undefined;
}

/** The architectural state a lockstep comparison needs, all values unsigned 32-bit. */
export interface RegisterSnapshot {
  /** R0–R15 (R13 = SP, R14 = LR, R15 = PC). */
  readonly r: readonly number[];
  readonly xpsr: number;
  /** S0–S31 as raw IEEE-754 bit patterns (D<n> = S<2n+1>:S<2n>), when the target exposes FP registers. */
  readonly s?: readonly number[];
  readonly fpscr?: number;
  readonly msp?: number;
  readonly psp?: number;
  readonly primask?: number;
  readonly basepri?: number;
  readonly faultmask?: number;
  readonly control?: number;
}

type SystemRegister = 'msp' | 'psp' | 'primask' | 'basepri' | 'faultmask' | 'control';
const SYSTEM_REGISTERS: readonly SystemRegister[] = [
  'msp',
  'psp',
  'primask',
  'basepri',
  'faultmask',
  'control',
];
export const SSTEP_ENABLE = 1;
export const SSTEP_NOIRQ = 2;
export const SSTEP_NOTIMER = 4;
const CORE_ALIASES: Readonly<Record<string, number>> = { sp: 13, lr: 14, pc: 15 };

/**
 * Parses a target description, following `xi:include`s through `fetch`. Register numbers follow gdb's
 * rule: a `regnum` attribute sets the number, otherwise it is one more than the previous register's.
 */
export async function parseTargetDescription(
  fetch: (annex: string) => Promise<string>,
  annex = 'target.xml',
): Promise<RegisterDescription[]> {
  const registers: RegisterDescription[] = [];
  let next = 0;
  const visit = async (name: string, feature: string): Promise<void> => {
    const xml = (await fetch(name)).replace(/<!--[\s\S]*?-->/g, '');
    const tokens = /<(xi:include|reg|feature)\b([^>]*)>/g;
    let current = feature;
    for (let m = tokens.exec(xml); m !== null; m = tokens.exec(xml)) {
      const attributes = parseAttributes(m[2] ?? '');
      if (m[1] === 'feature') {
        current = attributes.get('name') ?? current;
      } else if (m[1] === 'xi:include') {
        const href = attributes.get('href');
        if (href !== undefined) await visit(href, current);
      } else {
        const regName = attributes.get('name');
        const bitsize = Number(attributes.get('bitsize'));
        if (regName === undefined || !Number.isInteger(bitsize) || bitsize <= 0) {
          throw new GdbRemoteError(`${name}: malformed <reg${m[2] ?? ''}>`);
        }
        const regnumText = attributes.get('regnum');
        const regnum = regnumText === undefined ? next : Number(regnumText);
        registers.push({
          name: regName,
          regnum,
          bitsize,
          feature: current,
          type: attributes.get('type'),
          group: attributes.get('group'),
        });
        next = regnum + 1;
      }
    }
  };
  await visit(annex, '');
  return registers;
}

function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes.set(m[1]!, m[2] ?? m[3] ?? '');
  }
  return attributes;
}

const u32le = (b: Uint8Array, offset = 0): number =>
  ((b[offset] ?? 0) |
    ((b[offset + 1] ?? 0) << 8) |
    ((b[offset + 2] ?? 0) << 16) |
    ((b[offset + 3] ?? 0) << 24)) >>>
  0;

export interface QemuGdbTargetOptions extends QemuOptions {
  /** Timeout of each RSP request, including a step (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Step with `vCont;s` instead of `s` (QEMU 7.2 answers `s` ~1.5x faster). */
  readonly stepWithVCont?: boolean;
  /**
   * QEMU's single-step flags (`Qqemu.sstep`): 1 = enable, 2 = no IRQs, 4 = no timers. QEMU's default,
   * 7, never takes a pended exception while stepping, so stepped code diverges from free-running code
   * (cpu-suite's exception group does). The default here, 5, takes pended exceptions as free-running
   * code does while keeping QEMU's timers still during a step.
   */
  readonly singleStepFlags?: number;
}

export class QemuGdbTarget {
  /** Registers in the order of the `g` packet followed by those read with `p`. */
  private readonly gRegisters: RegisterDescription[];
  private readonly pRegisters: RegisterDescription[];
  private readonly pRegistersWithoutFp: RegisterDescription[];
  private readonly byName: Map<string, RegisterDescription>;

  private constructor(
    readonly qemu: QemuProcess,
    readonly client: GdbRemoteClient,
    /** Every register the target description lists, in regnum order. */
    readonly registers: readonly RegisterDescription[],
    gBytes: number,
    private readonly stepPacket: string,
  ) {
    this.byName = new Map(registers.map((r) => [r.name, r]));
    let offset = 0;
    this.gRegisters = [];
    for (const reg of registers) {
      if (offset + reg.bitsize / 8 > gBytes) break;
      this.gRegisters.push(reg);
      offset += reg.bitsize / 8;
    }
    const wanted = new Set(this.snapshotRegisterNames());
    this.pRegisters = registers.filter((r) => !this.gRegisters.includes(r) && wanted.has(r.name));
    this.pRegistersWithoutFp = this.pRegisters.filter((r) => !isFpRegister(r.name));
  }

  /** Starts QEMU halted at reset on `options.elf` and connects to its gdbstub. Stops QEMU on failure. */
  static async start(options: QemuGdbTargetOptions): Promise<QemuGdbTarget> {
    const qemu = await QemuProcess.start(options);
    let client: GdbRemoteClient | undefined;
    try {
      client = await GdbRemoteClient.connect('127.0.0.1', qemu.port, {
        requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      });
      const connected = client;
      if (!connected.supports('qXfer:features:read')) {
        throw new GdbRemoteError('the gdbstub offers no target description (qXfer:features:read)');
      }
      const registers = (await parseTargetDescription((annex) => connected.readXfer('features', annex))).sort(
        (a, b) => a.regnum - b.regnum,
      );
      const g = await connected.readAllRegisters();
      const flags = options.singleStepFlags ?? SSTEP_ENABLE | SSTEP_NOTIMER;
      if ((await connected.request('qqemu.sstepbits')) !== '') {
        const reply = await connected.request(`Qqemu.sstep=${flags.toString(16)}`);
        if (reply !== 'OK') throw new GdbRemoteError(`Qqemu.sstep=${flags} refused: ${reply}`);
      }
      let stepPacket = 's';
      if (options.stepWithVCont === true) {
        const actions = await connected.vContActions();
        if (!actions.includes('s')) throw new GdbRemoteError('the gdbstub does not support vCont;s');
        stepPacket = 'vCont;s';
      }
      return new QemuGdbTarget(qemu, connected, registers, g.length, stepPacket);
    } catch (error) {
      client?.close();
      await qemu.stop();
      throw error;
    }
  }

  /** The description of register `name` (as the target names it), or undefined. */
  register(name: string): RegisterDescription | undefined {
    return this.byName.get(name);
  }

  /** Names of the snapshot fields' registers that this target exposes. */
  private snapshotRegisterNames(): string[] {
    return this.registers
      .map((r) => r.name)
      .filter(
        (name) =>
          /^r(\d|1[0-5])$/.test(name) ||
          name in CORE_ALIASES ||
          /^[sd]\d+$/.test(name) ||
          ['xpsr', 'cpsr', 'fpscr', ...SYSTEM_REGISTERS].includes(name),
      );
  }

  /** Which snapshot fields this target fills (for reports). */
  get exposedRegisters(): string[] {
    return this.registers.map((r) => r.name);
  }

  /**
   * Reads every register of the snapshot in one round trip (`g` plus pipelined `p`s). With
   * `{ fp: false }` the FP registers are skipped (`s` and `fpscr` undefined): on QEMU that is `g` alone,
   * about four times faster, for stretches the caller knows execute no FP instruction.
   */
  async readRegisters(options: { readonly fp?: boolean } = {}): Promise<RegisterSnapshot> {
    const extra = options.fp === false ? this.pRegistersWithoutFp : this.pRegisters;
    const requests = ['g', ...extra.map((r) => `p${r.regnum.toString(16)}`)];
    const replies = await this.client.requestPipelined(requests);
    const values = new Map<string, Uint8Array>();
    const g = hexReply('g', replies[0]);
    let offset = 0;
    for (const reg of this.gRegisters) {
      values.set(reg.name, g.subarray(offset, offset + reg.bitsize / 8));
      offset += reg.bitsize / 8;
    }
    extra.forEach((reg, i) => values.set(reg.name, hexReply(requests[i + 1]!, replies[i + 1])));
    return toSnapshot(values);
  }

  /**
   * Executes one instruction (`s`, or `vCont;s`) and returns the stop reply. On QEMU (single-step
   * flags 5, see the options) an SVC or fault step ends at the handler's first instruction; a step
   * that takes a *pended* exception executes no instruction: it only performs the exception entry.
   */
  async step(): Promise<StopReply> {
    const stop = await this.client.resume(this.stepPacket);
    if (stop.kind !== 'signal') throw new GdbRemoteError(`the target ended while stepping: ${stop.raw}`);
    return stop;
  }

  /** Runs to `address` with a temporary software breakpoint (timeout default 60 s). */
  async runTo(address: number, timeoutMs = 60_000): Promise<StopReply> {
    await this.client.insertBreakpoint(address);
    try {
      return await this.client.continue(timeoutMs);
    } finally {
      await this.client.removeBreakpoint(address);
    }
  }

  /** Writes a 32-bit register by its target name (r0, sp, pc, xpsr, fpscr, …). */
  async writeRegister(name: string, value: number): Promise<void> {
    const reg = this.byName.get(name);
    if (reg === undefined) throw new GdbRemoteError(`the target has no register ${name}`);
    const bytes = new Uint8Array(reg.bitsize / 8);
    new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
    await this.client.writeRegister(reg.regnum, bytes);
  }

  /** Disconnects and kills QEMU. Safe to call twice. */
  async close(): Promise<void> {
    this.client.close();
    await this.qemu.stop();
  }
}

function isFpRegister(name: string): boolean {
  return /^[sd]\d+$/.test(name) || name === 'fpscr';
}

function hexReply(request: string, reply: string | undefined): Uint8Array {
  if (reply === undefined || reply === '' || /^E[0-9a-fA-F]{2}$/.test(reply)) {
    throw new GdbRemoteError(`${request} failed: ${JSON.stringify(reply)}`);
  }
  const bytes = new Uint8Array(reply.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const pair = reply.slice(2 * i, 2 * i + 2);
    bytes[i] = pair === 'xx' ? 0 : parseInt(pair, 16);
  }
  return bytes;
}

function toSnapshot(values: ReadonlyMap<string, Uint8Array>): RegisterSnapshot {
  const word = (name: string): number | undefined => {
    const bytes = values.get(name);
    return bytes === undefined ? undefined : u32le(bytes);
  };
  const r: number[] = [];
  for (let i = 0; i < 16; i++) {
    const alias = Object.keys(CORE_ALIASES).find((name) => CORE_ALIASES[name] === i);
    const value = word(`r${i}`) ?? (alias === undefined ? undefined : word(alias));
    if (value === undefined) throw new GdbRemoteError(`the target did not supply r${i}`);
    r.push(value);
  }
  const xpsr = word('xpsr') ?? word('cpsr');
  if (xpsr === undefined) throw new GdbRemoteError('the target did not supply xpsr');

  let s: number[] | undefined;
  if (values.has('s0')) {
    s = [];
    for (let i = 0; i < 32; i++) s.push(word(`s${i}`) ?? 0);
  } else if (values.has('d0')) {
    s = [];
    for (let i = 0; i < 16; i++) {
      const d = values.get(`d${i}`);
      s.push(d === undefined ? 0 : u32le(d, 0), d === undefined ? 0 : u32le(d, 4));
    }
  }
  const snapshot: { -readonly [K in keyof RegisterSnapshot]: RegisterSnapshot[K] } = { r, xpsr };
  if (s !== undefined) snapshot.s = s;
  const fpscr = word('fpscr');
  if (fpscr !== undefined) snapshot.fpscr = fpscr;
  for (const name of SYSTEM_REGISTERS) {
    const value = word(name);
    if (value !== undefined) snapshot[name] = value;
  }
  return snapshot;
}
