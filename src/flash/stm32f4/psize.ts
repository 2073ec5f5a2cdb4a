import { TargetError } from '../../util/errors.js';
import type { Psize } from '../../target/stm32f4/flash-registers.js';

/**
 * Program/erase parallelism from the supply voltage (RM0090 3.6.2, table 7 "Program/erase
 * parallelism"): x8 from 1.8 V, x16 from 2.1 V, x32 from 2.7 V (x64 needs an external VPP, which no
 * ST-Link supplies). The wider, the faster: a mass erase takes 16 s at x8 and 8 s at x32 (DS8626).
 */
export const PSIZE_MIN_VOLTS = { x8: 1.8, x16: 2.1, x32: 2.7 } as const;

export interface Parallelism {
  readonly psize: Psize;
  /** Bytes per program access: 1, 2 or 4. */
  readonly accessBytes: 1 | 2 | 4;
  readonly name: 'x8' | 'x16' | 'x32';
}

export const PARALLELISM = {
  x8: { psize: 0, accessBytes: 1, name: 'x8' },
  x16: { psize: 1, accessBytes: 2, name: 'x16' },
  x32: { psize: 2, accessBytes: 4, name: 'x32' },
} as const satisfies Record<string, Parallelism>;

export function parallelismForVoltage(volts: number): Parallelism {
  if (volts >= PSIZE_MIN_VOLTS.x32) return PARALLELISM.x32;
  if (volts >= PSIZE_MIN_VOLTS.x16) return PARALLELISM.x16;
  if (volts >= PSIZE_MIN_VOLTS.x8) return PARALLELISM.x8;
  throw new TargetError(
    'target-voltage-too-low',
    `the target supply measures ${volts.toFixed(2)} V; STM32F4 flash cannot be written below 1.8 V`,
    {
      hint: 'Power the board (check the USB cable or the power jumper, JP1 on the Discovery) and that the probe’s VDD pin is connected.',
    },
  );
}
