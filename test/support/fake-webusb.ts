import type { StLinkDevice } from '../../src/protocol/link.js';
import type {
  UsbConfigurationLike,
  UsbDeviceLike,
  UsbInTransferResult,
  UsbLike,
  UsbOutTransferResult,
} from '../../src/transport/webusb/webusb-api.js';

/** Which data phase follows a command block; the fake needs it to pair transfers into exchanges. */
export type FakePhaseOf = (command: Uint8Array) => 'write' | 'read' | 'none';

/**
 * A rough default that does not lean on protocol/'s command table, so the transport's specs test the
 * transport alone: the write-data memory commands and RW_MISC_OUT take a write phase, EXIT/DFU_EXIT/
 * API v1 ENTER none, everything else a read. A test that drives real commands can pass protocol/'s
 * dataPhaseOf instead.
 */
export const defaultFakePhaseOf: FakePhaseOf = (c) => {
  if (c[0] === 0xf3 && c[1] === 0x07) return 'none';
  if (c[0] !== 0xf2) return 'read';
  if ([0x08, 0x0d, 0x48, 0x50, 0x51].includes(c[1] ?? 0)) return 'write';
  if (c[1] === 0x21 || c[1] === 0x20) return 'none';
  return 'read';
};

export interface FakeUsbDeviceOptions {
  readonly vendorId?: number;
  readonly productId?: number;
  readonly serialNumber?: string;
  readonly bus?: string;
  readonly address?: number;
  readonly ports?: readonly number[];
  readonly outEndpoint?: number;
  readonly inEndpoint?: number;
  readonly traceEndpoint?: number;
  readonly phaseOf?: FakePhaseOf;
}

/**
 * A WebUSB device object (the calls WebUsbTransport uses) in front of a StLinkDevice: bulk OUT of a
 * 16-byte block starts a command, the next OUT (write) or IN (read) is its data phase. Failures can
 * be injected per step: `failOpen`, `failClaim`, `unplugAfter` transfers, `hang` (never answers).
 */
export class FakeUsbDevice implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string;
  readonly bus: string | undefined;
  readonly address: number | undefined;
  readonly ports: readonly number[] | undefined;
  readonly configurations: readonly UsbConfigurationLike[] = [{ configurationValue: 1 }];
  configuration: UsbConfigurationLike | null = null;
  opened = false;
  claimed = false;
  failOpen: Error | undefined;
  failClaim: Error | undefined;
  unplugAfter = Infinity;
  hang = false;
  transfers = 0;
  readonly calls: string[] = [];
  private held: Uint8Array | undefined;
  private readonly out: number;
  private readonly in: number;
  private readonly trace: number;
  private readonly phaseOf: FakePhaseOf;

  constructor(
    private readonly device: StLinkDevice,
    options: FakeUsbDeviceOptions = {},
  ) {
    this.vendorId = options.vendorId ?? device.identity.vid;
    this.productId = options.productId ?? device.identity.pid;
    this.serialNumber = options.serialNumber ?? device.identity.serial;
    this.bus = options.bus;
    this.address = options.address;
    this.ports = options.ports;
    this.out = options.outEndpoint ?? 1;
    this.in = options.inEndpoint ?? 1;
    this.trace = options.traceEndpoint ?? 2;
    this.phaseOf = options.phaseOf ?? defaultFakePhaseOf;
  }

  open(): Promise<void> {
    this.calls.push('open');
    if (this.failOpen) return Promise.reject(this.failOpen);
    this.opened = true;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.calls.push('close');
    this.opened = false;
    return Promise.resolve();
  }

  selectConfiguration(value: number): Promise<void> {
    this.calls.push(`selectConfiguration(${value})`);
    this.configuration = this.configurations.find((c) => c.configurationValue === value) ?? null;
    return Promise.resolve();
  }

  claimInterface(n: number): Promise<void> {
    this.calls.push(`claimInterface(${n})`);
    if (this.failClaim) return Promise.reject(this.failClaim);
    this.claimed = true;
    return Promise.resolve();
  }

  releaseInterface(n: number): Promise<void> {
    this.calls.push(`releaseInterface(${n})`);
    this.claimed = false;
    return Promise.resolve();
  }

  async transferOut(endpoint: number, data: Uint8Array): Promise<UsbOutTransferResult> {
    await this.step();
    if (endpoint !== this.out || !this.claimed) return { status: 'stall', bytesWritten: 0 };
    if (this.held) {
      const command = this.held;
      this.held = undefined;
      await this.device.exchange(command, { kind: 'write', data: data.slice() });
      return { status: 'ok', bytesWritten: data.length };
    }
    if (data.length !== 16) return { status: 'stall', bytesWritten: 0 };
    const phase = this.phaseOf(data);
    if (phase === 'none') await this.device.exchange(data.slice(), { kind: 'none' });
    else this.held = data.slice();
    return { status: 'ok', bytesWritten: data.length };
  }

  async transferIn(endpoint: number, length: number): Promise<UsbInTransferResult> {
    await this.step();
    if (!this.claimed) return { status: 'stall' };
    let bytes: Uint8Array;
    if (endpoint === this.trace && endpoint !== this.in) {
      bytes = await this.device.readTrace(length);
    } else if (endpoint === this.in && this.held) {
      const command = this.held;
      this.held = undefined;
      bytes = await this.device.exchange(command, { kind: 'read', length });
    } else {
      return { status: 'stall' };
    }
    return { status: 'ok', data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  private async step(): Promise<void> {
    if (this.hang) await new Promise<never>(() => undefined);
    if (this.transfers++ >= this.unplugAfter) {
      this.opened = false;
      throw new Error('LIBUSB_ERROR_NO_DEVICE: No such device (it may have been disconnected)');
    }
  }
}

/** `navigator.usb` in front of fake devices. */
export class FakeUsb implements UsbLike {
  constructor(readonly devices: UsbDeviceLike[]) {}
  getDevices(): Promise<UsbDeviceLike[]> {
    return Promise.resolve([...this.devices]);
  }
}
