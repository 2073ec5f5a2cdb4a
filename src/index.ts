/**
 * swdkit's library entry point (`import … from 'swdkit'`): the layers that run anywhere, a browser
 * included — errors, the ARMv7-M and ADIv5 register facts (as `arch`), the ST-Link protocol codecs, the transport contract with the WebUSB and
 * in-process transports, the host-side ST-Link driver, and the firmware image parsers that take bytes.
 * What needs Node (node-usb, TCP, files) is in `swdkit/node`; the virtual board is `swdkit/sim`.
 */
export * from './util/errors.js';

/** Named as the ARM ARM and ADIv5 name them; a namespace, since protocol/ has its own REGSEL. */
export * as arch from './arch/index.js';

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
} from './transport/webusb/webusb-transport.js';

export * from './probe/index.js';

export { binImage } from './flash/image/bin.js';
export { elfImage } from './flash/image/elf.js';
export { parseElf, type ElfFile, type ElfSegment, type ElfSymbol } from './flash/image/elf-file.js';
export { ihexImage } from './flash/image/ihex.js';
export { srecImage } from './flash/image/srec.js';
export { detectFormat, loadImage, type LoadImageOptions } from './flash/image/load.js';
export type { Image, ImageFormat, Segment } from './flash/image/types.js';
