import { BadInputError } from '../util/errors.js';

/**
 * How one memory access becomes ST-Link memory commands (docs/stlink-protocol.md §A.5):
 * - no command crosses a MEM-AP TAR auto-increment block (1 KiB or 4 KiB, ADIv5 §7.2.2: TAR only
 *   increments within the block, so the firmware's auto-incrementing transfer must not cross it);
 * - the 4-byte-aligned middle goes as 32-bit commands of at most maxRw16_32 bytes;
 * - an unaligned head or tail (< 4 bytes) goes as one 16-bit command when it is halfword-aligned and
 *   even and the firmware has 16-bit access, otherwise as one 8-bit command.
 * A caller that needs a given access size (peripheral registers, flash programmed at PSIZE x8/x16)
 * asks for `width` 8 or 16: every chunk then uses that size (16-bit falls back to 8-bit on firmware
 * without it, as OpenOCD does), 8-bit chunks of at most maxRw8 bytes.
 */
export interface TransferLimits {
  readonly maxRw8: number;
  readonly maxRw16_32: number;
  readonly tarBlock: number;
  readonly hasMem16Bit: boolean;
}

export interface TransferChunk {
  readonly width: 8 | 16 | 32;
  readonly address: number;
  readonly length: number;
  /** Offset of the chunk in the caller's buffer. */
  readonly offset: number;
}

export function planTransfer(
  address: number,
  length: number,
  limits: TransferLimits,
  width?: 8 | 16,
): TransferChunk[] {
  if (!Number.isInteger(address) || !Number.isInteger(length) || address < 0 || length < 0) {
    throw new BadInputError('memory-range', `cannot access ${length} bytes at ${address}`);
  }
  if (address + length > 2 ** 32) {
    throw new BadInputError(
      'memory-range',
      `${length} bytes at 0x${address.toString(16)} run past the end of the 32-bit address space`,
    );
  }
  const chunks: TransferChunk[] = [];
  const start = address;
  const push = (width: 8 | 16 | 32, at: number, n: number): void => {
    chunks.push({ width, address: at, length: n, offset: at - start });
  };
  const small = (from: number, to: number): void => {
    if (to <= from) return;
    if (limits.hasMem16Bit && from % 2 === 0 && (to - from) % 2 === 0) push(16, from, to - from);
    else push(8, from, to - from);
  };
  if (width === 16 && (address % 2 !== 0 || length % 2 !== 0)) {
    throw new BadInputError(
      'unaligned-access',
      `a 16-bit access needs an even address and length, got ${length} bytes at 0x${address.toString(16)}`,
    );
  }
  const maxWords = Math.max(4, limits.maxRw16_32 - (limits.maxRw16_32 % 4));
  const fixed: 8 | 16 | undefined = width === 16 && !limits.hasMem16Bit ? 8 : width;
  const maxFixed = fixed === 16 ? limits.maxRw16_32 - (limits.maxRw16_32 % 2) : limits.maxRw8;
  let pos = address;
  const end = address + length;
  while (pos < end) {
    const blockEnd = Math.min(end, (Math.floor(pos / limits.tarBlock) + 1) * limits.tarBlock);
    if (fixed !== undefined) {
      for (let at = pos; at < blockEnd; at += maxFixed) push(fixed, at, Math.min(maxFixed, blockEnd - at));
      pos = blockEnd;
      continue;
    }
    const alignedStart = Math.min(blockEnd, Math.ceil(pos / 4) * 4);
    const alignedEnd = Math.max(alignedStart, Math.floor(blockEnd / 4) * 4);
    small(pos, alignedStart);
    for (let at = alignedStart; at < alignedEnd; at += maxWords)
      push(32, at, Math.min(maxWords, alignedEnd - at));
    small(alignedEnd, blockEnd);
    pos = blockEnd;
  }
  return chunks;
}
