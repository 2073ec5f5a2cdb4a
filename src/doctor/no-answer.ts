import type { Diagnosis, Evidence } from './report.js';

/** Nothing answered, not even under reset: what it can be, most likely first, and how to tell. */
export function noAnswerDiagnosis(failures: readonly Evidence[]): Diagnosis {
  return {
    code: 'swd-no-response',
    summary:
      'The SW-DP does not answer at any clock, not even with the chip held in reset: the doctor cannot tell why from the probe alone.',
    evidence: failures,
    command: 'swdkit doctor',
    possibilities: [
      {
        cause: 'SWDIO, SWCLK or GND not connected (or swapped), or NRST not wired to the probe',
        tell: 'on a Discovery both CN3 jumpers must be fitted (ST-LINK/DISCOVERY); with an external probe check each wire; connect under reset needs NRST',
      },
      {
        cause: 'read protection level 2 (permanent): the debug port is disabled for good',
        tell: 'the firmware still runs (LEDs, UART) but no probe ever connects, under reset or not; it cannot be undone',
      },
      {
        cause:
          'not an STM32 on those pins, or the chip is held in reset or has no clock (BOOT pins, a stuck NRST)',
        tell: 'measure NRST (it must sit high) and check the part number and the SWD pin pair',
      },
      {
        cause: 'a damaged chip',
        tell: 'the same probe and cable work with another board; the chip draws unusual current or gets warm',
      },
    ],
  };
}
