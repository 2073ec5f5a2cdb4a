import { BadInputError, TimeoutError, UnavailableError } from '../../util/errors.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { withTimeout } from '../../util/timeout.js';
import { closedTransportError } from '../errors.js';
import { COMMAND_LENGTH } from '../../protocol/frame.js';
import type { DataPhase, ProbeIdentity, StLinkTransport } from '../../protocol/link.js';
import { stLinkUsbModel, type StLinkUsbModel } from '../../protocol/usb-ids.js';
import { STLINK_SERVER_DEFAULT_PORT } from '../stlink-server/wire.js';
import { udevHint } from './udev.js';
import { usbDeviceNode, type UsbHolder, type UsbHolderLookup } from './usb-holders.js';
import type { UsbDeviceLike, UsbLike } from './webusb-api.js';

/** OpenOCD's libusb timeout per transfer (A.1). */
export const DEFAULT_USB_TIMEOUT_MS = 6000;

export interface FoundStLink {
  readonly identity: ProbeIdentity;
  readonly model: string;
  readonly device: UsbDeviceLike;
}

/** Every ST-Link the WebUSB object can see (A.1's VID/PIDs), with identity and serial. */
export async function findStLinks(usb: UsbLike): Promise<FoundStLink[]> {
  let devices: UsbDeviceLike[];
  try {
    devices = await usb.getDevices();
  } catch (error) {
    throw new UnavailableError(
      'usb-enumerate',
      `Cannot list USB devices: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'This host exposes no USB bus to swdkit (a container without /sys/bus/usb or /dev/bus/usb?). Pass the devices through, or reach the probe through `swdkit server` on the machine it is plugged into.',
        cause: error,
      },
    );
  }
  const found: FoundStLink[] = [];
  for (const device of devices) {
    const model = stLinkUsbModel(device.vendorId, device.productId);
    if (model) found.push({ identity: identityOf(device), model: model.model, device });
  }
  return found;
}

/**
 * What the host can tell about itself, for the messages of a probe that cannot be opened. A browser
 * passes none; on Node, node-usb.node.ts fills both in.
 */
export interface UsbHost {
  /** The operating system as Node names it ('linux', 'darwin', 'win32'): picks the permission hint. */
  readonly platform?: string;
  /** Who holds a busy probe; absent where the host cannot tell. */
  readonly findHolders?: UsbHolderLookup;
}

export interface OpenStLinkOptions extends UsbHost {
  /** Open the probe with this USB serial; default the only one (several → an error listing them). */
  readonly serial?: string;
  readonly timeoutMs?: number;
}

/** Finds, opens and claims an ST-Link: the USB half of B.2 step 1. */
export async function openStLink(usb: UsbLike, options: OpenStLinkOptions = {}): Promise<WebUsbTransport> {
  const all = await findStLinks(usb);
  const [first] = all;
  if (first === undefined) {
    throw new UnavailableError('no-probe', 'No ST-Link is connected.', {
      hint: 'Plug in the probe (check the cable carries data), or use the virtual board with `swdkit sim`.',
    });
  }
  let chosen: FoundStLink | undefined;
  if (options.serial !== undefined) {
    chosen = all.find((f) => f.identity.serial === options.serial);
    if (!chosen) {
      throw new UnavailableError(
        'serial-mismatch',
        `No ST-Link with serial ${options.serial} is connected.`,
        {
          hint: `Connected: ${all.map((f) => `${f.model} ${f.identity.serial}`).join(', ')}.`,
        },
      );
    }
  } else if (all.length > 1) {
    throw new UnavailableError('several-probes', `${all.length} ST-Links are connected; which one?`, {
      hint: `Pick one with --serial: ${all.map((f) => `${f.identity.serial} (${f.model})`).join(', ')}.`,
    });
  } else {
    chosen = first;
  }
  return WebUsbTransport.open(chosen, options);
}

/** The bus number and device address of a node-usb device, when it tells them. */
export function busAndAddress(device: UsbDeviceLike): { bus: number; address: number } | undefined {
  const match = /^(\d+)/.exec(device.bus ?? '');
  if (!match || device.address === undefined) return undefined;
  return { bus: Number(match[1]), address: device.address };
}

function identityOf(device: UsbDeviceLike): ProbeIdentity {
  const ports = device.ports && device.ports.length > 0 ? device.ports.join('.') : undefined;
  const bus = device.bus ?? '';
  const location =
    bus === ''
      ? 'usb:webusb'
      : bus.includes('-') || ports === undefined
        ? `usb:${bus}`
        : `usb:${bus}-${ports}`;
  return { vid: device.vendorId, pid: device.productId, serial: device.serialNumber ?? '', location };
}

type Failure = 'permission' | 'busy' | 'unplugged' | 'other';

/** Sorts a WebUSB/libusb error by what the user can do about it. */
export function classifyUsbError(error: unknown, step: 'open' | 'claim' | 'transfer'): Failure {
  const name = error instanceof Error ? error.name : '';
  const text = `${name} ${error instanceof Error ? error.message : String(error)}`;
  if (/SecurityError|LIBUSB_ERROR_ACCESS|access denied|permission|EACCES|EPERM/i.test(text))
    return 'permission';
  if (/LIBUSB_ERROR_BUSY|resource busy|EBUSY|\bbusy\b/i.test(text)) return 'busy';
  // Chrome reports a claim another program holds as a NetworkError "Unable to claim interface".
  if (step === 'claim' && /NetworkError|unable to claim/i.test(text)) return 'busy';
  if (/NO_DEVICE|no such device|disconnected|NotFoundError|ENODEV|device (was )?(gone|removed)/i.test(text)) {
    return 'unplugged';
  }
  return 'other';
}

/**
 * A StLinkTransport on the WebUSB API (A.1 framing): each command is one 16-byte bulk OUT, then at
 * most one data phase — a bulk OUT of the write data, or a bulk IN of exactly the length asked for.
 */
export class WebUsbTransport implements StLinkTransport {
  private readonly queue = new SerialQueue();
  private closed = false;
  private unplugged = false;

  private constructor(
    readonly identity: ProbeIdentity,
    readonly model: StLinkUsbModel,
    private readonly device: UsbDeviceLike,
    private readonly timeoutMs: number,
  ) {}

  static async open(found: FoundStLink, options: OpenStLinkOptions = {}): Promise<WebUsbTransport> {
    const { device, identity } = found;
    const model = stLinkUsbModel(device.vendorId, device.productId);
    if (!model)
      throw new UnavailableError('not-an-stlink', `USB device ${identity.location} is not an ST-Link.`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_USB_TIMEOUT_MS;
    const name = `${model.model} ${identity.serial}`;
    try {
      if (!device.opened) await device.open();
      // OpenOCD selects the first configuration only if it is not already active (A.1 step 3).
      const first = device.configurations?.[0]?.configurationValue ?? 1;
      if (device.configuration?.configurationValue !== first) await device.selectConfiguration(first);
    } catch (error) {
      throw await openError(error, 'open', found, name, options);
    }
    try {
      await device.claimInterface(0);
    } catch (error) {
      const failure = await openError(error, 'claim', found, name, options);
      await device.close().catch(() => undefined);
      throw failure;
    }
    return new WebUsbTransport(identity, model, device, timeoutMs);
  }

  exchange(command: Uint8Array, phase: DataPhase): Promise<Uint8Array> {
    return this.serial(async () => {
      if (command.length !== COMMAND_LENGTH) {
        throw new BadInputError(
          'usb-command-size',
          `An ST-Link command block is ${COMMAND_LENGTH} bytes, not ${command.length}.`,
        );
      }
      await this.out(command);
      if (phase.kind === 'write') await this.out(phase.data);
      if (phase.kind === 'read') return this.in(this.model.inEndpoint, phase.length);
      return new Uint8Array(0);
    });
  }

  readTrace(length: number): Promise<Uint8Array> {
    return this.serial(() => this.in(this.model.traceEndpoint, length));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.queue.run(async () => {
      if (this.unplugged) return;
      await this.device.releaseInterface(0).catch(() => undefined);
      await this.device.close().catch(() => undefined);
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedTransportError(this.identity.location));
    return this.queue.run(task);
  }

  private async out(data: Uint8Array): Promise<void> {
    const result = await this.transfer('OUT', () =>
      this.device.transferOut(this.model.outEndpoint, data, this.timeoutMs),
    );
    if ((result.status ?? 'ok') !== 'ok' || result.bytesWritten !== data.length) {
      throw this.transferError(
        `bulk OUT of ${data.length} bytes ended with ${result.status ?? 'ok'} after ${result.bytesWritten}`,
      );
    }
  }

  private async in(endpoint: number, length: number): Promise<Uint8Array> {
    const result = await this.transfer('IN', () => this.device.transferIn(endpoint, length, this.timeoutMs));
    const data = result.data;
    if ((result.status ?? 'ok') !== 'ok' || data?.byteLength !== length) {
      throw this.transferError(
        `bulk IN of ${length} bytes ended with ${result.status ?? 'ok'} and ${data?.byteLength ?? 0} bytes`,
      );
    }
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }

  private async transfer<T>(direction: string, run: () => Promise<T>): Promise<T> {
    if (this.unplugged) throw this.unpluggedError();
    try {
      return await withTimeout(
        run(),
        this.timeoutMs,
        () =>
          new TimeoutError(
            'usb-transfer',
            `${this.name()} did not complete a bulk ${direction} within ${this.timeoutMs} ms.`,
            {
              hint: 'The probe firmware is stuck; replug it. If it happens again, update the ST-Link firmware.',
            },
          ),
      );
    } catch (error) {
      if (error instanceof TimeoutError) throw error;
      if (classifyUsbError(error, 'transfer') === 'unplugged') {
        this.unplugged = true;
        throw this.unpluggedError(error);
      }
      throw new UnavailableError(
        'usb-transfer',
        `USB transfer to ${this.name()} failed: ${(error as Error).message}`,
        {
          hint: 'Replug the probe; try another cable or port if it recurs.',
          cause: error,
        },
      );
    }
  }

  private name(): string {
    return `${this.model.model} ${this.identity.serial}`;
  }

  private unpluggedError(cause?: unknown): UnavailableError {
    return new UnavailableError(
      'probe-unplugged',
      `${this.name()} was unplugged (or reset itself) during a transfer.`,
      {
        hint: 'Plug it back in and run the command again; the target was left in whatever state the last command put it.',
        cause,
      },
    );
  }

  private transferError(detail: string): UnavailableError {
    return new UnavailableError('usb-transfer', `USB transfer to ${this.name()} failed: ${detail}.`, {
      hint: 'Replug the probe; if it recurs, update the ST-Link firmware.',
    });
  }
}

async function openError(
  error: unknown,
  step: 'open' | 'claim',
  found: FoundStLink,
  name: string,
  options: OpenStLinkOptions,
): Promise<UnavailableError> {
  switch (classifyUsbError(error, step)) {
    case 'permission':
      return new UnavailableError('usb-permission', `Permission denied opening ${name}.`, {
        hint:
          options.platform === 'linux'
            ? udevHint()
            : 'Allow access to the USB device (on Windows, install the WinUSB driver for it).',
        cause: error,
      });
    case 'busy': {
      const where = busAndAddress(found.device);
      const holders = await heldBy(found, options);
      const share =
        'To use the probe from several programs at once, serve it with `swdkit server` and point each of them at it ' +
        `(OpenOCD: -c "hla_stlink_backend tcp ${STLINK_SERVER_DEFAULT_PORT}").`;
      const message =
        holders !== undefined && holders.length > 0
          ? `${name} is in use by ${holders.map((h) => `process ${h.pid} (${h.cmdline})`).join(', ')}.`
          : holders !== undefined && where
            ? `${name} is in use by another program (no process of this user has ${usbDeviceNode(where.bus, where.address)} open; it may belong to another user — run as root to see it).`
            : `${name} is in use by another program.`;
      return new UnavailableError('usb-busy', message, {
        hint: `${holders !== undefined && holders.length > 0 ? 'Stop that program. ' : 'Close the other program (an IDE, OpenOCD, STM32CubeProgrammer). '}${share}`,
        cause: error,
      });
    }
    case 'unplugged':
      return new UnavailableError('probe-unplugged', `${name} disappeared while it was being opened.`, {
        hint: 'Plug it back in and try again.',
        cause: error,
      });
    case 'other':
      return new UnavailableError(
        'usb-open',
        `Cannot open ${name}: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'Replug the probe and try again.',
          cause: error,
        },
      );
  }
}

/**
 * For `swdkit list` and the busy message: the processes that hold a found probe, as the host's
 * lookup tells them, or undefined where that cannot be told (no lookup, no bus/address).
 */
export async function heldBy(found: FoundStLink, host: UsbHost = {}): Promise<UsbHolder[] | undefined> {
  const where = busAndAddress(found.device);
  if (host.findHolders === undefined || !where) return undefined;
  return host.findHolders(where.bus, where.address);
}
