export { binImage } from './bin.js';
export { elfImage } from './elf.js';
export { parseElf, type ElfFile, type ElfSymbol, type ElfSegment } from './elf-file.js';
export { ihexImage } from './ihex.js';
export { detectFormat, loadImage, type LoadImageOptions } from './load.js';
export { srecImage } from './srec.js';
export type { Image, ImageFormat, Segment } from './types.js';
