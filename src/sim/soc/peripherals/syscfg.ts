import type { AccessSize, ClockEnable, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';

/** Register offsets (RM0090 §9.2.8, SYSCFG register map). */
export const SYSCFG_REG = {
  MEMRMP: 0x00,
  PMC: 0x04,
  EXTICR1: 0x08,
  EXTICR2: 0x0c,
  EXTICR3: 0x10,
  EXTICR4: 0x14,
  CMPCR: 0x20,
} as const;

/** MEM_MODE (RM0090 §9.2.1): 00 main flash, 01 system flash, 10 FSMC bank 1, 11 SRAM1. */
export const MEM_MODE = { FLASH: 0, SYSTEM: 1, FSMC: 2, SRAM: 3 } as const;
const PMC_MII_RMII_SEL = 1 << 23;
const CMPCR_CMP_PD = 1 << 0;
const CMPCR_READY = 1 << 8;

export interface SyscfgOptions {
  /** MEM_MODE the BOOT pins select at reset (BOOT0 = 0: flash; BOOT1:BOOT0 = 01: system; 11: SRAM). */
  readonly bootMode: () => number;
}

/**
 * System configuration controller (RM0090 §9): the boot alias (MEMRMP), the EXTI line multiplexer
 * (EXTICR1–4) and the I/O compensation cell. Word, half-word and byte accesses are accepted.
 * CMPCR.READY follows CMP_PD at once (RM0090 gives no start-up time for the cell).
 */
export class Syscfg implements Peripheral {
  readonly name = 'SYSCFG';
  readonly base = 0x4001_3800;
  readonly size = 0x400;
  readonly clockEnable: ClockEnable = { register: 'APB2ENR', bit: 14 };
  /** MEM_MODE changed: the bus re-maps 0x00000000. */
  onMemoryRemap: (() => void) | undefined = undefined;

  private readonly bootMode: () => number;
  private memrmp = 0;
  private pmc = 0;
  private readonly exticr = new Int32Array(4);
  private cmpcr = 0;

  constructor(_ctx: SocContext, options: SyscfgOptions) {
    this.bootMode = options.bootMode;
    this.reset('power-on');
  }

  /** What is aliased at 0x00000000 (MEM_MODE). */
  get memoryMode(): number {
    return this.memrmp & 3;
  }

  /** The port (0 = A … 8 = I) whose pin `line` feeds EXTI line `line`, for lines 0–15. */
  exticrPort(line: number): number {
    return (this.exticr[line >>> 2]! >>> (4 * (line & 3))) & 0xf;
  }

  read(offset: number, size: AccessSize): number {
    return readLane(this.readRegister(offset & ~3), offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    const v = mergeWrite(this.readRegister(reg), offset, size, value);
    if (reg === SYSCFG_REG.MEMRMP) this.setMemoryMode(v & 3);
    else if (reg === SYSCFG_REG.PMC) this.pmc = v & PMC_MII_RMII_SEL;
    else if (reg >= SYSCFG_REG.EXTICR1 && reg <= SYSCFG_REG.EXTICR4)
      this.exticr[(reg - 8) >>> 2] = v & 0xffff;
    else if (reg === SYSCFG_REG.CMPCR) this.cmpcr = (v & CMPCR_CMP_PD) !== 0 ? CMPCR_CMP_PD | CMPCR_READY : 0;
  }

  /** MEMRMP's reset value comes from the BOOT pins, sampled again at every reset (RM0090 §9.2.1). */
  reset(_kind: SocResetKind): void {
    this.pmc = 0;
    this.exticr.fill(0);
    this.cmpcr = 0;
    this.setMemoryMode(this.bootMode() & 3);
  }

  private setMemoryMode(mode: number): void {
    const changed = mode !== (this.memrmp & 3);
    this.memrmp = mode;
    if (changed) this.onMemoryRemap?.();
  }

  private readRegister(reg: number): number {
    switch (reg) {
      case SYSCFG_REG.MEMRMP:
        return this.memrmp;
      case SYSCFG_REG.PMC:
        return this.pmc;
      case SYSCFG_REG.EXTICR1:
      case SYSCFG_REG.EXTICR2:
      case SYSCFG_REG.EXTICR3:
      case SYSCFG_REG.EXTICR4:
        return this.exticr[(reg - 8) >>> 2]!;
      case SYSCFG_REG.CMPCR:
        return this.cmpcr;
      default:
        return 0;
    }
  }
}
