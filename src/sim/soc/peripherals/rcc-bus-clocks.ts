import type { ClockEnable } from '../peripheral.js';
import { BUS_REGISTERS, BUSES } from '../../../target/stm32f4/rcc-registers.js';

const ENR_NAMES = ['AHB1ENR', 'AHB2ENR', 'AHB3ENR', 'APB1ENR', 'APB2ENR'] as const;
const BUS_INDEX = { AHB1ENR: 0, AHB2ENR: 1, AHB3ENR: 2, APB1ENR: 3, APB2ENR: 4 } as const;
const RSTR = 0;
const ENR = 1;
const LPENR = 2;
const FAMILY_BASE = [0x10, 0x30, 0x50] as const;
/** AHB1, AHB2, AHB3 at +0, +4, +8; +0xC reserved; APB1, APB2 at +0x10, +0x14. */
const BUS_AT = [0, 1, 2, -1, 3, 4] as const;

/**
 * The RCC's per-bus registers (RM0090 §7.3.5–7.3.19): peripheral resets xxxRSTR at 0x10–0x24,
 * clock enables xxxENR at 0x30–0x44 and Sleep-mode enables xxxLPENR at 0x50–0x64. Only bits of
 * peripherals that exist are writable.
 */
export class BusClocks {
  private readonly rstr = new Int32Array(5);
  private readonly enr = new Int32Array(5);
  private readonly lpenr = new Int32Array(5);

  isEnabled(enable: ClockEnable): boolean {
    return (this.enr[BUS_INDEX[enable.register]]! & (1 << enable.bit)) !== 0;
  }

  read(reg: number): number {
    const at = familyAndBus(reg);
    if (at < 0) return 0;
    return this.file(at >>> 3)[at & 7]!;
  }

  /**
   * Writes a register; `onReset` hears of every xxxRSTR bit going from 0 to 1, `onEnable` of every
   * xxxENR whose value changed.
   */
  write(
    reg: number,
    value: number,
    onReset: ((enable: ClockEnable) => void) | undefined,
    onEnable: ((register: ClockEnable['register']) => void) | undefined,
  ): void {
    const at = familyAndBus(reg);
    if (at < 0) return;
    const family = at >>> 3;
    const index = at & 7;
    const layout = BUS_REGISTERS[BUSES[index]!];
    if (family === ENR) {
      const next = value & layout.enr;
      const changed = next !== this.enr[index];
      this.enr[index] = next;
      if (changed) onEnable?.(ENR_NAMES[index]!);
    } else if (family === LPENR) this.lpenr[index] = value & layout.lpenr;
    else {
      const next = value & layout.rstr;
      const rising = next & ~this.rstr[index]!;
      this.rstr[index] = next;
      for (let bit = 0; rising >>> bit !== 0; bit++) {
        if ((rising & (1 << bit)) !== 0) onReset?.({ register: ENR_NAMES[index]!, bit });
      }
    }
  }

  reset(): void {
    BUSES.forEach((bus, i) => {
      this.rstr[i] = 0;
      this.enr[i] = BUS_REGISTERS[bus].enrReset;
      this.lpenr[i] = BUS_REGISTERS[bus].lpenr;
    });
  }

  private file(family: number): Int32Array {
    return family === RSTR ? this.rstr : family === ENR ? this.enr : this.lpenr;
  }
}

/** family × 8 + bus index for an RSTR/ENR/LPENR offset, -1 for any other. */
function familyAndBus(reg: number): number {
  if (reg < 0x10 || reg > 0x64) return -1;
  const family = reg >= 0x50 ? LPENR : reg >= 0x30 ? ENR : RSTR;
  const index = BUS_AT[(reg - FAMILY_BASE[family]) >>> 2];
  return index === undefined || index < 0 ? -1 : family * 8 + index;
}
