import { UnavailableError } from '../../util/errors.js';
import type { UsbLike } from './webusb-api.js';

/**
 * The WebUSB object on Node: node-usb's WebUSB implementation with every device allowed (there is
 * no browser permission prompt to stand in for). Imported lazily so that browser bundles and hosts
 * without a USB stack never load the native module.
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
