/**
 * What every way of reaching an ST-Link gives the layers above: one command exchange at a time, as on
 * the probe's bulk endpoints (stlink-openocd-0.12.md A.1): a 16-byte command block, then at most one
 * data phase — host-to-probe bytes, or a read of a length the host knows in advance. A transport moves
 * bytes only; it never interprets a command (that is protocol/) and never retries (that is probe/).
 *
 * Implementations: WebUSB (node-usb's WebUSB and browsers), the stlink-server TCP client, and the
 * in-process transport to a virtual probe.
 */
export type DataPhase =
  | { readonly kind: 'none' }
  | { readonly kind: 'write'; readonly data: Uint8Array }
  | { readonly kind: 'read'; readonly length: number };

export const NO_DATA: DataPhase = { kind: 'none' };

/** Who a transport reaches: what `swdkit list` prints and what `--serial` matches. */
export interface ProbeIdentity {
  readonly vid: number;
  readonly pid: number;
  /** The USB serial number as the probe reports it (hex digits on V2-1/V3). */
  readonly serial: string;
  /** Where it is: "usb:BUS-PORTS", "tcp:127.0.0.1:7184#2", "sim:v2-1". */
  readonly location: string;
}

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
}

/**
 * The device side of an in-process link: a virtual probe (src/sim/probe) has this shape without
 * importing transport/ (the simulator may not import the host stack), and the in-process transport
 * and the server's device table use it. `exchange` may answer synchronously or after a delay (a
 * virtual probe in real-time mode holds each reply back by its modelled cost).
 */
export interface StLinkDevice {
  readonly identity: ProbeIdentity;
  exchange(command: Uint8Array, phase: DataPhase): Uint8Array | Promise<Uint8Array>;
  readTrace(length: number): Uint8Array | Promise<Uint8Array>;
}

/*
 * Additions (declaration merging keeps the contract above untouched).
 *
 * `modelledNanoseconds`, optional on a device and on a transport: the modelled cost, in virtual
 * nanoseconds, of every exchange answered so far (USB round trips, payload and SWD wire time, as the
 * virtual probe models them). A monotonic counter, so a caller that serialises exchanges (the server's
 * per-device queue) attributes the difference across one exchange to the client that sent it. Real
 * probes do not have it; callers then report 0.
 */
export interface StLinkDevice {
  modelledNanoseconds?(): number;
}

export interface StLinkTransport {
  modelledNanoseconds?(): number;
}
