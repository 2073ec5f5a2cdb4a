/**
 * probe-rs's messages (`Error: ...` then a numbered `Caused by:` chain). Documented: probe-rs is not
 * installed here; the messages come from its users' reports.
 */
import type { EntryData } from '../schema.js';
import {
  LOW_POWER,
  NO_PROBE,
  NRST,
  PERMISSION,
  RDP2,
  SWD_PINS,
  SWD_SPEED,
  WATCHDOG,
  WIRING,
} from './causes.js';

export const PROBE_RS_ENTRIES: readonly EntryData[] = [
  {
    id: 'probe-rs-no-probe',
    tools: ['probe-rs'],
    kind: 'failure',
    rank: 90,
    title: 'no debug probe found',
    meaning: 'probe-rs found no debug probe.',
    source: 'documented',
    signatures: [
      {
        contains: 'No connected probes were found',
        pattern: String.raw`No connected probes were found`,
        examples: ['Error: No connected probes were found.'],
      },
    ],
    causes: [NO_PROBE, PERMISSION],
    next: { command: 'swdkit list', why: 'it lists the ST-Links on USB and says which cannot be opened' },
  },
  {
    id: 'probe-rs-windows-driver',
    tools: ['probe-rs'],
    kind: 'failure',
    rank: 88,
    title: 'no usable USB driver for the probe',
    meaning: "On Windows, the probe has no driver probe-rs can use (WinUSB or ST's).",
    source: 'documented',
    reference: 'probe-rs/probe-rs issue #2848',
    signatures: [
      {
        contains: 'Could not determine driver',
        pattern: String.raw`Could not determine driver for interface`,
        examples: ['Error: Could not determine driver for interface 0'],
      },
    ],
    causes: [PERMISSION],
    next: { command: 'swdkit list', why: 'it shows whether the probe can be opened' },
  },
  {
    id: 'probe-rs-attach-under-reset-timeout',
    tools: ['probe-rs'],
    kind: 'failure',
    rank: 82,
    title: 'the target does not answer, even under reset',
    meaning: 'probe-rs held NRST and still could not attach: the reset line or the debug port does not work.',
    source: 'documented',
    reference: 'probe-rs/probe-rs issues #2780, #4113',
    signatures: [
      {
        contains: 'Timeout while attaching to target under reset',
        pattern: String.raw`Timeout while attaching to target under reset`,
        examples: [
          '    0: Timeout while attaching to target under reset. This can happen if the target is not responding to the reset sequence.',
        ],
      },
    ],
    causes: [NRST, WIRING, RDP2],
    next: {
      command: 'swdkit doctor',
      why: 'it checks the voltage, the SW-DP at several clocks and under reset',
    },
  },
  {
    id: 'probe-rs-swd-protocol-error',
    tools: ['probe-rs'],
    kind: 'failure',
    rank: 76,
    title: 'the SWD communication failed',
    meaning: 'The probe got no valid SWD answer from the target.',
    source: 'documented',
    reference: 'probe-rs/probe-rs issue #3476',
    signatures: [
      {
        contains: 'A protocol error occurred in the SWD communication',
        pattern: String.raw`A protocol error occurred in the SWD communication`,
        examples: ['    2: A protocol error occurred in the SWD communication between probe and device.'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED],
    next: {
      command: 'swdkit doctor',
      why: "it tells these causes apart (probe-rs's own fix: --connect-under-reset)",
    },
  },
  {
    id: 'probe-rs-dp-wait',
    tools: ['probe-rs'],
    kind: 'failure',
    rank: 72,
    title: 'the target keeps answering WAIT',
    meaning: 'The ST-Link reported SwdDpWait until probe-rs gave up: the debug logic is stalled.',
    source: 'documented',
    reference: 'probe-rs/probe-rs issue #2850',
    signatures: [
      {
        contains: 'SwdDpWait',
        pattern: String.raw`(?:status|got) SwdDpWait`,
        examples: ['    3: Command failed with status SwdDpWait'],
      },
    ],
    causes: [LOW_POWER, WATCHDOG, SWD_SPEED],
    next: { command: 'swdkit doctor', why: 'it tells these causes apart with evidence' },
  },
  {
    id: 'probe-rs-connect-unsuccessful',
    tools: ['probe-rs'],
    kind: 'failure',
    rank: 60,
    title: 'probe-rs could not connect to the chip',
    meaning: 'probe-rs gave up connecting; the `Caused by:` lines below it say more.',
    source: 'documented',
    reference: 'probe-rs/probe-rs issues #2780, #2850, #3476',
    signatures: [
      {
        contains: 'Connecting to the chip was unsuccessful',
        pattern: String.raw`Connecting to the chip was unsuccessful`,
        examples: ['Error: Connecting to the chip was unsuccessful.'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED],
    next: {
      command: 'swdkit doctor',
      why: "it tells these causes apart (probe-rs's own fix: --connect-under-reset)",
    },
  },
];
