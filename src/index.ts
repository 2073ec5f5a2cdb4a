/** swdkit's library entry point. Layers export their public API here as they land. */
export * from './util/errors.js';
