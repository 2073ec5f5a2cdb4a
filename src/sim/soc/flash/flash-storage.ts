import { BadInputError } from '../../../util/errors.js';
import { MEMORY } from '../memory-map.js';
import { OPTION_BYTES_SIZE, decodeOptionBytes, encodeOptionBytes } from './option-bytes.js';
import { FACTORY_OPTCR } from '../../../target/stm32f4/flash-registers.js';
import { mainFlashOffset } from './sectors.js';

/** OTP: 16 blocks of 32 data bytes, then one lock byte per block at 0x1FFF7A00 (RM0090 3.8). */
export const OTP_DATA_SIZE = 512;
export const OTP_BLOCK_SIZE = 32;
export const OTP_LOCK_OFFSET = OTP_DATA_SIZE;

/**
 * The chip's non-volatile contents: what survives a power cycle, and what `--state FILE` keeps
 * (src/sim/board/state-file.node.ts). Plain bytes, no behaviour: the FLASH interface
 * (flash-interface.ts) is the only thing that changes them while the board runs, by RM0090's rules.
 *
 * - `main`: 1 MiB at 0x08000000, erased to 0xFF;
 * - `otp`: 528 bytes at 0x1FFF7800 (512 data bytes, then 16 lock bytes at offset 512);
 * - `optionBytes`: the 16 bytes at 0x1FFFC000 exactly as a read presents them (option-bytes.ts).
 *
 * The bus reads all three directly (each is one typed array, so a read is an index).
 */
export class FlashStorage {
  readonly main = new Uint8Array(MEMORY.FLASH_SIZE).fill(0xff);
  readonly otp = new Uint8Array(MEMORY.OTP_SIZE).fill(0xff);
  readonly optionBytes = new Uint8Array(OPTION_BYTES_SIZE);

  /** A chip as it leaves the factory: everything erased, OPTCR-equivalent 0x0FFFAAED. */
  constructor() {
    encodeOptionBytes(FACTORY_OPTCR, this.optionBytes);
  }

  /** The stored option fields in OPTCR layout (BOR_LEV, USER, RDP, nWRP; RM0090 3.9.6). */
  get optionWord(): number {
    return decodeOptionBytes(this.optionBytes);
  }

  set optionWord(optcr: number) {
    encodeOptionBytes(optcr, this.optionBytes);
  }

  /**
   * Puts an image into main flash (or OTP) as if it had been erased and programmed before this run:
   * for a board that starts with firmware preloaded. Not a bus operation; no rules apply.
   */
  preload(address: number, data: Uint8Array): void {
    const a = address >>> 0;
    const offset = mainFlashOffset(a);
    if (offset >= 0 && offset + data.length <= this.main.length) {
      this.main.set(data, offset);
      return;
    }
    const otpOffset = a - MEMORY.OTP_BASE;
    if (otpOffset >= 0 && otpOffset + data.length <= this.otp.length) {
      this.otp.set(data, otpOffset);
      return;
    }
    throw new BadInputError(
      'image-outside-flash',
      `${data.length} bytes at 0x${a.toString(16).padStart(8, '0')} do not fit in the STM32F407's flash ` +
        `(0x08000000–0x080FFFFF) or OTP (0x1FFF7800–0x1FFF7A0F).`,
      { hint: 'Check the image was linked for the STM32F407 (flash origin 0x08000000, 1 MiB).' },
    );
  }
}
