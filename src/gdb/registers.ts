/**
 * The register set gdb sees, in gdb's numbering, and the target description that tells gdb so
 * (GDB manual, "Target Descriptions" and "ARM Features"): org.gnu.gdb.arm.m-profile (r0–r12, sp, lr,
 * pc, xpsr), org.gnu.gdb.arm.m-system (msp, psp, and the masks and CONTROL beside them), and on a
 * core with an FPU org.gnu.gdb.arm.vfp: d0–d15 and fpscr, from which gdb derives s0–s31 itself.
 * A D register is two S registers, the even one in its low half.
 *
 * `info registers` prints gdb's "general" group. A `group` attribute only adds a register of the
 * description to a group (gdb's target-descriptions.c); without one, gdb decides by type, and a
 * floating-point register is in "float" only. So d0–d15 say group="general" (they stay in "float"
 * too), which puts the FPU's contents — each D register holds two S registers — into `info
 * registers`; fpscr, an int, is there by its type. s0–s31 cannot be: they are pseudo registers that
 * gdb's ARM code makes from d0–d15, no target description names them, and gdb puts a pseudo register
 * of floating type in "float" and "all" only (`maint print register-groups` in gdb-multiarch 13:
 * `s0 … float  float,all`). Declaring s0–s31 as real registers beside d0–d15 would give gdb two
 * caches of the same bits, which go stale against each other on every write.
 */
import type { CoreRegisterName, CoreRegisters } from '../arm/core-registers.js';

export interface GdbRegister {
  readonly regnum: number;
  readonly name: string;
  readonly bits: 32 | 64;
  readonly feature: 'core' | 'system' | 'vfp';
  readonly type?: string;
  readonly group?: string;
  /** The core registers it is made of, low word first. */
  readonly parts: readonly CoreRegisterName[];
}

const core: GdbRegister[] = [
  ...Array.from({ length: 13 }, (_, i): GdbRegister => ({
    regnum: i,
    name: `r${i}`,
    bits: 32,
    feature: 'core',
    parts: [`r${i}` as CoreRegisterName],
  })),
  { regnum: 13, name: 'sp', bits: 32, feature: 'core', type: 'data_ptr', parts: ['sp'] },
  { regnum: 14, name: 'lr', bits: 32, feature: 'core', parts: ['lr'] },
  { regnum: 15, name: 'pc', bits: 32, feature: 'core', type: 'code_ptr', parts: ['pc'] },
  { regnum: 16, name: 'xpsr', bits: 32, feature: 'core', parts: ['xpsr'] },
];

const system: GdbRegister[] = (['msp', 'psp', 'primask', 'basepri', 'faultmask', 'control'] as const).map(
  (name, i): GdbRegister => ({
    regnum: 17 + i,
    name,
    bits: 32,
    feature: 'system',
    group: 'system',
    ...(name === 'msp' || name === 'psp' ? { type: 'data_ptr' } : {}),
    parts: [name],
  }),
);

const vfp: GdbRegister[] = [
  ...Array.from({ length: 16 }, (_, i): GdbRegister => ({
    regnum: 23 + i,
    name: `d${i}`,
    bits: 64,
    feature: 'vfp',
    type: 'ieee_double',
    group: 'general',
    parts: [`s${2 * i}` as CoreRegisterName, `s${2 * i + 1}` as CoreRegisterName],
  })),
  { regnum: 39, name: 'fpscr', bits: 32, feature: 'vfp', type: 'int', group: 'float', parts: ['fpscr'] },
];

/** The registers of a core with or without the FPU, in regnum order (the `g` packet's order). */
export function gdbRegisters(hasFpu: boolean): readonly GdbRegister[] {
  return hasFpu ? [...core, ...system, ...vfp] : [...core, ...system];
}

const FEATURE_NAME = {
  core: 'org.gnu.gdb.arm.m-profile',
  system: 'org.gnu.gdb.arm.m-system',
  vfp: 'org.gnu.gdb.arm.vfp',
} as const;

/** target.xml: the architecture and one <feature> per register group. */
export function targetDescription(hasFpu: boolean): string {
  const registers = gdbRegisters(hasFpu);
  const features = (['core', 'system', 'vfp'] as const)
    .map((feature) => {
      const regs = registers.filter((r) => r.feature === feature);
      if (regs.length === 0) return '';
      const lines = regs.map(
        (r) =>
          `    <reg name="${r.name}" bitsize="${r.bits}" regnum="${r.regnum}"` +
          `${r.type === undefined ? '' : ` type="${r.type}"`}${r.group === undefined ? '' : ` group="${r.group}"`}/>`,
      );
      return `  <feature name="${FEATURE_NAME[feature]}">\n${lines.join('\n')}\n  </feature>\n`;
    })
    .join('');
  return (
    '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n' +
    `  <architecture>arm</architecture>\n${features}</target>\n`
  );
}

/** Little-endian hex of one 32-bit word, as registers travel in g/p. */
export function wordHex(value: number): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += ((value >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return out;
}

/** The word in 8 little-endian hex digits; NaN when they are not hex. */
export function parseWordHex(hex: string): number {
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) return Number.NaN;
  let value = 0;
  for (let i = 3; i >= 0; i--) value = (value << 8) | parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return value >>> 0;
}

/** One register's value as gdb sends it: 8 or 16 hex digits. */
export function registerHex(register: GdbRegister, values: CoreRegisters): string {
  const byName: Readonly<Record<string, number | undefined>> = values;
  return register.parts.map((part) => wordHex(byName[part] ?? 0)).join('');
}

/** The core-register writes a `P`/`G` value for `register` means; undefined for a malformed value. */
export function registerWrites(
  register: GdbRegister,
  hex: string,
): { name: CoreRegisterName; value: number }[] | undefined {
  if (hex.length !== register.bits / 4) return undefined;
  const writes = register.parts.map((name, i) => ({
    name,
    value: parseWordHex(hex.slice(8 * i, 8 * i + 8)),
  }));
  return writes.some((w) => Number.isNaN(w.value)) ? undefined : writes;
}
