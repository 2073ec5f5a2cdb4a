import { UnavailableError } from '../../util/errors.js';
import { findUsbHolders } from './usb-holders.node.js';
import type { UsbHolder } from './usb-holders.js';
import type { UsbLike } from './webusb-api.js';
import * as webusb from './webusb-transport.js';

/**
 * The WebUSB object on Node: node-usb's WebUSB implementation with every device allowed (there is
 * no browser permission prompt to stand in for). Imported lazily so that hosts without a USB stack
 * never load the native module.
 */
export async function nodeWebUsb(): Promise<UsbLike> {
  try {
    const { WebUSB } = await import('usb');
    // node-usb adds transferIn/transferOut to its device class at run time (dist/index.js) but its
    // declarations do not show them on the class WebUSB.getDevices returns.
    return new WebUSB({ allowAllDevices: true }) as unknown as UsbLike;
  } catch (error) {
    throw new UnavailableError(
      'usb-stack',
      `Cannot load node-usb: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'Reinstall swdkit (npm rebuild usb); or use a probe served over TCP by `swdkit server` elsewhere.',
        cause: error,
      },
    );
  }
}

/** What this Node process can tell about its host, for webusb-transport.ts's messages. */
export interface NodeUsbHostOptions {
  /** Default process.platform. */
  readonly platform?: string;
  /** Where to look for the process holding a busy probe (Linux); default /proc, injectable for tests. */
  readonly procRoot?: string;
}

/** The UsbHost of this process: its platform, and on Linux a /proc scan that leaves this process out. */
export function nodeUsbHost(options: NodeUsbHostOptions = {}): webusb.UsbHost {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') return { platform };
  const procRoot = options.procRoot;
  return {
    platform,
    findHolders: (bus, address) =>
      findUsbHolders(bus, address, {
        excludePid: process.pid,
        ...(procRoot === undefined ? {} : { procRoot }),
      }),
  };
}

export type NodeOpenStLinkOptions = Omit<webusb.OpenStLinkOptions, keyof webusb.UsbHost> & NodeUsbHostOptions;

/** webusb-transport.ts's openStLink with this process's host filled in. */
export function openStLink(
  usb: UsbLike,
  options: NodeOpenStLinkOptions = {},
): Promise<webusb.WebUsbTransport> {
  const { platform, procRoot, ...rest } = options;
  return webusb.openStLink(usb, { ...rest, ...nodeUsbHost(hostOptions(platform, procRoot)) });
}

/** webusb-transport.ts's heldBy with this process's host filled in. */
export function heldBy(
  found: webusb.FoundStLink,
  options: NodeUsbHostOptions = {},
): Promise<UsbHolder[] | undefined> {
  return webusb.heldBy(found, nodeUsbHost(options));
}

function hostOptions(platform: string | undefined, procRoot: string | undefined): NodeUsbHostOptions {
  return {
    ...(platform === undefined ? {} : { platform }),
    ...(procRoot === undefined ? {} : { procRoot }),
  };
}
