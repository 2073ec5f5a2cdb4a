import type { PpbDevice } from '../../cpu/system/scs.js';
import type { SocResetKind } from '../peripheral.js';
import type { DebugFreeze, SocContext } from '../soc-context.js';
import {
  DBGMCU_APB1_FZ,
  DBGMCU_APB2_FZ_WRITABLE,
  DBGMCU_BASE,
  DBGMCU_CR,
  DBGMCU_REG,
} from '../../../target/stm32f4/dbgmcu-registers.js';

/** DEV_ID 0x413 (STM32F405/407/415/417) with REV_ID 0x1007 (RM0090 §38.6.1): revision 2. */
export const DBGMCU_IDCODE_VALUE = 0x1007_6413;

export { DBGMCU_APB1_FZ, DBGMCU_BASE, DBGMCU_CR, DBGMCU_APB2_FZ_WRITABLE };

/**
 * The MCU debug component (RM0090 §38.16), on the external PPB at 0xE0042000, reached through
 * SystemControlSpace.external with absolute addresses. Its registers are reset by power-on only,
 * not by a system reset, and the debugger may write them while the chip is held in reset
 * (§38.16.3). RM0090 supports only 32-bit accesses: here sub-word reads return the addressed lane
 * and sub-word writes are ignored. IDCODE is read-only.
 *
 * Doubles as the DebugFreeze view (`debugFreeze` returns this object), so reads allocate nothing.
 */
export class Dbgmcu implements PpbDevice, DebugFreeze {
  readonly name = 'DBGMCU';
  readonly base = DBGMCU_BASE;
  readonly size = 0x1000;
  /** CR or a freeze register changed: the SoC re-evaluates debug in low power and the freezes. */
  onChange: (() => void) | undefined = undefined;

  private crValue = 0;
  private apb1 = 0;
  private apb2 = 0;

  // The SoC builds every device from its context; DBGMCU needs nothing from it.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(_ctx: SocContext) {}

  get cr(): number {
    return this.crValue;
  }

  get apb1fz(): number {
    return this.apb1;
  }

  get apb2fz(): number {
    return this.apb2;
  }

  get debugFreeze(): DebugFreeze {
    return this;
  }

  read32(address: number): number {
    switch ((address >>> 0) - DBGMCU_BASE) {
      case DBGMCU_REG.IDCODE:
        return DBGMCU_IDCODE_VALUE;
      case DBGMCU_REG.CR:
        return this.crValue;
      case DBGMCU_REG.APB1_FZ:
        return this.apb1;
      case DBGMCU_REG.APB2_FZ:
        return this.apb2;
      default:
        return 0;
    }
  }

  read16(address: number): number {
    return (this.read32(address & ~3) >>> (8 * (address & 2))) & 0xffff;
  }

  read8(address: number): number {
    return (this.read32(address & ~3) >>> (8 * (address & 3))) & 0xff;
  }

  write32(address: number, value: number): void {
    const cr = this.crValue;
    const apb1 = this.apb1;
    const apb2 = this.apb2;
    switch ((address >>> 0) - DBGMCU_BASE) {
      case DBGMCU_REG.CR:
        this.crValue = value & DBGMCU_CR.WRITABLE;
        break;
      case DBGMCU_REG.APB1_FZ:
        this.apb1 = value & DBGMCU_APB1_FZ.WRITABLE;
        break;
      case DBGMCU_REG.APB2_FZ:
        this.apb2 = value & DBGMCU_APB2_FZ_WRITABLE;
        break;
      default:
        return; // IDCODE and the rest are read-only
    }
    if (cr !== this.crValue || apb1 !== this.apb1 || apb2 !== this.apb2) this.onChange?.();
  }

  write16(_address: number, _value: number): void {
    // Only 32-bit accesses are supported (RM0090 §38.16): ignored.
  }

  write8(_address: number, _value: number): void {
    // Only 32-bit accesses are supported (RM0090 §38.16): ignored.
  }

  /** Power-on clears the registers; a system reset leaves them (RM0090 §38.16.3–38.16.5). */
  reset(kind: SocResetKind): void {
    if (kind !== 'power-on') return;
    const changed = (this.crValue | this.apb1 | this.apb2) !== 0;
    this.crValue = 0;
    this.apb1 = 0;
    this.apb2 = 0;
    if (changed) this.onChange?.();
  }
}
