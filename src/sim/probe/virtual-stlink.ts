import { decodeCommand, type StLinkCommand } from '../../protocol/commands.js';
import { COMMAND_LENGTH } from '../../protocol/frame.js';
import { phaseLength, type DataPhase, type ProbeIdentity, type StLinkDevice } from '../../protocol/link.js';
import { StLinkFirmware, type CommandEffect, type FirmwarePolicy } from './firmware.js';
import { probeModel, type ProbeModel, type ProbeModelName } from './models.js';
import type { ProbeTargetLink } from './target-link.js';
import { swdCostNs, usbCostNs } from './timing.js';

/**
 * Receives each exchange's modelled cost in virtual ns. Unpaced, the board runs that long before the
 * reply is returned; with --realtime the returned promise resolves after that much wall time, which
 * holds the reply back.
 */
export type ChargeCost = (ns: number) => void | Promise<void>;

export interface VirtualStLinkOptions {
  /** 'v2-1' (default: the Discovery's on-board ST-LINK/V2-A) or 'v3', or a model built with models.ts. */
  readonly model?: ProbeModelName | ProbeModel;
  readonly charge?: ChargeCost;
  readonly policy?: Partial<FirmwarePolicy>;
}

const EMPTY = new Uint8Array(0);

/**
 * A virtual ST-Link, an StLinkDevice (protocol/link.ts): `exchange(command, phase)` takes the 16-byte block
 * and its data phase and returns exactly the bytes the phase asks for, as the firmware fills them.
 * Every exchange costs virtual time (timing.ts): `modelledNanoseconds()` is the running total,
 * `lastExchangeNanoseconds()` the last exchange's share.
 */
export class VirtualStLinkDevice implements StLinkDevice {
  readonly identity: ProbeIdentity;
  readonly model: ProbeModel;
  readonly firmware: StLinkFirmware;
  private totalNs = 0;
  private lastNs = 0;
  private readonly charge: ChargeCost | undefined;
  private readonly effect: CommandEffect = { extraNs: 0, ranNs: 0 };

  constructor(link: ProbeTargetLink, options: VirtualStLinkOptions = {}) {
    const model = options.model ?? 'v2-1';
    this.model = typeof model === 'string' ? probeModel(model) : model;
    this.firmware = new StLinkFirmware(this.model, link, options.policy);
    this.charge = options.charge;
    const { vid, pid } = this.model.version;
    this.identity = { vid, pid, serial: this.model.serial, location: `sim:${this.model.name}` };
  }

  exchange(command: Uint8Array, phase: DataPhase): Uint8Array | Promise<Uint8Array> {
    const data = phase.kind === 'write' ? phase.data : EMPTY;
    // A block of the wrong size is no command the firmware can parse: it answers as for an unknown one.
    const decoded: StLinkCommand =
      command.length === COMMAND_LENGTH
        ? decodeCommand(command)
        : { kind: 'unknown', bytes: command.slice(), reason: `${command.length}-byte command block` };
    const clocksBefore = this.firmware.dap.clocks;
    this.effect.extraNs = 0;
    this.effect.ranNs = 0;
    const natural = this.firmware.execute(decoded, data, this.effect);
    const replyBytes = phase.kind === 'read' ? fit(natural, phase.length) : EMPTY;
    const payload = COMMAND_LENGTH + phaseLength(phase);
    const clocks = this.firmware.dap.clocks - clocksBefore;
    const cost =
      usbCostNs(this.model.usb, payload) + swdCostNs(clocks, this.firmware.swdKHz) + this.effect.extraNs;
    this.lastNs = cost;
    this.totalNs += cost;
    // What the board already ran during the command (WAIT retries) is not charged twice.
    const charged = this.charge?.(cost - this.effect.ranNs);
    return charged instanceof Promise ? charged.then(() => replyBytes) : replyBytes;
  }

  /** No SWO is modelled: GET_TRACE_NB always announces 0, and any read gets zeros. */
  readTrace(length: number): Uint8Array {
    return new Uint8Array(Math.max(0, length));
  }

  /** Modelled cost of every exchange so far, virtual ns (the link contract's optional counter). */
  modelledNanoseconds(): number {
    return this.totalNs;
  }

  lastExchangeNanoseconds(): number {
    return this.lastNs;
  }
}

/** The reply as the host's read phase takes it: truncated, or padded with zeros. */
function fit(natural: Uint8Array, length: number): Uint8Array {
  if (natural.length === length) return natural;
  const out = new Uint8Array(length);
  out.set(natural.subarray(0, length));
  return out;
}
