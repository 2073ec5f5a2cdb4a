import { UnavailableError } from '../../util/errors.js';
import type { DataPhase, ProbeIdentity, StLinkDevice } from '../../protocol/link.js';
import type { VirtualStLinkDevice } from '../probe/virtual-stlink.js';
import type { DiscoveryBoard } from './discovery.js';

/**
 * When to pull the plug on the virtual board: the probe's USB link, the target's power, or both,
 * each after a number of probe commands or at a virtual time. This is how flashing is shown to lose
 * nothing: a cut at any point must end in a clear error naming what is left on the chip, and the next
 * flash must put the image back.
 */
export interface FaultPlan {
  /** The first N exchanges are answered; every later one fails as a vanished USB device does. */
  readonly cutLinkAfterCommands?: number;
  /** The link is gone for every exchange that starts at or after this virtual time (ns). */
  readonly cutLinkAtNs?: number;
  /** Target power goes off as soon as the Nth exchange has been answered. */
  readonly cutPowerAfterCommands?: number;
  /** Target power goes off at this virtual time (ns), whatever the probe is doing. */
  readonly cutPowerAtNs?: number;
}

export type FaultKind = 'link' | 'power';

/** What happened, for the sim command's event stream and for tests. */
export interface FaultEvent {
  readonly kind: FaultKind;
  /** Exchanges answered before the cut. */
  readonly afterCommands: number;
  /** Virtual time of the cut, ns. */
  readonly atNs: number;
}

/**
 * The virtual probe with faults injected: it has the StLinkDevice shape, so it goes wherever the
 * virtual probe goes (the in-process transport, the server's device table). A cut link is permanent,
 * as an unplugged cable is; a power cut is `board.power(false)` and lasts until someone powers the
 * board again (`board.power(true)`, as a test does).
 */
export class FaultyProbe implements StLinkDevice {
  readonly identity: ProbeIdentity;
  private answered = 0;
  private linkCut = false;
  private plan: FaultPlan = {};
  /** The command-count power cut fires once per arming (a test may power the board up again). */
  private powerCutPending = false;
  private powerTimer: { cancel(): void } | undefined;
  private readonly listeners: ((event: FaultEvent) => void)[] = [];

  constructor(
    private readonly board: DiscoveryBoard,
    private readonly device: VirtualStLinkDevice,
    plan: FaultPlan = {},
  ) {
    this.identity = device.identity;
    this.arm(plan);
  }

  /** Exchanges answered so far (including those before the plan was armed). */
  get commands(): number {
    return this.answered;
  }

  get isLinkCut(): boolean {
    return this.linkCut;
  }

  /**
   * Replaces the plan. Command counts in it are absolute (counted from the first exchange), so a
   * test that armed `cutLinkAfterCommands: commands + 10` gets a cut ten exchanges from now.
   */
  arm(plan: FaultPlan): void {
    this.plan = plan;
    this.powerCutPending = plan.cutPowerAfterCommands !== undefined;
    this.powerTimer?.cancel();
    this.powerTimer = undefined;
    const at = plan.cutPowerAtNs;
    if (at !== undefined) {
      this.powerTimer = this.board.clock.scheduleAt(at, () => {
        this.powerTimer = undefined;
        this.cutPower();
      });
    }
  }

  onFault(listener: (event: FaultEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Unplugs the probe now. */
  cutLink(): void {
    if (this.linkCut) return;
    this.linkCut = true;
    this.emit('link');
  }

  /** Switches the target's supply off now (the probe stays on USB and measures 0 V). */
  cutPower(): void {
    if (!this.board.powered) return;
    this.board.power(false);
    this.emit('power');
  }

  exchange(command: Uint8Array, phase: DataPhase): Uint8Array | Promise<Uint8Array> {
    const { cutLinkAfterCommands, cutLinkAtNs } = this.plan;
    if (
      (cutLinkAfterCommands !== undefined && this.answered >= cutLinkAfterCommands) ||
      (cutLinkAtNs !== undefined && this.board.now >= cutLinkAtNs)
    ) {
      this.cutLink();
    }
    if (this.linkCut) throw this.unplugged();
    const reply = this.device.exchange(command, phase);
    if (reply instanceof Promise) return reply.then((bytes) => this.answeredOne(bytes));
    return this.answeredOne(reply);
  }

  readTrace(length: number): Uint8Array {
    if (this.linkCut) throw this.unplugged();
    return this.device.readTrace(length);
  }

  modelledNanoseconds(): number {
    return this.device.modelledNanoseconds();
  }

  private answeredOne(reply: Uint8Array): Uint8Array {
    this.answered++;
    const after = this.plan.cutPowerAfterCommands;
    if (this.powerCutPending && after !== undefined && this.answered >= after) {
      this.powerCutPending = false;
      this.cutPower();
    }
    return reply;
  }

  private emit(kind: FaultKind): void {
    const event: FaultEvent = { kind, afterCommands: this.answered, atNs: this.board.now };
    for (const listener of this.listeners) listener(event);
  }

  /** The error a WebUSB transport raises when the device vanishes mid-transfer. */
  private unplugged(): UnavailableError {
    return new UnavailableError(
      'probe-unplugged',
      `${this.device.model.name === 'v3' ? 'STLINK-V3' : 'ST-LINK/V2-1'} ${this.identity.serial} was unplugged (or reset itself) during a transfer.`,
      {
        hint: 'Plug it back in and run the command again; the target was left in whatever state the last command put it.',
      },
    );
  }
}
