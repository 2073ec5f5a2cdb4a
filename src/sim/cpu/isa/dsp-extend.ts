import { undefinedExecutor, type Executor } from './executor.js';

/**
 * Extend and extend-and-add with rotation (A5.3.12, op2 = 1xxx): hw1 = 1111 1010 0 op Rn,
 * hw2 = 1111 Rd 1 (0) rotate Rm. Rn = 1111 selects the plain extend (SXTH, UXTB16, ...).
 * rotated = ROR(R[m], 8 * rotate).
 */
export function decodeExtend(op: number, hw2: number, d: number, n: number, m: number): Executor {
  if ((hw2 & 0x40) !== 0) return undefinedExecutor; // hw2[6] is (0)
  if (d === 13 || d === 15 || n === 13 || m === 13 || m === 15) return undefinedExecutor;
  const rotation = ((hw2 >>> 4) & 3) << 3;
  const left = -rotation & 31; // ROR by `rotation` as two shifts; 0 when rotation is 0
  const add = n !== 15;
  switch (op) {
    case 0b000: // SXTAH / SXTH (A7.7)
      return (cpu) => {
        const x = (cpu.r[m]! >>> rotation) | (cpu.r[m]! << left);
        const ext = (x << 16) >> 16;
        cpu.r[d] = add ? (cpu.r[n]! + ext) | 0 : ext;
      };
    case 0b001: // UXTAH / UXTH
      return (cpu) => {
        const x = (cpu.r[m]! >>> rotation) | (cpu.r[m]! << left);
        const ext = x & 0xffff;
        cpu.r[d] = add ? (cpu.r[n]! + ext) | 0 : ext;
      };
    case 0b010: // SXTAB16 / SXTB16: each halfword gets a sign-extended byte
      return (cpu) => {
        const x = (cpu.r[m]! >>> rotation) | (cpu.r[m]! << left);
        const base = add ? cpu.r[n]! : 0;
        const low = (base + ((x << 24) >> 24)) & 0xffff;
        const high = (base >>> 16) + ((x << 8) >> 24);
        cpu.r[d] = low | (high << 16);
      };
    case 0b011: // UXTAB16 / UXTB16
      return (cpu) => {
        const x = (cpu.r[m]! >>> rotation) | (cpu.r[m]! << left);
        const base = add ? cpu.r[n]! : 0;
        const low = (base + (x & 0xff)) & 0xffff;
        const high = (base >>> 16) + ((x >>> 16) & 0xff);
        cpu.r[d] = low | (high << 16);
      };
    case 0b100: // SXTAB / SXTB
      return (cpu) => {
        const x = (cpu.r[m]! >>> rotation) | (cpu.r[m]! << left);
        const ext = (x << 24) >> 24;
        cpu.r[d] = add ? (cpu.r[n]! + ext) | 0 : ext;
      };
    case 0b101: // UXTAB / UXTB
      return (cpu) => {
        const x = (cpu.r[m]! >>> rotation) | (cpu.r[m]! << left);
        const ext = x & 0xff;
        cpu.r[d] = add ? (cpu.r[n]! + ext) | 0 : ext;
      };
    default:
      return undefinedExecutor;
  }
}
