/**
 * stlink-org's st-flash / st-info / st-util (v1.x). Documented: these tools are not installed here;
 * the messages come from their users' reports and swdkit's notes on the tool.
 */
import type { EntryData } from '../schema.js';
import {
  LOW_POWER,
  NO_PROBE,
  NRST,
  PROBE_BUSY,
  READ_PROTECTED,
  SWD_PINS,
  SWD_SPEED,
  WIRING,
} from './causes.js';

export const ST_FLASH_ENTRIES: readonly EntryData[] = [
  {
    id: 'st-flash-no-probe',
    tools: ['st-flash'],
    kind: 'failure',
    rank: 90,
    title: 'no ST-Link found',
    meaning: 'st-flash found no ST-Link on USB.',
    source: 'documented',
    reference: 'stlink-org/stlink issues',
    signatures: [
      {
        contains: "Couldn't find any ST-Link",
        pattern: String.raw`Couldn't find any ST-Link devices`,
        examples: ["Couldn't find any ST-Link devices"],
      },
      {
        contains: 'Found 0 stlink programmers',
        pattern: String.raw`Found 0 stlink programmers`,
        examples: ['Found 0 stlink programmers'],
      },
    ],
    causes: [NO_PROBE],
    next: { command: 'swdkit list', why: 'it lists the ST-Links on USB and says which cannot be opened' },
  },
  {
    id: 'st-flash-probe-in-use',
    tools: ['st-flash'],
    kind: 'failure',
    rank: 92,
    title: 'the ST-Link is held by another program',
    meaning: "st-flash could not claim the ST-Link's USB interface.",
    source: 'documented',
    reference: 'stlink-org/stlink v1.8.0 (usb.c)',
    signatures: [
      {
        contains: 'unable to claim',
        pattern: String.raw`unable to claim \(probably already in use\?\)`,
        examples: ['ERROR usb.c: Stlink usb device found, but unable to claim (probably already in use?)'],
      },
    ],
    causes: [PROBE_BUSY],
    next: {
      command: 'swdkit server',
      why: 'close the other program, then serve the probe so several programs can share it',
    },
  },
  {
    id: 'st-flash-unknown-chip-id',
    tools: ['st-flash'],
    kind: 'failure',
    rank: 80,
    title: 'the chip could not be identified',
    meaning:
      "st-flash could not read the chip's DBGMCU_IDCODE: 0xe0042000 (the register's own address) or 0 means the read failed because the target did not answer.",
    source: 'documented',
    reference: 'stlink-org/stlink issues #64, #107, #620, #1012',
    signatures: [
      {
        contains: 'unknown chip id!',
        pattern: String.raw`unknown chip id! (?:0x)?[0-9a-f]+`,
        examples: [
          '2012-09-01T18:33:59 WARN src/stlink-common.c: unknown chip id! 0xe0042000',
          'WARN common.c: unknown chip id! 0',
        ],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED, READ_PROTECTED],
    next: {
      command: 'swdkit doctor',
      why: "it tries normal, slower and under-reset connections and names the cause (st-flash's own fix: st-flash --connect-under-reset)",
    },
  },
  {
    id: 'st-flash-connect-under-reset',
    tools: ['st-flash'],
    kind: 'failure',
    rank: 78,
    title: 'the target does not answer; st-flash suggests connect under reset',
    meaning: 'st-flash could not reach the core and recommends holding NRST while connecting.',
    source: 'documented',
    reference: 'stlink-org/stlink v1.8.0',
    signatures: [
      {
        contains: 'Can not connect to target',
        pattern: String.raw`Can not connect to target\. Please use 'connect under reset'`,
        examples: ["Can not connect to target. Please use 'connect under reset' and try again"],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING],
    next: { command: 'swdkit doctor', why: 'it tells these causes apart and traces what the firmware does' },
  },
  {
    id: 'st-flash-failed-to-connect',
    tools: ['st-flash'],
    kind: 'failure',
    rank: 60,
    title: 'st-flash could not connect to the target',
    meaning: 'st-flash gave up connecting; an earlier line (unknown chip id, NRST) says more.',
    source: 'documented',
    reference: 'stlink-org/stlink issue #1012',
    signatures: [
      {
        contains: 'Failed to connect to target',
        pattern: String.raw`^\s*Failed to connect to target`,
        examples: ['Failed to connect to target'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED],
    next: { command: 'swdkit doctor', why: 'it tells these causes apart with evidence' },
  },
  {
    id: 'st-flash-nrst-not-connected',
    tools: ['st-flash'],
    kind: 'hint',
    rank: 40,
    title: 'NRST is not connected',
    meaning:
      "st-flash found that the probe cannot drive the target's reset line, so connect under reset cannot work.",
    source: 'documented',
    reference: 'stlink-org/stlink issue #1012',
    signatures: [
      {
        contains: 'NRST is not connected',
        pattern: String.raw`NRST is not connected`,
        examples: ['2020-12-27T11:16:13 WARN usb.c: NRST is not connected'],
      },
    ],
    causes: [NRST],
    next: {
      command: 'swdkit doctor',
      why: 'it checks the rest of the chain; wire NRST for connect under reset',
    },
  },
];
