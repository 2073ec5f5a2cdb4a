import type { SilenceReason } from '../soc/debug-port-rules.js';
import type { DapTarget } from '../soc/debug-port/dap-target.js';
import { MEM_MODE } from '../soc/bus.js';
import { FLASH_R_BASE } from '../../target/stm32f4/flash-registers.js';
import { MEMORY } from '../soc/memory-map.js';
import type { AccessSize } from '../soc/peripheral.js';
import type { Stm32f407 } from '../soc/stm32f407.js';

/**
 * The STM32F407 as its AHB-AP reaches it: the SoC's debug-port conditions and debugger bus, plus
 * where an AHB transfer stalls. The flash array holds the bus in wait states while FLASH_SR.BSY is
 * set (RM0090 chapter 3, embedded flash): reads and program accesses of main flash (either alias)
 * and OTP, and writes to FLASH_CR/FLASH_OPTCR. The SW-DP answers WAIT for as long (sw-dp.ts).
 */
export class SocDebugTarget implements DapTarget {
  constructor(private readonly soc: Stm32f407) {}

  get debugPortSilence(): SilenceReason | undefined {
    return this.soc.debugPortSilence;
  }

  get now(): number {
    return this.soc.clock.now;
  }

  debugRead(address: number, size: AccessSize): number {
    return this.soc.debugRead(address, size);
  }

  debugWrite(address: number, size: AccessSize, value: number): void {
    this.soc.debugWrite(address, size, value);
  }

  debugStallUntil(address: number, write: boolean): number {
    const flash = this.soc.devices.flash;
    const a = address >>> 0;
    if ((a - MEMORY.FLASH_BASE) >>> 0 < MEMORY.FLASH_SIZE) return flash.busyUntil;
    if (a < MEMORY.BOOT_ALIAS_SIZE && this.soc.debugBus.memoryMode === MEM_MODE.FLASH) return flash.busyUntil;
    if ((a - MEMORY.OTP_BASE) >>> 0 < MEMORY.OTP_SIZE) return flash.busyUntil;
    const register = (a - FLASH_R_BASE) >>> 0;
    if (write && register < 0x400) return flash.registerWriteStallUntil(register);
    return 0;
  }
}
