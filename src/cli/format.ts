/** Small renderings shared by the target commands' human output. */

const KiB = 1024;

/** `2.1 KiB`, `128 KiB`, `1 MiB`, `12 bytes`. */
export function size(bytes: number): string {
  if (bytes < KiB) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes >= KiB * KiB && bytes % (KiB * KiB) === 0) return `${bytes / (KiB * KiB)} MiB`;
  const kib = bytes / KiB;
  return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
}

/** `sector 3`, `sectors 0, 1, 2`. */
export function sectors(list: readonly number[]): string {
  return `sector${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
}

/** `0x413` */
export function hex(value: number, digits = 0): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(digits, '0')}`;
}
