import { REGSEL } from '../arch/armv7m/regsel.js';
import { BadInputError } from '../util/errors.js';
import type { CoreRegisterAccess } from './debug-access.js';

/**
 * The core registers by the names a user and gdb know them, and how each is reached through
 * DCRSR.REGSEL (ARM DDI 0403E C1.6.3). PRIMASK, BASEPRI, FAULTMASK and CONTROL have no selector of
 * their own: they share one word, CONTROL in bits 31:24, FAULTMASK 23:16, BASEPRI 15:8, PRIMASK 7:0.
 */
export const BASE_REGISTER_NAMES = [
  'r0',
  'r1',
  'r2',
  'r3',
  'r4',
  'r5',
  'r6',
  'r7',
  'r8',
  'r9',
  'r10',
  'r11',
  'r12',
  'sp',
  'lr',
  'pc',
  'xpsr',
  'msp',
  'psp',
  'primask',
  'basepri',
  'faultmask',
  'control',
] as const;

/** The Floating-point extension's registers (FPv4-SP on a Cortex-M4F). */
export const FPU_REGISTER_NAMES = [
  's0',
  's1',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  's12',
  's13',
  's14',
  's15',
  's16',
  's17',
  's18',
  's19',
  's20',
  's21',
  's22',
  's23',
  's24',
  's25',
  's26',
  's27',
  's28',
  's29',
  's30',
  's31',
  'fpscr',
] as const;

export type BaseRegisterName = (typeof BASE_REGISTER_NAMES)[number];
export type FpuRegisterName = (typeof FPU_REGISTER_NAMES)[number];
export type CoreRegisterName = BaseRegisterName | FpuRegisterName;

/** Every register's value; the FPU's only on a core that has the Floating-point extension. */
export type CoreRegisters = { readonly [name in BaseRegisterName]: number } & {
  readonly [name in FpuRegisterName]?: number;
};

/** The four special registers packed into REGSEL 0x14: which byte each occupies, and its width. */
const PACKED = {
  primask: { shift: 0, mask: 0x01 },
  basepri: { shift: 8, mask: 0xff },
  faultmask: { shift: 16, mask: 0x01 },
  control: { shift: 24, mask: 0x07 },
} as const;
type PackedName = keyof typeof PACKED;

const isPacked = (name: CoreRegisterName): name is PackedName => name in PACKED;

/** The selector that reaches `name` (for the packed four, the shared word's). */
export function regselOf(name: CoreRegisterName): number {
  if (isPacked(name)) return REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK;
  switch (name) {
    case 'sp':
      return REGSEL.SP;
    case 'lr':
      return REGSEL.LR;
    case 'pc':
      return REGSEL.DebugReturnAddress;
    case 'xpsr':
      return REGSEL.xPSR;
    case 'msp':
      return REGSEL.MSP;
    case 'psp':
      return REGSEL.PSP;
    case 'fpscr':
      return REGSEL.FPSCR;
    default: {
      const number = Number(name.slice(1));
      return name.startsWith('s') ? REGSEL.S0 + number : REGSEL.R0 + number;
    }
  }
}

export function isCoreRegisterName(name: string): name is CoreRegisterName {
  return (
    (BASE_REGISTER_NAMES as readonly string[]).includes(name) ||
    (FPU_REGISTER_NAMES as readonly string[]).includes(name)
  );
}

/** The packed word's fields. */
export function unpackSpecial(word: number): Record<PackedName, number> {
  const field = (name: PackedName): number => (word >>> PACKED[name].shift) & PACKED[name].mask;
  return {
    primask: field('primask'),
    basepri: field('basepri'),
    faultmask: field('faultmask'),
    control: field('control'),
  };
}

/** `word` with one packed field replaced. */
export function packSpecial(word: number, name: PackedName, value: number): number {
  const { shift, mask } = PACKED[name];
  return ((word & ~(mask << shift)) | ((value & mask) << shift)) >>> 0;
}

/** Reads and writes registers by name over a probe's REGSEL access; the core must be halted. */
export class CoreRegisterFile {
  constructor(private readonly access: CoreRegisterAccess) {}

  async read(name: CoreRegisterName): Promise<number> {
    const word = (await this.access.readRegister(regselOf(name))) >>> 0;
    return isPacked(name) ? unpackSpecial(word)[name] : word;
  }

  async write(name: CoreRegisterName, value: number): Promise<void> {
    if (isPacked(name)) {
      const word = (await this.access.readRegister(REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK)) >>> 0;
      await this.access.writeRegister(
        REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK,
        packSpecial(word, name, value),
      );
      return;
    }
    await this.access.writeRegister(regselOf(name), value >>> 0);
  }

  /** Every register, the packed word read once; FPU registers when `withFpu`. */
  async readAll(withFpu: boolean): Promise<CoreRegisters> {
    const out: Partial<Record<CoreRegisterName, number>> = {};
    for (const name of BASE_REGISTER_NAMES) {
      if (isPacked(name)) continue;
      out[name] = (await this.access.readRegister(regselOf(name))) >>> 0;
    }
    Object.assign(
      out,
      unpackSpecial(await this.access.readRegister(REGSEL.CONTROL_FAULTMASK_BASEPRI_PRIMASK)),
    );
    if (withFpu) {
      for (const name of FPU_REGISTER_NAMES)
        out[name] = (await this.access.readRegister(regselOf(name))) >>> 0;
    }
    return out as CoreRegisters;
  }
}

/** A register name from user input ("R0", "pc", "S3"), or a BadInputError that lists the names. */
export function parseRegisterName(text: string): CoreRegisterName {
  const name = text.trim().toLowerCase();
  if (isCoreRegisterName(name)) return name;
  throw new BadInputError('unknown-register', `"${text}" is not a Cortex-M register name`, {
    hint: `Use one of r0–r12, sp, lr, pc, xpsr, msp, psp, primask, basepri, faultmask, control, s0–s31, fpscr.`,
  });
}
