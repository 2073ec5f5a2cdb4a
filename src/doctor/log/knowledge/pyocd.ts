/**
 * pyOCD's messages (its log lines end with the logger's name in brackets). Documented: pyOCD is not
 * installed here; the messages come from its users' reports.
 */
import type { EntryData } from '../schema.js';
import { LOW_POWER, NO_PROBE, READ_PROTECTED, SWD_PINS, SWD_SPEED, WATCHDOG, WIRING } from './causes.js';

export const PYOCD_ENTRIES: readonly EntryData[] = [
  {
    id: 'pyocd-no-probe',
    tools: ['pyocd'],
    kind: 'failure',
    rank: 90,
    title: 'no debug probe found',
    meaning: 'pyOCD found no debug probe it could use.',
    source: 'documented',
    signatures: [
      {
        contains: 'No available debug probes',
        pattern: String.raw`No available debug probes are connected`,
        examples: ['0000512 I No available debug probes are connected [common]'],
      },
    ],
    causes: [NO_PROBE],
    next: { command: 'swdkit list', why: 'it lists the ST-Links on USB and says which cannot be opened' },
  },
  {
    id: 'pyocd-dp-error',
    tools: ['pyocd'],
    kind: 'failure',
    rank: 78,
    title: 'the target does not answer over SWD',
    meaning: "The ST-Link reported an SWD DP error: the SW-DP did not answer pyOCD's connect.",
    source: 'documented',
    reference: 'swdkit notes on pyOCD: "STLink error (22): DP error"',
    signatures: [
      {
        contains: 'DP error',
        pattern: String.raw`STLink error \(\d+\): DP error`,
        examples: ['0001234 C STLink error (22): DP error [__main__]'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED],
    next: {
      command: 'swdkit doctor',
      why: "it tells these causes apart (pyOCD's own fix: --connect under-reset)",
    },
  },
  {
    id: 'pyocd-dp-wait',
    tools: ['pyocd'],
    kind: 'failure',
    rank: 72,
    title: 'the target keeps answering WAIT',
    meaning:
      'The SW-DP answered WAIT until the probe gave up: the debug logic is stalled, often by a low-power mode or a core being reset.',
    source: 'documented',
    reference: 'pyocd/pyOCD issue #714',
    signatures: [
      {
        contains: 'DP wait',
        pattern: String.raw`STLink error \(\d+\): DP wait`,
        examples: ['0002309:CRITICAL:__main__:STLink error (20): DP wait'],
      },
    ],
    causes: [LOW_POWER, WATCHDOG, SWD_SPEED],
    next: { command: 'swdkit doctor', why: 'it tells these causes apart with evidence' },
  },
  {
    id: 'pyocd-memory-fault',
    tools: ['pyocd'],
    kind: 'failure',
    rank: 60,
    title: 'a memory access faulted',
    meaning: 'A memory transfer through the debug port was answered with a fault.',
    source: 'documented',
    reference: 'pyocd/pyOCD issues #1362, #1523',
    signatures: [
      {
        contains: 'Memory transfer fault',
        pattern: String.raw`Memory transfer fault`,
        examples: ['0001146 C Memory transfer fault (Unspecified error.) [__main__]'],
      },
    ],
    causes: [READ_PROTECTED, LOW_POWER, SWD_SPEED],
    next: { command: 'swdkit info', why: 'it shows the RDP level and whether memory reads work' },
  },
];
