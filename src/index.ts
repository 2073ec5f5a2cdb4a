/**
 * swdkit's library entry point (`import … from 'swdkit'`): the layers that run anywhere, a browser
 * included — errors, the ARMv7-M and ADIv5 register facts (as `arch`), the chip descriptions, the
 * ST-Link protocol codecs with the probe link contract and the USB id table, the WebUSB and in-process
 * transports, the host-side ST-Link driver, and flashing (image parsers that take bytes, the planner,
 * the programmer, the STM32F4 driver). Nothing reached from here imports a `*.node.ts` file or a
 * `node:` module (test/package/pack.test.ts checks the built graph). What needs Node (node-usb, TCP,
 * files, /proc) is in `swdkit/node`; the virtual board is `swdkit/sim`.
 */
export * from './util/errors.js';

/** Named as the ARM ARM and ADIv5 name them; a namespace, since protocol/ has its own REGSEL. */
export * as arch from './arch/index.js';

export * from './target/index.js';

export * from './protocol/index.js';

export { StLinkServerBusyError } from './transport/errors.js';
export { InProcessTransport } from './transport/in-process.js';
export type {
  UsbConfigurationLike,
  UsbDeviceLike,
  UsbInTransferResult,
  UsbLike,
  UsbOutTransferResult,
} from './transport/webusb/webusb-api.js';
export {
  DEFAULT_USB_TIMEOUT_MS,
  findStLinks,
  openStLink,
  WebUsbTransport,
  type FoundStLink,
  type OpenStLinkOptions,
  type UsbHost,
} from './transport/webusb/webusb-transport.js';
export type { UsbHolder, UsbHolderLookup } from './transport/webusb/usb-holders.js';

export * from './probe/index.js';

export type { MemoryAccess } from './arm/memory-access.js';

export * from './flash/index.js';

export * from './arm/index.js';

export * from './session.js';

export * from './doctor/index.js';
export { recover, type RecoverOptions, type RecoverReport } from './doctor/recover.js';
