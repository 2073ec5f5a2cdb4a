/** Bytes to place at an address in target memory. */
export interface Segment {
  readonly address: number;
  readonly data: Uint8Array;
}

export type ImageFormat = 'elf' | 'ihex' | 'srec' | 'bin';

/** A firmware image as flashing sees it: where each byte goes, and where execution starts. */
export interface Image {
  readonly format: ImageFormat;
  /** Sorted by address, non-overlapping, adjacent runs merged (see segments.ts). */
  readonly segments: readonly Segment[];
  /** The entry point, when the format records one (ELF e_entry, HEX type 05, S-record S7/S8/S9). */
  readonly entry: number | undefined;
}
