/**
 * The memory map gdb reads with qXfer:memory-map:read (GDB manual, "Memory Map Format"): main flash
 * as flash blocks, one per run of equal sectors with the sector size as its blocksize (so `load`
 * erases whole sectors through vFlashErase and writes through vFlashWrite), and everything else as
 * RAM — gdb refuses any access outside the map, and peripherals, the system memory and the debug
 * registers must stay reachable.
 */
import type { TargetLayout } from './target.js';

const ADDRESS_SPACE = 0x1_0000_0000;

interface Block {
  readonly start: number;
  readonly length: number;
  readonly blocksize?: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export function memoryMap(layout: TargetLayout): string {
  const flash: Block[] = [];
  for (const sector of layout.flashSectors) {
    const last = flash[flash.length - 1];
    if (last !== undefined && last.blocksize === sector.size && last.start + last.length === sector.address) {
      flash[flash.length - 1] = { ...last, length: last.length + sector.size };
    } else {
      flash.push({ start: sector.address, length: sector.size, blocksize: sector.size });
    }
  }
  // The gaps around flash are RAM to gdb (the boot alias included: gdb reads it, writes are refused).
  const blocks: Block[] = [];
  let at = 0;
  for (const block of flash) {
    if (block.start > at) blocks.push({ start: at, length: block.start - at });
    blocks.push(block);
    at = block.start + block.length;
  }
  if (at < ADDRESS_SPACE) blocks.push({ start: at, length: ADDRESS_SPACE - at });
  const lines = blocks.map((b) =>
    b.blocksize === undefined
      ? `  <memory type="ram" start="${hex(b.start)}" length="${hex(b.length)}"/>`
      : `  <memory type="flash" start="${hex(b.start)}" length="${hex(b.length)}">\n    <property name="blocksize">${hex(b.blocksize)}</property>\n  </memory>`,
  );
  return (
    '<?xml version="1.0"?>\n' +
    '<!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">\n' +
    `<memory-map>\n${lines.join('\n')}\n</memory-map>\n`
  );
}
