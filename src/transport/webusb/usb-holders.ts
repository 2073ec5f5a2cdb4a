/** A process that has a USB device node open. */
export interface UsbHolder {
  readonly pid: number;
  /** Its command line, arguments separated by spaces (from /proc/PID/cmdline, else comm). */
  readonly cmdline: string;
}

/**
 * Who holds the USB device at `bus`/`address` open, for the "in use by" message: the host's answer
 * (usb-holders.node.ts scans /proc on Linux). A browser cannot tell, and passes none.
 */
export type UsbHolderLookup = (bus: number, address: number) => Promise<UsbHolder[]>;

/** The usbfs node libusb opens for a device: /dev/bus/usb/BBB/DDD. */
export function usbDeviceNode(bus: number, address: number): string {
  return `/dev/bus/usb/${String(bus).padStart(3, '0')}/${String(address).padStart(3, '0')}`;
}
