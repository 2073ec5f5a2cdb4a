/**
 * The probe link contract: what every way of reaching an ST-Link gives the layers above, and what a
 * probe (real or virtual) must answer. One command exchange at a time, as on the probe's bulk
 * endpoints: a 16-byte command block (frame.ts), then at most one data phase — host-to-probe bytes,
 * or a read of a length the host knows in advance.
 *
 * protocol/ declares it; the implementations depend on it, never the reverse: transport/ (WebUSB, the
 * stlink-server TCP client, the in-process link) implements StLinkTransport, and the virtual probe
 * (src/sim/probe) and test doubles implement StLinkDevice. A link moves bytes only: it never
 * interprets a command (commands.ts) and never retries (probe/).
 */

/**
 * The direction and size of a data phase, without its bytes: what a command's parameters imply
 * (commands.ts `dataPhaseOf`), and what a receiver must move after the block.
 */
export type PhaseSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'write'; readonly length: number }
  | { readonly kind: 'read'; readonly length: number };

/**
 * A data phase as a link moves it: a PhaseSpec whose write carries its bytes (their count is its
 * length). A read still says only how many bytes to read: they come back as the exchange's result.
 */
export type DataPhase =
  Exclude<PhaseSpec, { readonly kind: 'write' }> | { readonly kind: 'write'; readonly data: Uint8Array };

export const NO_PHASE: PhaseSpec = { kind: 'none' };
export const NO_DATA: DataPhase = { kind: 'none' };
export const readPhase = (length: number): PhaseSpec => ({ kind: 'read', length });
export const writePhase = (length: number): PhaseSpec => ({ kind: 'write', length });

/** How many bytes a data phase moves, either way (0 for none). */
export function phaseLength(phase: PhaseSpec | DataPhase): number {
  switch (phase.kind) {
    case 'none':
      return 0;
    case 'read':
      return phase.length;
    case 'write':
      return 'data' in phase ? phase.data.length : phase.length;
  }
}

/** Who a link reaches: what `swdkit list` prints and what `--serial` matches. */
export interface ProbeIdentity {
  /** USB vendor and product id (usb-ids.ts), also for probes reached over TCP or in-process. */
  readonly vid: number;
  readonly pid: number;
  /** The USB serial number as the probe reports it (hex digits on V2-1/V3). */
  readonly serial: string;
  /** Where it is: "usb:BUS-PORTS", "tcp:127.0.0.1:7184#2", "sim:v2-1". */
  readonly location: string;
}

/** The host side of a link: what probe/ and the server drive. */
export interface StLinkTransport {
  readonly identity: ProbeIdentity;
  /**
   * Sends `command` (exactly 16 bytes) and runs `phase`. Resolves with the bytes read (empty for
   * 'none' and 'write'). Rejects with a SwdkitError (`unavailable.*`, `timeout.*`) when the bytes
   * could not be moved; a probe's status byte is never an error at this layer.
   */
  exchange(command: Uint8Array, phase: DataPhase): Promise<Uint8Array>;
  /** Reads `length` bytes of SWO trace data the probe has announced (GET_TRACE_NB). */
  readTrace(length: number): Promise<Uint8Array>;
  /** Releases the probe. Idempotent. */
  close(): Promise<void>;
  /** The device's modelled cost, passed through (StLinkDevice); real probes have none, callers count 0. */
  modelledNanoseconds?(): number;
}

/**
 * The probe side of an in-process link: a virtual probe, or a test double, as the in-process
 * transport drives it. `exchange` may answer synchronously or after a delay (a
 * virtual probe in real-time mode holds each reply back by its modelled cost).
 */
export interface StLinkDevice {
  readonly identity: ProbeIdentity;
  exchange(command: Uint8Array, phase: DataPhase): Uint8Array | Promise<Uint8Array>;
  readTrace(length: number): Uint8Array | Promise<Uint8Array>;
  /**
   * Optional: the modelled cost, in virtual nanoseconds, of every exchange answered so far (USB round
   * trips, payload and SWD wire time, as the virtual probe models them). A monotonic counter, so a
   * caller that serialises exchanges (the server's per-device queue) attributes the difference across
   * one exchange to the client that sent it.
   */
  modelledNanoseconds?(): number;
}
