import { MEMORY } from './memory-map.js';

/**
 * Contents of system memory (0x1FFF0000). On silicon this is ST's boot loader; swdkit ships no ST
 * code, so this is a stand-in written here: a vector table whose reset handler sleeps in a WFI
 * loop, and whose fault handlers spin. Booting from system memory (BOOT0 high, BOOT1 low) therefore
 * gives a core that runs, sleeps and answers the debugger — which is what matters for recovering a
 * board whose flash firmware disables SWD (the point of the BOOT0 pin).
 *
 * Layout: 16 vectors, then the code at 0x40.
 *   0x40  WFI           0xBF30
 *   0x42  B.N 0x40      0xE7FD
 *   0x44  B.N 0x44      0xE7FE   (NMI, HardFault and every other exception)
 */
export function standInBootProgram(): Uint8Array {
  const image = new Uint8Array(MEMORY.SYSTEM_SIZE).fill(0xff);
  const view = new DataView(image.buffer);
  const resetHandler = MEMORY.SYSTEM_BASE + 0x40;
  const spinHandler = MEMORY.SYSTEM_BASE + 0x44;
  // The loader's stack: the top of SRAM1's first 8 KiB, as ST's loader also keeps low in SRAM.
  view.setUint32(0, MEMORY.SRAM_BASE + 0x2000, true);
  view.setUint32(4, resetHandler | 1, true);
  for (let vector = 2; vector < 16; vector++) view.setUint32(4 * vector, spinHandler | 1, true);
  view.setUint16(0x40, 0xbf30, true);
  view.setUint16(0x42, 0xe7fd, true);
  view.setUint16(0x44, 0xe7fe, true);
  return image;
}
