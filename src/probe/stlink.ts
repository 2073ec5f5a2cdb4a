import { hex32, setU32le, u16le, u32le, u8 } from '../util/bytes.js';
import { BadInputError, InternalError, TargetError, UnavailableError } from '../util/errors.js';
import { SerialQueue } from '../util/serial-queue.js';
import { DCRSR, DEBUG_REG, DHCSR } from '../arch/armv7m/debug.js';
import { SCB_REG } from '../arch/armv7m/scb.js';
import { NO_DATA, type DataPhase, type ProbeIdentity, type StLinkTransport } from '../protocol/link.js';
import {
  dataPhaseOf,
  encodeCommand,
  type KnownCommand,
  type MemoryCommandKind,
} from '../protocol/commands.js';
import { STLINK_MODE, type NrstAction } from '../protocol/opcodes.js';
import { isFpuRegsel } from '../protocol/regsel.js';
import {
  decodeGetComFreqReply,
  decodeGetCurrentModeReply,
  decodeGetLastRwStatus2Reply,
  decodeGetTargetVoltageReply,
  decodeGetVersionExReply,
  decodeGetVersionReply,
  decodeReadIdcodesReply,
  decodeGetTraceNbReply,
  decodeReadMemoryReply,
  decodeRwMiscInReply,
  decodeSetComFreqReply,
  encodeRwMiscOutData,
  type RwMiscItem,
  decodeStatusReply,
  decodeStatusWordReply,
} from '../protocol/replies.js';
import { isStatusOk, isStatusRetryable, STLINK_STATUS, StLinkStatusError } from '../protocol/status.js';
import { pickSpeed, pickSwdDivisor, SWD_DEFAULT_KHZ, type SpeedChoice } from '../protocol/speed.js';
import {
  featuresOf,
  formatVersion,
  limitsOf,
  needsVersionEx,
  tarAutoIncrementBlock,
  targetVolts,
  versionFromGetVersion,
  versionFromGetVersionEx,
  type StLinkFeatures,
  type StLinkLimits,
  type StLinkVersion,
} from '../protocol/version.js';
import { describeCommand } from './describe.js';
import {
  DEFAULT_WAIT_RETRY,
  retryWhileWait,
  type Attempt,
  wallClockSleep,
  type Sleep,
  type WaitRetryPolicy,
} from './retry.js';
import { planTransfer, type TransferChunk } from './transfer-plan.js';

export interface StLinkOptions {
  /** Back-off between WAIT retries; inject a virtual-time or recording sleep in tests. */
  readonly sleep?: Sleep;
  readonly waitRetry?: WaitRetryPolicy;
  /**
   * Upper bound for a 16/32-bit memory command, on top of the firmware limit and the TAR block:
   * 1024 through an stlink-server with API v1 (docs/stlink-protocol.md §D.3).
   */
  readonly maxMemoryPacket?: number;
  /** How many DHCSR reads wait for S_REGRDY on the DCRSR/DCRDR register path. */
  readonly registerReadyPolls?: number;
  /**
   * Batch readWords/writeWords into RW_MISC_OUT/RW_MISC_IN pairs (V2 ≥ J32, V3 ≥ J2). Off by default:
   * an stlink-server below API 3 may let another client's command in between the pair (D.5);
   * swdkit's own server and USB are safe.
   */
  readonly batchWithRwMisc?: boolean;
}

/** One word of a writeWords batch. */
export interface WordWrite {
  readonly address: number;
  readonly value: number;
}

export interface EnterSwdOptions {
  /**
   * Hold NRST low across ENTER, and leave it low (docs/stlink-protocol.md §B.4): reaches a target whose
   * firmware disables SWD or sleeps right after reset. Release it with `driveNrst('high')`.
   */
  readonly connectUnderReset?: boolean;
  /**
   * Set the SWD clock before ENTER, as OpenOCD does (B.2 step 5). Skipped on firmware that cannot
   * change it (V2 below J22 runs at 1800 kHz); see `canSetSwdFrequency`.
   */
  readonly frequencyKHz?: number;
}

/** Which MEM-AP and CSW a memory access uses; the default is AP 0 with the firmware's own CSW. */
export interface MemoryAccessOptions {
  readonly ap?: number;
  readonly csw?: number;
  /** Force one access size for every command (registers, PSIZE-sensitive flash writes). */
  readonly width?: 8 | 16;
}

interface Opened {
  readonly version: StLinkVersion;
  readonly features: StLinkFeatures;
  readonly limits: StLinkLimits;
}

const MEMORY_KIND = {
  read: { 8: 'READMEM_8BIT', 16: 'READMEM_16BIT', 32: 'READMEM_32BIT' },
  write: { 8: 'WRITEMEM_8BIT', 16: 'WRITEMEM_16BIT', 32: 'WRITEMEM_32BIT' },
} as const satisfies Record<'read' | 'write', Record<8 | 16 | 32, MemoryCommandKind>>;

/**
 * The host-side driver of one ST-Link (V2, V2-1, V3) over any StLinkTransport. Every public method is
 * atomic with respect to the others (a memory command and its GETLASTRWSTATUS2 never interleave with
 * another caller's command), every status byte is checked here, and WAIT is retried in retry.ts only.
 * V2/V3 differences are decided by `features`, never by version numbers.
 */
export class StLink {
  private opened: Opened | undefined;
  private tarBlock = 1024;
  private swdKHz: number | undefined;
  private readonly queue = new SerialQueue();
  private readonly sleep: Sleep;
  private readonly waitRetry: WaitRetryPolicy;

  constructor(
    readonly transport: StLinkTransport,
    private readonly options: StLinkOptions = {},
  ) {
    this.sleep = options.sleep ?? wallClockSleep;
    this.waitRetry = options.waitRetry ?? DEFAULT_WAIT_RETRY;
  }

  /** Opens the probe: identifies it and leaves any mode an earlier program left it in. */
  static async open(transport: StLinkTransport, options: StLinkOptions = {}): Promise<StLink> {
    const stlink = new StLink(transport, options);
    await stlink.open();
    return stlink;
  }

  get identity(): ProbeIdentity {
    return this.transport.identity;
  }

  get version(): StLinkVersion {
    return this.state().version;
  }

  /** `V2J40M27` */
  get versionString(): string {
    return formatVersion(this.state().version);
  }

  get features(): StLinkFeatures {
    return this.state().features;
  }

  get limits(): StLinkLimits {
    return this.state().limits;
  }

  /** The TAR auto-increment block in use: 4096 once a Cortex-M3/M4 CPUID was read at enterSwd. */
  get tarAutoIncrementBlock(): number {
    return this.tarBlock;
  }

  /** The SWD clock last set through this driver, if any. */
  get swdFrequencyKHz(): number | undefined {
    return this.swdKHz;
  }

  /** Whether setSwdFrequency can work: V2 from J22 (divisor table) or V3 (COM_FREQ). */
  get canSetSwdFrequency(): boolean {
    const f = this.state().features;
    return f.hasSwdSetFreq || f.hasComFreq;
  }

  /**
   * GET_VERSION (+ GET_VERSION_EX on V3), then GET_CURRENT_MODE and the command that leaves a stale
   * mode: DEBUG → EXIT, DFU → DFU_EXIT, SWIM → SWIM exit (docs/stlink-protocol.md §B.2 steps 2–3).
   */
  open(): Promise<void> {
    return this.exclusive(async () => {
      const reply = decodeGetVersionReply(await this.send({ kind: 'GET_VERSION' }));
      const version = needsVersionEx(reply)
        ? versionFromGetVersionEx(decodeGetVersionExReply(await this.send({ kind: 'GET_VERSION_EX' })))
        : versionFromGetVersion(reply);
      this.opened = { version, features: featuresOf(version), limits: limitsOf(version) };
      const mode = await this.readMode();
      if (mode === STLINK_MODE.DEBUG) await this.send({ kind: 'EXIT' });
      else if (mode === STLINK_MODE.DFU) await this.send({ kind: 'DFU_EXIT' });
      else if (mode === STLINK_MODE.SWIM) await this.send({ kind: 'SWIM_EXIT' });
    });
  }

  /** GET_CURRENT_MODE: one of STLINK_MODE. */
  currentMode(): Promise<number> {
    return this.exclusive(() => this.readMode());
  }

  /** Target voltage in volts, from the probe's VTref measurement. */
  targetVoltage(): Promise<number> {
    return this.exclusive(async () => {
      if (!this.state().features.hasTargetVoltage) {
        throw unsupported('target-voltage', 'This ST-Link firmware cannot measure the target voltage.');
      }
      return targetVolts(decodeGetTargetVoltageReply(await this.send({ kind: 'GET_TARGET_VOLTAGE' })));
    });
  }

  /**
   * Sets the SWD clock to the fastest the probe offers at or below `kHz` (the slowest if all are
   * faster): the V2 divisor table, or the kHz list a V3 reports. Returns the clock chosen.
   */
  setSwdFrequency(kHz: number): Promise<SpeedChoice> {
    return this.exclusive(() => this.doSetSwdFrequency(kHz));
  }

  /** APIV2_ENTER SWD, optionally under reset (B.4), then INIT_AP 0 and the CPUID read that sizes TAR blocks. */
  enterSwd(options: EnterSwdOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      const features = this.state().features;
      if (!features.hasSwd) {
        throw unsupported(
          'swd',
          `This ST-Link (${this.versionString}, API v${features.api}) cannot do SWD: mode (transport) not supported by device.`,
        );
      }
      if (options.frequencyKHz !== undefined && this.canSetSwdFrequency) {
        await this.doSetSwdFrequency(options.frequencyKHz);
      }
      if (options.connectUnderReset === true) {
        // The first DRIVE_NRST only makes sure the pin is low before SWD starts; the firmware may not
        // yet know which pin to drive, so its status is deliberately not checked (B.4).
        await this.send({ kind: 'DRIVE_NRST', action: 'low' });
      }
      await this.statusCommand({ kind: 'APIV2_ENTER', mode: 'swd' });
      if (options.connectUnderReset === true) await this.statusCommand({ kind: 'DRIVE_NRST', action: 'low' });
      await this.readMode();
      if (features.hasApInit) await this.statusCommand({ kind: 'INIT_AP', ap: 0 });
      let cpuid: number | undefined;
      try {
        cpuid = u32le(await this.transfer('read', SCB_REG.CPUID, 4, {}), 0);
      } catch (error) {
        // As OpenOCD: without CPUID, keep the 1 KiB block every MEM-AP guarantees.
        if (!(error instanceof StLinkStatusError)) throw error;
      }
      this.tarBlock = tarAutoIncrementBlock(cpuid);
    });
  }

  /** READ_IDCODES: the SW-DP's DPIDR (0x2BA01477 on an STM32F4). */
  idcode(): Promise<number> {
    return this.exclusive(
      async () => (await this.statusCommand({ kind: 'READ_IDCODES' }, decodeReadIdcodesReply)).idcode,
    );
  }

  readMemory(address: number, length: number, access: MemoryAccessOptions = {}): Promise<Uint8Array> {
    return this.exclusive(() => this.transfer('read', address, length, access));
  }

  writeMemory(address: number, data: Uint8Array, access: MemoryAccessOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      await this.transfer('write', address, data.length, access, data);
    });
  }

  /**
   * One word. On API v2 and later through READDEBUGREG, whose reply carries the status: one exchange
   * instead of a READMEM and its GETLASTRWSTATUS2. The firmware reads any aligned address through
   * the MEM-AP that way, not only debug registers (the register polls of a flash or reset sequence
   * are most of a command's round trips).
   */
  async read32(address: number): Promise<number> {
    checkAligned(address, 4);
    if (!this.wordCommands) return u32le(await this.readMemory(address, 4), 0);
    return this.readDebugRegister(address);
  }

  /** One word; on API v2 and later through WRITEDEBUGREG (one exchange, as read32). */
  async write32(address: number, value: number): Promise<void> {
    checkAligned(address, 4);
    if (!this.wordCommands) return this.writeMemory(address, wordBytes(value));
    return this.writeDebugRegister(address, value);
  }

  /** READDEBUGREG/WRITEDEBUGREG for single words: every SWD-capable firmware (API v2+) has them. */
  private get wordCommands(): boolean {
    return this.state().features.api >= 2;
  }

  async read16(address: number): Promise<number> {
    return u16le(await this.readMemory(address, 2, { width: 16 }), 0);
  }

  async write16(address: number, value: number): Promise<void> {
    await this.writeMemory(address, Uint8Array.of(value & 0xff, (value >>> 8) & 0xff), { width: 16 });
  }

  async read8(address: number): Promise<number> {
    return u8(await this.readMemory(address, 1, { width: 8 }), 0);
  }

  async write8(address: number, value: number): Promise<void> {
    await this.writeMemory(address, Uint8Array.of(value & 0xff), { width: 8 });
  }

  /**
   * Reads 32-bit words at scattered addresses. With `batchWithRwMisc` and firmware that has RW_MISC,
   * up to the firmware's item limit go in one RW_MISC_OUT/IN pair (A.8); otherwise each word is one
   * READDEBUGREG round trip, which reads any word, not only debug registers (its status comes in the
   * reply, so it needs no GETLASTRWSTATUS: half the round trips of READMEM_32BIT).
   */
  readWords(addresses: readonly number[]): Promise<number[]> {
    return this.exclusive(async () => {
      addresses.forEach((a) => {
        checkAligned(a, 4);
      });
      if (!this.useRwMisc()) {
        const out: number[] = [];
        for (const address of addresses) {
          out.push(
            (await this.statusCommand({ kind: 'READDEBUGREG', address }, decodeStatusWordReply)).value,
          );
        }
        return out;
      }
      const items = addresses.map((address): RwMiscItem => ({ op: 'read', value: address }));
      const results = await this.rwMisc(items);
      return results;
    });
  }

  /** Writes 32-bit words at scattered addresses, batched like readWords (WRITEDEBUGREG otherwise). */
  writeWords(writes: readonly WordWrite[]): Promise<void> {
    return this.exclusive(async () => {
      writes.forEach((w) => {
        checkAligned(w.address, 4);
      });
      if (!this.useRwMisc()) {
        for (const { address, value } of writes) {
          await this.statusCommand({ kind: 'WRITEDEBUGREG', address, value: value >>> 0 });
        }
        return;
      }
      await this.rwMisc(
        writes.flatMap((w): RwMiscItem[] => [
          { op: 'address', value: w.address },
          { op: 'write', value: w.value >>> 0 },
        ]),
      );
    });
  }

  /** START_TRACE_RX: the probe starts receiving SWO (UART/NRZ) at `baudHz` (at most 2 MHz on V2, 24 MHz on V3). */
  startTrace(baudHz: number): Promise<void> {
    return this.exclusive(async () => {
      const { features, limits } = this.state();
      if (!features.hasTrace) throw unsupported('trace', 'This ST-Link firmware cannot receive SWO trace.');
      if (baudHz <= 0 || baudHz > limits.maxTraceBaudHz) {
        throw new BadInputError(
          'swo-baud-rate',
          `SWO at ${baudHz} Hz is outside what this ST-Link receives (1 Hz … ${limits.maxTraceBaudHz} Hz)`,
        );
      }
      await this.statusCommand({ kind: 'START_TRACE_RX', bufferSize: limits.traceBufferSize, baudHz });
    });
  }

  stopTrace(): Promise<void> {
    return this.exclusive(async () => {
      await this.statusCommand({ kind: 'STOP_TRACE_RX' });
    });
  }

  /** GET_TRACE_NB, then the announced bytes from the trace endpoint (empty when none are waiting). */
  readTrace(): Promise<Uint8Array> {
    return this.exclusive(async () => {
      const { count } = decodeGetTraceNbReply(await this.send({ kind: 'GET_TRACE_NB' }));
      return count === 0 ? new Uint8Array(0) : await this.transport.readTrace(count);
    });
  }

  /**
   * READREG. FPSCR and S0–S31 on firmware without FPU selectors go through DCRSR/DCRDR instead
   * (ARM ARM C1.6.3), which needs a halted core and overwrites DCRDR.
   */
  readRegister(regsel: number): Promise<number> {
    return this.exclusive(async () => {
      if (isFpuRegsel(regsel) && !this.state().features.hasFpuRegisters) {
        await this.statusCommand({ kind: 'WRITEDEBUGREG', address: DEBUG_REG.DCRSR, value: regsel });
        await this.waitRegisterReady(regsel);
        return (
          await this.statusCommand({ kind: 'READDEBUGREG', address: DEBUG_REG.DCRDR }, decodeStatusWordReply)
        ).value;
      }
      return (await this.statusCommand({ kind: 'READREG', regsel }, decodeStatusWordReply)).value;
    });
  }

  writeRegister(regsel: number, value: number): Promise<void> {
    return this.exclusive(async () => {
      if (isFpuRegsel(regsel) && !this.state().features.hasFpuRegisters) {
        await this.statusCommand({ kind: 'WRITEDEBUGREG', address: DEBUG_REG.DCRDR, value: value >>> 0 });
        await this.statusCommand({
          kind: 'WRITEDEBUGREG',
          address: DEBUG_REG.DCRSR,
          value: (regsel | DCRSR.REGWnR) >>> 0,
        });
        await this.waitRegisterReady(regsel);
        return;
      }
      await this.statusCommand({ kind: 'WRITEREG', regsel, value: value >>> 0 });
    });
  }

  /** READDEBUGREG: one 32-bit debug-register read in one round trip (no GETLASTRWSTATUS needed). */
  readDebugRegister(address: number): Promise<number> {
    return this.exclusive(
      async () =>
        (await this.statusCommand({ kind: 'READDEBUGREG', address }, decodeStatusWordReply, address)).value,
    );
  }

  writeDebugRegister(address: number, value: number): Promise<void> {
    return this.exclusive(async () => {
      await this.statusCommand(
        { kind: 'WRITEDEBUGREG', address, value: value >>> 0 },
        decodeStatusReply,
        address,
      );
    });
  }

  /** DRIVE_NRST: hold the target's NRST low, release it, or have the probe pulse it. */
  driveNrst(action: NrstAction): Promise<void> {
    return this.exclusive(async () => {
      await this.statusCommand({ kind: 'DRIVE_NRST', action });
    });
  }

  /** RESETSYS: a system reset done by the probe. */
  resetSys(): Promise<void> {
    return this.exclusive(async () => {
      await this.statusCommand({ kind: 'RESETSYS' });
    });
  }

  /** EXIT: leave debug mode; the core keeps running. */
  exitDebug(): Promise<void> {
    return this.exclusive(async () => {
      await this.send({ kind: 'EXIT' });
    });
  }

  /** Leaves debug mode if the probe is in it (as OpenOCD does at shutdown) and releases the transport. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      try {
        if (this.opened !== undefined && (await this.readMode()) === STLINK_MODE.DEBUG) {
          await this.send({ kind: 'EXIT' });
        }
      } finally {
        this.opened = undefined;
        await this.transport.close();
      }
    });
  }

  // --- internals: never call a public method from here (they queue behind the running one).

  private state(): Opened {
    if (this.opened === undefined) {
      throw new InternalError('stlink-not-open', 'The ST-Link has not been opened.', {
        hint: 'Call StLink.open() first. This is a bug in the caller.',
      });
    }
    return this.opened;
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    return this.queue.run(operation);
  }

  /** One exchange: the block and the data phase its parameters imply. */
  private async send(command: KnownCommand, data?: Uint8Array): Promise<Uint8Array> {
    const spec = dataPhaseOf(command);
    let phase: DataPhase = NO_DATA;
    if (spec?.kind === 'read') phase = { kind: 'read', length: spec.length };
    else if (spec?.kind === 'write') {
      if (data?.length !== spec.length) {
        throw new InternalError(
          'stlink-write-length',
          `${describeCommand(command)} needs ${spec.length} bytes of data, got ${data?.length ?? 0}`,
        );
      }
      phase = { kind: 'write', data };
    }
    return await this.transport.exchange(encodeCommand(command), phase);
  }

  private async readMode(): Promise<number> {
    return decodeGetCurrentModeReply(await this.send({ kind: 'GET_CURRENT_MODE' })).mode;
  }

  /** A command whose reply starts with a status byte, retried while the probe answers WAIT. */
  private statusCommand<T extends { readonly status: number }>(
    command: KnownCommand,
    decode: (bytes: Uint8Array) => T,
    /** The address a failure is reported at: a single-word access's own. */
    faultAddress?: number,
  ): Promise<T>;
  private statusCommand(command: KnownCommand): Promise<{ readonly status: number }>;
  private statusCommand(
    command: KnownCommand,
    decode: (bytes: Uint8Array) => { readonly status: number } = decodeStatusReply,
    faultAddress?: number,
  ): Promise<{ readonly status: number }> {
    return retryWhileWait(
      describeCommand(command),
      async () => {
        const reply = decode(await this.send(command));
        return {
          status: reply.status,
          result: reply,
          ...(faultAddress === undefined ? {} : { faultAddress }),
        };
      },
      this.waitRetry,
      this.sleep,
    );
  }

  private async doSetSwdFrequency(kHz: number): Promise<SpeedChoice> {
    const features = this.state().features;
    let choice: SpeedChoice;
    if (features.hasSwdSetFreq) {
      const pick = pickSwdDivisor(kHz);
      await this.statusCommand({ kind: 'SWD_SET_FREQ', divisor: pick.divisor });
      choice = { kHz: pick.kHz, exact: pick.exact };
    } else if (features.hasComFreq) {
      const offered = await this.statusCommand(
        { kind: 'APIV3_GET_COM_FREQ', protocol: 'swd' },
        decodeGetComFreqReply,
      );
      if (offered.frequenciesKHz.length === 0) {
        throw unsupported('swd-frequency', 'The ST-Link reported no SWD frequencies.');
      }
      const pick = pickSpeed(offered.frequenciesKHz, kHz);
      const applied = await this.statusCommand(
        { kind: 'APIV3_SET_COM_FREQ', protocol: 'swd', kHz: pick.kHz },
        decodeSetComFreqReply,
      );
      choice = { kHz: applied.appliedKHz === 0 ? pick.kHz : applied.appliedKHz, exact: pick.exact };
    } else {
      throw unsupported(
        'swd-frequency',
        `This ST-Link firmware (${this.versionString}) runs SWD at its fixed ${SWD_DEFAULT_KHZ} kHz and cannot change it.`,
      );
    }
    this.swdKHz = choice.kHz;
    return choice;
  }

  private useRwMisc(): boolean {
    return this.options.batchWithRwMisc === true && this.state().features.hasRwMisc;
  }

  /**
   * Runs RW_MISC items in batches of the firmware's limit, each batch opened by a select-AP 0 item as
   * OpenOCD does. Returns the value word of every read item, in order. Every item's status word is
   * checked; a WAIT in any re-sends the batch.
   */
  private async rwMisc(items: readonly RwMiscItem[]): Promise<number[]> {
    const perBatch = this.state().limits.maxRwMiscItems - 1;
    const values: number[] = [];
    for (let start = 0; start < items.length; start += perBatch) {
      const batch: RwMiscItem[] = [{ op: 'select-ap', value: 0 }, ...items.slice(start, start + perBatch)];
      const results = await retryWhileWait(
        `RW_MISC batch of ${batch.length} items`,
        async () => {
          await this.send({ kind: 'RW_MISC_OUT', items: batch.length }, encodeRwMiscOutData(batch));
          const reply = await this.transport.exchange(encodeCommand({ kind: 'RW_MISC_IN' }), {
            kind: 'read',
            length: 8 * batch.length,
          });
          const decoded = decodeRwMiscInReply(batch.length, reply);
          const failed =
            decoded.find((r) => isStatusRetryable(r.status)) ?? decoded.find((r) => !isStatusOk(r.status));
          return { status: failed?.status ?? STLINK_STATUS.DEBUG_ERR_OK, result: decoded };
        },
        this.waitRetry,
        this.sleep,
      );
      batch.forEach((item, i) => {
        if (item.op === 'read') values.push(results[i]?.value ?? 0);
      });
    }
    return values;
  }

  private async waitRegisterReady(regsel: number): Promise<void> {
    const polls = this.options.registerReadyPolls ?? 10;
    for (let i = 0; i < polls; i++) {
      const dhcsr = (
        await this.statusCommand({ kind: 'READDEBUGREG', address: DEBUG_REG.DHCSR }, decodeStatusWordReply)
      ).value;
      if ((dhcsr & DHCSR.S_REGRDY) !== 0) return;
    }
    throw new TargetError(
      'register-not-ready',
      `DHCSR.S_REGRDY stayed clear after ${polls} polls while transferring core register 0x${regsel.toString(16)}`,
      { hint: 'Core registers are reachable only while the core is halted; halt it first.' },
    );
  }

  /** A memory access split and chunked by transfer-plan.ts, each chunk checked with GETLASTRWSTATUS(2). */
  private async transfer(
    direction: 'read' | 'write',
    address: number,
    length: number,
    access: MemoryAccessOptions,
    data?: Uint8Array,
  ): Promise<Uint8Array> {
    const { features, limits } = this.state();
    const ap = access.ap ?? 0;
    const csw = access.csw ?? 0;
    if ((ap !== 0 || csw !== 0) && !features.hasMemApSelect) {
      throw unsupported(
        'mem-ap-select',
        `This ST-Link firmware (${this.versionString}) can only use AP 0 with its default CSW.`,
      );
    }
    const chunks = planTransfer(
      address,
      length,
      {
        maxRw8: limits.maxRw8,
        maxRw16_32: Math.min(limits.maxRw16_32, this.options.maxMemoryPacket ?? Infinity),
        tarBlock: this.tarBlock,
        hasMem16Bit: features.hasMem16Bit,
      },
      access.width,
    );
    const out = new Uint8Array(direction === 'read' ? length : 0);
    const dataOf = (chunk: TransferChunk): Uint8Array | undefined =>
      data?.subarray(chunk.offset, chunk.offset + chunk.length);
    // Up to PIPELINE_CHUNKS chunks, each with its status query, are asked for before the first
    // answer is awaited: over a transport that pipelines (TCP) the probe works through them back to
    // back. They are taken in order; from the first that is not OK on, the rest go one at a time
    // through the WAIT retry, in order again (a write's later chunks are written once more after it).
    const inFlight: Promise<Attempt<Uint8Array>>[] = [];
    const ask = (k: number): Promise<Attempt<Uint8Array>> => {
      const chunk = chunks[k] as TransferChunk;
      if (inFlight[k] === undefined) {
        inFlight[k] = this.memoryAttempt(direction, chunk, ap, csw, dataOf(chunk));
        // Awaited in order below; one that is never awaited (an earlier one failed) must not go unhandled.
        inFlight[k].catch(() => undefined);
      }
      return inFlight[k];
    };
    for (const [i, chunk] of chunks.entries()) {
      for (let k = i; k < Math.min(i + PIPELINE_CHUNKS, chunks.length); k++) void ask(k);
      let outcome: Attempt<Uint8Array>;
      try {
        outcome = await ask(i);
      } catch (error) {
        await Promise.allSettled(inFlight.slice(i + 1));
        throw error;
      }
      if (!isStatusOk(outcome.status)) {
        await Promise.allSettled(inFlight.slice(i + 1));
        const rest = chunks.slice(i);
        for (const [k, again] of rest.entries()) {
          const bytes = await this.memoryChunk(
            direction,
            again,
            ap,
            csw,
            dataOf(again),
            k === 0 ? outcome : undefined,
          );
          if (direction === 'read') out.set(bytes, again.offset);
        }
        return out;
      }
      if (direction === 'read') out.set(outcome.result, chunk.offset);
    }
    return out;
  }

  /** One chunk with the WAIT retry (retry.ts); `first` is a try already made. */
  private memoryChunk(
    direction: 'read' | 'write',
    chunk: TransferChunk,
    ap: number,
    csw: number,
    data: Uint8Array | undefined,
    first?: Attempt<Uint8Array>,
  ): Promise<Uint8Array> {
    const kind = MEMORY_KIND[direction][chunk.width];
    return retryWhileWait(
      describeCommand({ kind, address: chunk.address, length: chunk.length, ap, csw }),
      () => this.memoryAttempt(direction, chunk, ap, csw, data),
      this.waitRetry,
      this.sleep,
      first,
    );
  }

  /**
   * One try of a chunk: the memory command and its GETLASTRWSTATUS(2), both sent before either
   * answer is awaited (a memory command has no status of its own, A.5). Rejects only when the
   * transport fails; a probe status other than OK is the attempt's `status`.
   */
  private async memoryAttempt(
    direction: 'read' | 'write',
    chunk: TransferChunk,
    ap: number,
    csw: number,
    data: Uint8Array | undefined,
  ): Promise<Attempt<Uint8Array>> {
    const kind = MEMORY_KIND[direction][chunk.width];
    const request = { address: chunk.address, length: chunk.length, ap, csw };
    const status2 = this.state().features.hasGetLastRwStatus2;
    const sent = this.send({ kind, ...request }, data);
    const statusSent = this.send({ kind: status2 ? 'GETLASTRWSTATUS2' : 'GETLASTRWSTATUS' });
    const [reply, statusReply] = await Promise.all([sent, statusSent]);
    const result = direction === 'read' ? decodeReadMemoryReply(kind, request, reply) : new Uint8Array(0);
    if (status2) {
      const status = decodeGetLastRwStatus2Reply(statusReply);
      return { status: status.status, faultAddress: status.faultAddress, result };
    }
    return { status: decodeStatusReply(statusReply).status, result };
  }
}

/**
 * Memory chunks asked for ahead of the one being awaited: 4 KiB chunks make this 16 KiB, which
 * covers the flash loader's slots and stays well inside a server's per-client buffer (64 KiB).
 */
const PIPELINE_CHUNKS = 4;

function unsupported(what: string, message: string): UnavailableError {
  return new UnavailableError(`stlink-no-${what}`, message, {
    hint: 'Update the ST-Link firmware (STSW-LINK007), or use a newer probe.',
  });
}

function checkAligned(address: number, size: number): void {
  if (address % size !== 0) {
    throw new BadInputError(
      'unaligned-access',
      `a ${8 * size}-bit access needs a ${size}-byte aligned address, got ${hex32(address)}`,
    );
  }
}

function wordBytes(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  setU32le(bytes, 0, value >>> 0);
  return bytes;
}
