import type { MemoryAccess } from '../arm/memory-access.js';
import type { DebugHoldRegister } from '../target/chip.js';

/**
 * The chip's debug-unit bits swdkit sets while attached (target/'s `debugHold`: on the STM32F4
 * DBGMCU_CR's DBG_SLEEP/STOP/STANDBY and DBGMCU_APB1_FZ's watchdog freezes), remembering the user's
 * values. `restore` puts back exactly those bits as they were, and leaves any other bit as the
 * firmware may have changed it meanwhile.
 */
export class DebugHold {
  private constructor(
    private readonly held: readonly { readonly register: DebugHoldRegister; readonly before: number }[],
  ) {}

  static async apply(memory: MemoryAccess, registers: readonly DebugHoldRegister[]): Promise<DebugHold> {
    const held: { register: DebugHoldRegister; before: number }[] = [];
    for (const register of registers) {
      const before = (await memory.read32(register.address)) >>> 0;
      held.push({ register, before });
      if ((before & register.bits) !== register.bits) {
        await memory.write32(register.address, (before | register.bits) >>> 0);
      }
    }
    return new DebugHold(held);
  }

  /** The user's values, as read before swdkit set its bits. */
  get userValues(): readonly { readonly name: string; readonly value: number }[] {
    return this.held.map((h) => ({ name: h.register.name, value: h.before }));
  }

  async restore(memory: MemoryAccess): Promise<void> {
    for (const { register, before } of this.held) {
      const now = (await memory.read32(register.address)) >>> 0;
      const next = ((now & ~register.bits) | (before & register.bits)) >>> 0;
      if (next !== now) await memory.write32(register.address, next);
    }
  }
}
