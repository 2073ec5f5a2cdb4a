/**
 * swdkit's Node-only entry point (`import … from 'swdkit/node'`): the `*.node.ts` edge files, which use
 * Node's USB stack (node-usb, with the /proc lookup of who holds a busy probe), TCP or the file
 * system, and the pure helpers that go with them. Use it beside the main entry `swdkit`, which has
 * everything that runs anywhere; this is the only entry that reaches a `*.node.ts` file.
 */
export {
  heldBy,
  nodeUsbHost,
  nodeWebUsb,
  openStLink,
  type NodeOpenStLinkOptions,
  type NodeUsbHostOptions,
} from './transport/webusb/node-usb.node.js';
export { findUsbHolders } from './transport/webusb/usb-holders.node.js';
export { usbDeviceNode, type UsbHolder, type UsbHolderLookup } from './transport/webusb/usb-holders.js';
export { UDEV_RULES_PATH, udevHint, udevRules } from './transport/webusb/udev.js';

export {
  connectStLinkServer,
  listStLinkServer,
  StLinkServerTransport,
  type StLinkServerClientOptions,
  type StLinkServerListing,
} from './transport/stlink-server/client.node.js';
export { STLINK_SERVER_DEFAULT_PORT } from './transport/stlink-server/wire.js';
/** The stlink-server TCP protocol's codec (requests, replies, status words), for other clients or servers. */
export * as stlinkServerWire from './transport/stlink-server/wire.js';

export {
  startServer,
  type ServerEvent,
  type ServerOptions,
  type StLinkServer,
} from './server/server.node.js';
export type { SessionStats } from './server/stats.node.js';

export { readImageFile } from './flash/image/load.node.js';
export {
  decodeState,
  encodeState,
  loadState,
  saveState,
  STATE_FORMAT_VERSION,
} from './sim/board/state-file.node.js';
