import { F_SIZE_KIB, MEMORY } from './memory-map.js';

/** What makes one virtual chip different from another: its 96-bit unique ID (RM0090 §39.1). */
export interface DeviceIdentity {
  /** U_ID[95:0] as three words, lowest address first. */
  readonly uniqueId: readonly [number, number, number];
}

/**
 * A fixed ID, in the format ST uses (wafer X/Y coordinates, wafer number, lot number in ASCII), so
 * that two runs of the same board agree.
 */
export const DEFAULT_IDENTITY: DeviceIdentity = { uniqueId: [0x0033_0021, 0x3133_5104, 0x3930_3537] };

/**
 * The 32-byte block at 0x1FFF7A10: U_ID at +0x00..+0x0B, F_SIZE (flash size in KiB, 16 bits) at
 * +0x12 (RM0090 §39.2). Other bytes read as 0xFF, as the unprogrammed system area does.
 */
export function deviceInfoBlock(identity: DeviceIdentity = DEFAULT_IDENTITY): Uint8Array {
  const block = new Uint8Array(0x20).fill(0xff);
  const view = new DataView(block.buffer);
  identity.uniqueId.forEach((word, i) => {
    view.setUint32(4 * i, word >>> 0, true);
  });
  view.setUint16(MEMORY.F_SIZE - MEMORY.UID_BASE, F_SIZE_KIB, true);
  return block;
}
