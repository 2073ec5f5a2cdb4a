/**
 * The part of the WebUSB API (https://wicg.github.io/webusb/) the ST-Link transport uses, declared
 * here because the library compiles without the DOM lib. Browsers' `navigator.usb` and node-usb's
 * `new WebUSB({ allowAllDevices: true })` both fit it; tests inject a fake.
 */
export interface UsbInTransferResult {
  readonly status?: 'ok' | 'stall' | 'babble' | undefined;
  readonly data?: DataView | undefined;
}

export interface UsbOutTransferResult {
  readonly status?: 'ok' | 'stall' | 'babble' | undefined;
  readonly bytesWritten: number;
}

export interface UsbConfigurationLike {
  readonly configurationValue: number;
}

export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber?: string | null | undefined;
  readonly opened: boolean;
  readonly configuration?: UsbConfigurationLike | null | undefined;
  readonly configurations?: readonly UsbConfigurationLike[] | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /** node-usb takes a timeout in ms as a third argument; browsers ignore it. */
  transferOut(endpointNumber: number, data: Uint8Array, timeout?: number): Promise<UsbOutTransferResult>;
  transferIn(endpointNumber: number, length: number, timeout?: number): Promise<UsbInTransferResult>;
  /** node-usb extras: the bus ("1" or "1-4.2"), the device address, the port chain. */
  readonly bus?: string | undefined;
  readonly address?: number | undefined;
  readonly ports?: readonly number[] | undefined;
}

export interface UsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
}
