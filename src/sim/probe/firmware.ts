import {
  isMemoryCommand,
  memoryWidth,
  type MemoryCommand,
  type StLinkCommand,
} from '../../protocol/commands.js';
import { DAP_PORT_DP, STLINK_MODE } from '../../protocol/opcodes.js';
import { jtagKHzForDivisor, pickSpeed, swdKHzForDivisor } from '../../protocol/speed.js';
import { STLINK_STATUS } from '../../protocol/status.js';
import { getVersionExReplyOf, getVersionReplyOf } from '../../protocol/version.js';
import { READALLREGS_WORDS } from '../../protocol/regsel.js';
import {
  encodeGetComFreqReply,
  encodeGetCurrentModeReply,
  encodeGetLastRwStatus2Reply,
  encodeGetTargetVoltageReply,
  encodeGetTraceNbReply,
  encodeGetVersionExReply,
  encodeGetVersionReply,
  encodeReadAllRegsReply,
  encodeReadIdcodesReply,
  encodeReadMemoryReply,
  encodeRwMiscInReply,
  decodeRwMiscOutData,
  encodeSetComFreqReply,
  encodeStatusReply,
  encodeStatusWordReply,
  targetVoltageReplyFor,
  type RwMiscItem,
  type RwMiscResult,
} from '../../protocol/replies.js';
import { DP_REG } from '../../arch/adiv5/dp.js';
import { AIRCR_SYSRESETREQ, CSW, DCRSR_REGWNR, DEBUG_REG, DHCSR_S_REGRDY, MEM_AP } from './registers.js';
import { DEFAULT_DAP_POLICY, ProbeDap, type DapPolicy } from './dap.js';
import { MemAp, type AccessBytes } from './mem-ap.js';
import type { ProbeModel } from './models.js';
import type { ProbeTargetLink } from './target-link.js';
import { NRST_PULSE_NS, swdCostNs } from './timing.js';

const OK = STLINK_STATUS.DEBUG_ERR_OK;

/** Behaviour choices docs/stlink-protocol.md leaves open (README.md of this folder lists them all). */
export interface FirmwarePolicy extends DapPolicy {
  /** DHCSR reads while waiting for S_REGRDY after a DCRSR write (ARM ARM C1.6.3). */
  readonly regRdyPolls: number;
  /** Bytes over which the firmware trusts the MEM-AP's TAR auto-increment (ADIv5 minimum: 1 KiB). */
  readonly tarBlockBytes: number;
}

export const DEFAULT_FIRMWARE_POLICY: FirmwarePolicy = {
  ...DEFAULT_DAP_POLICY,
  regRdyPolls: 16,
  tarBlockBytes: 1024,
};

/** What executing one command produced besides its reply bytes. */
export interface CommandEffect {
  /** Virtual time the command spends beyond USB and SWD transactions (an NRST pulse). */
  extraNs: number;
  /** Part of the command's SWD time the board has already run (while WAITs were re-issued). */
  ranNs: number;
}

/**
 * The ST-Link firmware: modes, clocks, and every command of docs/stlink-protocol.md §A.3/A.4 carried out
 * with SWD transactions on the target link. `execute` returns the reply the firmware sends (its natural
 * length; the device fits it to the host's data phase), or an empty array when it sends none.
 *
 * Answers docs/stlink-protocol.md leaves open are decisions, each stated where it is made:
 * - a command this firmware version lacks, an unknown or API v1 command: status 0x42 UNKNOWN_CMD in
 *   byte 0 of whatever the host reads (pyOCD's "unknown command"; no data phase is invented);
 * - a target command (memory, registers, DAP) outside DEBUG mode touches no wire and answers 0x08
 *   CMD_ERROR (the firmware has not set up the SWD pins);
 * - memory commands beyond the firmware's limits answer 0x08 CMD_ERROR, misaligned 16/32-bit ones 0x0A
 *   ALIGNMENT_ERROR, each through GETLASTRWSTATUS(2), with nothing transferred.
 */
export class StLinkFirmware {
  mode: number = STLINK_MODE.MASS;
  swdKHz: number;
  jtagKHz: number;
  readonly dap: ProbeDap;
  private readonly memAp: MemAp;
  private lastRwStatus: number = OK;
  private lastRwFaultAddress = 0;
  private rwMiscResults: Uint8Array | undefined = undefined;
  private readonly policy: FirmwarePolicy;
  /** The effect record of the command being executed (for the WAIT hook). */
  private effect: CommandEffect | undefined = undefined;

  constructor(
    readonly model: ProbeModel,
    private readonly link: ProbeTargetLink,
    policy: Partial<FirmwarePolicy> = {},
  ) {
    this.policy = { ...DEFAULT_FIRMWARE_POLICY, ...policy };
    this.dap = new ProbeDap(link.swd, this.policy);
    this.memAp = new MemAp(this.dap, this.policy.tarBlockBytes);
    this.swdKHz = model.defaultSwdKHz;
    this.jtagKHz = model.defaultJtagKHz;
    const runFor = link.runFor?.bind(link);
    if (runFor !== undefined) {
      this.dap.onWait = (clocks) => {
        const ns = swdCostNs(clocks, this.swdKHz);
        runFor(ns);
        if (this.effect !== undefined) this.effect.ranNs += ns;
      };
    }
  }

  execute(command: StLinkCommand, data: Uint8Array, effect: CommandEffect): Uint8Array {
    this.effect = effect;
    try {
      return this.dispatch(command, data, effect);
    } finally {
      this.effect = undefined;
    }
  }

  private dispatch(command: StLinkCommand, data: Uint8Array, effect: CommandEffect): Uint8Array {
    const f = this.model.features;
    const unknown = Uint8Array.of(STLINK_STATUS.UNKNOWN_CMD);
    switch (command.kind) {
      case 'GET_VERSION':
        return encodeGetVersionReply(getVersionReplyOf(this.model.version));
      case 'GET_VERSION_EX':
        return this.model.version.stlink >= 3
          ? encodeGetVersionExReply(getVersionExReplyOf(this.model.version))
          : unknown;
      case 'GET_CURRENT_MODE':
        return encodeGetCurrentModeReply(this.mode);
      case 'GET_TARGET_VOLTAGE':
        return f.hasTargetVoltage ? this.targetVoltage() : unknown;
      case 'DFU_EXIT':
      case 'EXIT':
        this.mode = STLINK_MODE.MASS;
        return new Uint8Array(0);
      case 'SWIM_EXIT':
        return unknown;
      case 'APIV2_ENTER':
        return encodeStatusReply(this.enter(command.mode));
      case 'SWD_SET_FREQ': {
        if (!f.hasSwdSetFreq) return unknown;
        // The V2 firmware takes the divisors of ST's table (A.6) and nothing else: any other is
        // refused with 0x41 and the clock stays (a divisor of 0xFFFF must not give a 61 Hz wire).
        const kHz = swdKHzForDivisor(command.divisor);
        if (kHz === undefined) return encodeStatusReply(STLINK_STATUS.FREQ_NOT_SUPPORTED);
        this.swdKHz = kHz;
        return encodeStatusReply(OK);
      }
      case 'JTAG_SET_FREQ': {
        if (!f.hasJtagSetFreq) return unknown;
        const kHz = jtagKHzForDivisor(command.divisor);
        if (kHz === undefined) return encodeStatusReply(STLINK_STATUS.FREQ_NOT_SUPPORTED);
        this.jtagKHz = kHz;
        return encodeStatusReply(OK);
      }
      case 'APIV3_GET_COM_FREQ':
        if (!f.hasComFreq) return unknown;
        return encodeGetComFreqReply({ status: OK, frequenciesKHz: this.comFrequencies(command.protocol) });
      case 'APIV3_SET_COM_FREQ': {
        if (!f.hasComFreq) return unknown;
        // The firmware applies the fastest frequency it has at or below the request and reports it.
        const { kHz } = pickSpeed(this.comFrequencies(command.protocol), command.kHz);
        if (command.protocol === 'swd') this.swdKHz = kHz;
        else this.jtagKHz = kHz;
        return encodeSetComFreqReply({ status: OK, appliedKHz: kHz });
      }
      case 'DRIVE_NRST':
        return encodeStatusReply(this.driveNrst(command.action, effect));
      case 'GETLASTRWSTATUS':
        return encodeStatusReply(this.lastRwStatus);
      case 'GETLASTRWSTATUS2':
        return f.hasGetLastRwStatus2
          ? encodeGetLastRwStatus2Reply({ status: this.lastRwStatus, faultAddress: this.lastRwFaultAddress })
          : unknown;
      case 'START_TRACE_RX':
        if (!f.hasTrace) return unknown;
        return encodeStatusReply(
          command.baudHz <= this.model.limits.maxTraceBaudHz ? OK : STLINK_STATUS.FREQ_NOT_SUPPORTED,
        );
      case 'STOP_TRACE_RX':
        return f.hasTrace ? encodeStatusReply(OK) : unknown;
      case 'GET_TRACE_NB':
        // No SWO pin is modelled: never any trace bytes waiting.
        return f.hasTrace ? encodeGetTraceNbReply(0) : unknown;
      case 'APIV1':
      case 'unknown':
        return unknown;
      default:
        return this.targetCommand(command, data);
    }
  }

  private comFrequencies(protocol: 'swd' | 'jtag'): readonly number[] {
    return protocol === 'swd' ? this.model.swdComFrequencies : this.model.jtagComFrequencies;
  }

  /** factor = ADC count of the 1.2 V reference, reading = ADC count of VTref/2 (A.3). */
  private targetVoltage(): Uint8Array {
    return encodeGetTargetVoltageReply(
      targetVoltageReplyFor(this.link.targetVoltage(), this.model.voltageFactor),
    );
  }

  private enter(mode: 'swd' | 'jtag' | 'jtag-with-reset'): number {
    // No JTAG TAP is modelled behind the SWJ-DP: a JTAG entry finds no chain.
    if (mode !== 'swd') return STLINK_STATUS.UNKNOWN_JTAG_CHAIN;
    if (!this.model.features.hasSwd) return STLINK_STATUS.UNKNOWN_CMD;
    const status = this.dap.connect();
    if (status === OK) this.mode = STLINK_MODE.DEBUG;
    return status;
  }

  private driveNrst(action: 'low' | 'high' | 'pulse', effect: CommandEffect): number {
    // Works in any mode: OpenOCD asserts NRST before ENTER when connecting under reset (B.4).
    if (action === 'low') this.link.setNrst(true);
    else if (action === 'high') this.link.setNrst(false);
    else {
      this.link.setNrst(true);
      this.link.clock.scheduleIn(NRST_PULSE_NS, () => {
        this.link.setNrst(false);
      });
      effect.extraNs += NRST_PULSE_NS;
    }
    return OK;
  }

  /** Commands that go to the target over SWD. */
  private targetCommand(
    command: Exclude<StLinkCommand, { kind: 'APIV1' | 'unknown' }>,
    data: Uint8Array,
  ): Uint8Array {
    const f = this.model.features;
    const unknown = Uint8Array.of(STLINK_STATUS.UNKNOWN_CMD);
    const debug = this.mode === STLINK_MODE.DEBUG;
    const notDebug = STLINK_STATUS.CMD_ERROR;
    switch (command.kind) {
      case 'READ_IDCODES': {
        if (!debug) return encodeReadIdcodesReply({ status: notDebug, idcode: 0 });
        const status = this.dap.dpRead(DP_REG.DPIDR);
        return encodeReadIdcodesReply({ status, idcode: status === OK ? this.dap.value : 0 });
      }
      case 'RESETSYS':
        // The firmware's system reset is AIRCR.SYSRESETREQ through the AHB-AP; what it does while NRST
        // is held low is the target's business (the chip is already in reset).
        return encodeStatusReply(
          debug ? this.memAp.write32(0, DEBUG_REG.AIRCR, AIRCR_SYSRESETREQ) : notDebug,
        );
      case 'READREG': {
        if (!debug) return encodeStatusWordReply({ status: notDebug, value: 0 });
        const status = this.readCoreRegister(command.regsel);
        return encodeStatusWordReply({ status, value: status === OK ? this.memAp.value : 0 });
      }
      case 'WRITEREG':
        return encodeStatusReply(debug ? this.writeCoreRegister(command.regsel, command.value) : notDebug);
      case 'READALLREGS': {
        if (!debug) return readAllRegsReply(notDebug, []);
        // 21 words: REGSEL 0x00–0x14 in order — r0–r15, xPSR, MSP, PSP, the reserved 0x13, and
        // CONTROL/FAULTMASK/BASEPRI/PRIMASK.
        const words: number[] = [];
        for (let regsel = 0; regsel <= 0x14; regsel++) {
          const status = this.readCoreRegister(regsel);
          if (status !== OK) return readAllRegsReply(status, words);
          words.push(this.memAp.value);
        }
        return readAllRegsReply(OK, words);
      }
      case 'READDEBUGREG': {
        if (!debug) return encodeStatusWordReply({ status: notDebug, value: 0 });
        const status = this.debugRegisterCheck(command.address) ?? this.memAp.read32(0, command.address);
        return encodeStatusWordReply({ status, value: status === OK ? this.memAp.value : 0 });
      }
      case 'WRITEDEBUGREG': {
        if (!debug) return encodeStatusReply(notDebug);
        const status =
          this.debugRegisterCheck(command.address) ?? this.memAp.write32(0, command.address, command.value);
        return encodeStatusReply(status);
      }
      case 'INIT_AP':
        if (!f.hasApInit) return unknown;
        return encodeStatusReply(debug ? this.initAp(command.ap) : notDebug);
      case 'CLOSE_AP_DBG':
        if (!f.hasApInit) return unknown;
        return encodeStatusReply(debug ? OK : notDebug);
      case 'READ_DAP_REG': {
        if (!f.hasDapReg) return unknown;
        if (!debug) return encodeStatusWordReply({ status: notDebug, value: 0 });
        const status = this.readDapRegister(command.port, command.register);
        return encodeStatusWordReply({ status, value: status === OK ? this.dap.value : 0 });
      }
      case 'WRITE_DAP_REG':
        if (!f.hasDapReg) return unknown;
        return encodeStatusReply(
          debug ? this.writeDapRegister(command.port, command.register, command.value) : notDebug,
        );
      case 'RW_MISC_OUT':
        if (!f.hasRwMisc) return unknown;
        this.rwMiscResults = this.rwMisc(command.items, data, debug);
        return new Uint8Array(0);
      case 'RW_MISC_IN': {
        if (!f.hasRwMisc) return unknown;
        const results = this.rwMiscResults ?? new Uint8Array(0);
        this.rwMiscResults = undefined;
        return results;
      }
      default:
        return isMemoryCommand(command) ? this.memoryCommand(command, data, debug) : unknown;
    }
  }

  /** Debug registers are words: a misaligned address is refused before any wire traffic. */
  private debugRegisterCheck(address: number): number | undefined {
    return address % 4 === 0 ? undefined : STLINK_STATUS.ALIGNMENT_ERROR;
  }

  /** DCRSR ← REGSEL, wait for DHCSR.S_REGRDY, read DCRDR (ARM ARM C1.6.3). Value in memAp.value. */
  private readCoreRegister(regsel: number): number {
    let status = this.memAp.write32(0, DEBUG_REG.DCRSR, regsel & 0x7f);
    if (status === OK) status = this.waitRegReady();
    if (status === OK) status = this.memAp.read32(0, DEBUG_REG.DCRDR);
    return status;
  }

  private writeCoreRegister(regsel: number, value: number): number {
    let status = this.memAp.write32(0, DEBUG_REG.DCRDR, value);
    if (status === OK) status = this.memAp.write32(0, DEBUG_REG.DCRSR, DCRSR_REGWNR | (regsel & 0x7f));
    if (status === OK) status = this.waitRegReady();
    return status;
  }

  /** S_REGRDY never coming (core not halted) is reported as 0x81 DEBUG_ERR_FAULT. */
  private waitRegReady(): number {
    for (let i = 0; i < this.policy.regRdyPolls; i++) {
      const status = this.memAp.read32(0, DEBUG_REG.DHCSR);
      if (status !== OK) return status;
      if (this.memAp.value & DHCSR_S_REGRDY) return OK;
    }
    return STLINK_STATUS.DEBUG_ERR_FAULT;
  }

  /** INIT_AP reads the AP's IDR: an AP that reads as 0 does not exist (0x1D BAD_AP_ERROR). */
  private initAp(ap: number): number {
    const status = this.dap.apRead(ap, MEM_AP.IDR);
    if (status !== OK) return status;
    return this.dap.value === 0 ? STLINK_STATUS.BAD_AP_ERROR : OK;
  }

  private readDapRegister(port: number, register: number): number {
    if (port === DAP_PORT_DP) return this.dap.dpRead(register);
    if (port > 0xff) return STLINK_STATUS.BAD_AP_ERROR;
    return this.dap.apRead(port, register);
  }

  private writeDapRegister(port: number, register: number, value: number): number {
    if (port === DAP_PORT_DP) return this.dap.dpWrite(register, value);
    if (port > 0xff) return STLINK_STATUS.BAD_AP_ERROR;
    return this.dap.apWrite(port, register, value);
  }

  /**
   * RW_MISC_OUT's batch (A.8) on the selected AP's TAR and DRW, word-sized (the firmware writes the
   * AP's CSW before the first access): "address" sets TAR, "write" writes DRW (TAR auto-increments, so
   * consecutive writes fill consecutive words), "read" reads the word at the address it carries. The
   * results wait for RW_MISC_IN. A batch whose data does not parse fails item by item with 0x08
   * CMD_ERROR.
   *
   * The item count is the host's 32-bit word; the firmware's result buffer holds `maxRwMiscItems`
   * entries (64 on V2, 1227 on V3: what OpenOCD sizes its batches by, A.8). A count beyond it is
   * refused whole before anything is allocated or touched on the wire: nothing runs, and the buffer
   * RW_MISC_IN returns is its `maxRwMiscItems` entries, each 0x08 CMD_ERROR (the status the firmware
   * gives every command beyond its limits; the device fits it to the host's read like any reply).
   */
  private rwMisc(items: number, data: Uint8Array, debug: boolean): Uint8Array {
    const failed: RwMiscResult = { value: 0, status: STLINK_STATUS.CMD_ERROR };
    const limit = this.model.limits.maxRwMiscItems;
    if (items > limit) return encodeRwMiscInReply(Array.from({ length: limit }, () => failed));
    let batch: RwMiscItem[] | undefined;
    try {
      batch = decodeRwMiscOutData(items, data);
    } catch {
      batch = undefined;
    }
    if (batch === undefined || !debug)
      return encodeRwMiscInReply(Array.from({ length: items }, () => failed));
    let ap = 0;
    let cswWritten = false;
    const results = batch.map((item): RwMiscResult => {
      if (item.op === 'select-ap') {
        ap = item.value & 0xff;
        cswWritten = false;
        return { value: 0, status: OK };
      }
      if (!cswWritten) {
        const status = this.dap.apWrite(
          ap,
          MEM_AP.CSW,
          (CSW.DEFAULT_HIGH | CSW.SIZE_32 | CSW.ADDRINC_SINGLE) >>> 0,
        );
        if (status !== OK) return { value: 0, status };
        cswWritten = true;
      }
      if (item.op === 'address') return { value: 0, status: this.dap.apWrite(ap, MEM_AP.TAR, item.value) };
      if (item.op === 'write') return { value: 0, status: this.dap.apWrite(ap, MEM_AP.DRW, item.value) };
      // A read item carries its own address (OpenOCD's batches: address, write, read 0xE000EDF0, ...).
      let status = this.dap.apWrite(ap, MEM_AP.TAR, item.value);
      if (status === OK) status = this.dap.apRead(ap, MEM_AP.DRW);
      return { value: status === OK ? this.dap.value : 0, status };
    });
    return encodeRwMiscInReply(results);
  }

  private memoryCommand(command: MemoryCommand, data: Uint8Array, debug: boolean): Uint8Array {
    const f = this.model.features;
    const kind = command.kind;
    const unknown = Uint8Array.of(STLINK_STATUS.UNKNOWN_CMD);
    if ((kind === 'READMEM_16BIT' || kind === 'WRITEMEM_16BIT') && !f.hasMem16Bit) return unknown;
    if (kind === 'WRITEMEM_32BIT_NO_ADDR_INC' && !f.hasWriteMem32NoAddrInc) return unknown;
    if (kind === 'READMEM_32BIT_NO_ADDR_INC' && !f.hasReadMem32NoAddrInc) return unknown;
    const size = (memoryWidth(kind) / 8) as AccessBytes;
    const isRead = kind.startsWith('READ');
    const increment = !kind.endsWith('NO_ADDR_INC');
    const { address, length } = command;
    // Firmware without multi-AP memory access ignores bytes 8–11 (A.7 HAS_CSW).
    const ap = f.hasMemApSelect ? command.ap : 0;
    const csw = f.hasMemApSelect ? command.csw : 0;
    const out = new Uint8Array(isRead ? length : 0);
    const limit = size === 1 ? this.model.limits.maxRw8 : this.model.limits.maxRw16_32;
    let status: number;
    let faultAddress = 0;
    if (!debug) status = STLINK_STATUS.CMD_ERROR;
    else if (length > limit) status = STLINK_STATUS.CMD_ERROR;
    else if (address % size !== 0 || length % size !== 0) status = STLINK_STATUS.ALIGNMENT_ERROR;
    else {
      const count = length / size;
      const result = isRead
        ? this.memAp.read(ap, csw, address, size, count, increment, out)
        : this.memAp.write(ap, csw, address, size, count, increment, data);
      status = result.status;
      faultAddress = result.faultAddress;
    }
    this.lastRwStatus = status;
    this.lastRwFaultAddress = faultAddress;
    // The one-byte read's reply is two bytes, the second padding (A.5): the codec knows.
    return isRead ? encodeReadMemoryReply(kind, command, out) : out;
  }
}

/** READALLREGS carries 21 words whatever happened; after a failure the unread ones are 0. */
function readAllRegsReply(status: number, words: readonly number[]): Uint8Array {
  const registers = Array.from({ length: READALLREGS_WORDS }, (_, i) => words[i] ?? 0);
  return encodeReadAllRegsReply({ status, registers });
}
