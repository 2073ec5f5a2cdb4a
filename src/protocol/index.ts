/** ST-Link command codecs, status table and firmware capability gates: pure functions, no I/O. */
export * from './opcodes.js';
export * from './frame.js';
export * from './link.js';
export * from './usb-ids.js';
export * from './status.js';
export * from './regsel.js';
export * from './speed.js';
export * from './version.js';
export * from './commands.js';
export * from './replies.js';
