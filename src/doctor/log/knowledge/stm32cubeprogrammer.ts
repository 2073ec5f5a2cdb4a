/**
 * STM32CubeProgrammer's CLI (STM32_Programmer_CLI). Documented: the tool is not installed here; the
 * messages come from its users' reports on ST's community forum.
 */
import type { EntryData } from '../schema.js';
import {
  LOW_POWER,
  NO_PROBE,
  NO_TARGET_POWER,
  PROBE_FIRMWARE_OLD,
  RDP2,
  READ_PROTECTED,
  SWD_PINS,
  SWD_SPEED,
  WIRING,
  WRITE_PROTECTED,
} from './causes.js';

const UNDER_RESET_FIX =
  "it tells the causes apart; CubeProgrammer's own fix is `-c port=SWD mode=UR` (connect under reset)";

export const CUBEPROGRAMMER_ENTRIES: readonly EntryData[] = [
  {
    id: 'cubeprogrammer-no-probe',
    tools: ['stm32cubeprogrammer'],
    kind: 'failure',
    rank: 90,
    title: 'no ST-Link found',
    meaning: 'STM32CubeProgrammer found no debug probe on USB.',
    source: 'documented',
    signatures: [
      {
        contains: 'No debug probe detected',
        pattern: String.raw`No debug probe detected`,
        examples: ['Error: No debug probe detected.'],
      },
    ],
    causes: [NO_PROBE],
    next: { command: 'swdkit list', why: 'it lists the ST-Links on USB and says which cannot be opened' },
  },
  {
    id: 'cubeprogrammer-voltage-low',
    tools: ['stm32cubeprogrammer'],
    kind: 'failure',
    rank: 95,
    title: 'the probe measures no target voltage',
    meaning: 'The ST-Link measured the target supply at (nearly) 0 V.',
    source: 'documented',
    signatures: [
      {
        contains: 'oltage',
        pattern: String.raw`^(?:\d\d:\d\d:\d\d : )?Voltage +: 0\.\d+ ?V`,
        examples: ['Voltage     : 0.00V', '11:15:28 : Voltage : 0.02V'],
      },
    ],
    causes: [NO_TARGET_POWER],
    next: { command: 'swdkit info', why: 'power the board, then check that the probe measures its voltage' },
  },
  {
    id: 'cubeprogrammer-no-core-id',
    tools: ['stm32cubeprogrammer'],
    kind: 'failure',
    rank: 82,
    title: 'the target does not answer over SWD',
    meaning: "STM32CubeProgrammer could not read the core's ID: the SW-DP did not answer.",
    source: 'documented',
    reference: 'community.st.com: "No STM32 target found" threads',
    signatures: [
      {
        contains: 'Unable to get core ID',
        pattern: String.raw`Unable to get core ID`,
        examples: ['11:15:28 : Error: Unable to get core ID'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED, NO_TARGET_POWER, RDP2],
    next: { command: 'swdkit doctor', why: UNDER_RESET_FIX },
  },
  {
    id: 'cubeprogrammer-no-target',
    tools: ['stm32cubeprogrammer'],
    kind: 'failure',
    rank: 80,
    title: 'no STM32 found on the probe',
    meaning: 'STM32CubeProgrammer reached the probe but no STM32 answered behind it.',
    source: 'documented',
    reference: 'community.st.com: "No STM32 target found" threads',
    signatures: [
      {
        contains: 'No STM32 target found',
        pattern: String.raw`No STM32 target found`,
        examples: ['Error: No STM32 target found!'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED, NO_TARGET_POWER, RDP2],
    next: { command: 'swdkit doctor', why: UNDER_RESET_FIX },
  },
  {
    id: 'cubeprogrammer-erase-failed',
    tools: ['stm32cubeprogrammer'],
    kind: 'failure',
    rank: 60,
    title: 'erasing the flash failed',
    meaning:
      'The erase was refused; under read protection CubeProgrammer prints this twice and needs `-ob RDP=0xAA`.',
    source: 'documented',
    reference: 'community.st.com: "STM32_Programmer_CLI should handle more situations"',
    signatures: [
      {
        contains: 'failed to erase memory',
        pattern: String.raw`failed to erase memory`,
        ignoreCase: true,
        examples: ['Error: failed to erase memory'],
      },
    ],
    causes: [READ_PROTECTED, WRITE_PROTECTED],
    next: { command: 'swdkit info', why: 'it shows the RDP level and the write-protected sectors' },
  },
  {
    id: 'cubeprogrammer-old-firmware',
    tools: ['stm32cubeprogrammer'],
    kind: 'hint',
    rank: 35,
    title: 'the ST-Link firmware is old',
    meaning: 'STM32CubeProgrammer asks for an ST-Link firmware upgrade.',
    source: 'documented',
    signatures: [
      {
        contains: 'firmware',
        pattern: String.raw`Old ST-?LINK firmware.*Upgrade`,
        ignoreCase: true,
        examples: ['Error: Old ST-LINK firmware version. Upgrade ST-LINK firmware'],
      },
    ],
    causes: [PROBE_FIRMWARE_OLD],
    next: { command: 'swdkit info', why: 'it prints the firmware version' },
  },
];
