import { FLASH_OPTCR, OPTCR_OPTION_BITS } from '../../../target/stm32f4/flash-registers.js';

/**
 * The user option bytes at 0x1FFFC000–0x1FFFC00F (RM0090 3.7.1 table 16), as a read of that area
 * presents them: each 64-bit row holds a 16-bit option value, its bitwise complement in the next
 * 16 bits, and 32 reserved bits.
 *
 *   0x1FFFC000  USER (OPTCR[7:0])   0x1FFFC001  RDP (OPTCR[15:8])
 *   0x1FFFC002  ~USER               0x1FFFC003  ~RDP
 *   0x1FFFC008  nWRP[7:0]           0x1FFFC009  nWRP[11:8] (bits 7:4 reserved, 0)
 *   0x1FFFC00A  ~nWRP[7:0]          0x1FFFC00B  ~nWRP[15:8]
 *   0x1FFFC004–7, 0x1FFFC00C–F      reserved, read here as 0xFF (erased)
 *
 * USER keeps only its defined bits (BOR_LEV 3:2, WDG_SW 5, nRST_STOP 6, nRST_STDBY 7); bits 1:0 of
 * OPTCR are OPTLOCK/OPTSTRT, control bits that are not stored. Assumption: the reserved words and
 * the exact complement layout follow the F2/F4 pattern of table 16; RM0090 marks them "reserved".
 */
export const OPTION_BYTES_SIZE = 16;

const USER_BITS = 0xec;
/** Writes the OPTCR option fields (BOR_LEV, USER, RDP, nWRP) into the 16-byte image. */
export function encodeOptionBytes(optcr: number, into: Uint8Array): void {
  const user = optcr & USER_BITS;
  const rdp = (optcr & FLASH_OPTCR.RDP_MASK) >>> FLASH_OPTCR.RDP_SHIFT;
  const nwrp = (optcr & FLASH_OPTCR.nWRP_MASK) >>> FLASH_OPTCR.nWRP_SHIFT;
  into.fill(0xff);
  into[0] = user;
  into[1] = rdp;
  into[2] = ~user & 0xff;
  into[3] = ~rdp & 0xff;
  into[8] = nwrp & 0xff;
  into[9] = nwrp >>> 8;
  into[10] = ~nwrp & 0xff;
  into[11] = ~(nwrp >>> 8) & 0xff;
}

/** The OPTCR option fields the image holds (OPTLOCK, OPTSTRT and reserved bits clear). */
export function decodeOptionBytes(bytes: Uint8Array): number {
  const user = bytes[0]! & USER_BITS;
  const rdp = bytes[1]!;
  const nwrp = (bytes[8]! | (bytes[9]! << 8)) & 0xfff;
  return ((nwrp << FLASH_OPTCR.nWRP_SHIFT) | (rdp << FLASH_OPTCR.RDP_SHIFT) | user) & OPTCR_OPTION_BITS;
}

/** True when every value byte has its complement and only defined bits are set. */
export function optionBytesConsistent(bytes: Uint8Array): boolean {
  if (bytes.length !== OPTION_BYTES_SIZE) return false;
  const expected = new Uint8Array(OPTION_BYTES_SIZE);
  encodeOptionBytes(decodeOptionBytes(bytes), expected);
  return expected.every((value, i) => value === bytes[i]);
}
