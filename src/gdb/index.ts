/** The GDB remote-protocol server: framing, the connection over a GdbTarget, and the Session's target. */
export * from './rsp-framing.js';
export * from './target.js';
export * from './registers.js';
export * from './memory-map.js';
export * from './stop-reply.js';
export * from './monitor.js';
export * from './connection.js';
export * from './session-target.js';
