/**
 * PlatformIO's own lines around the uploader it runs (for ST-Link boards usually OpenOCD, whose
 * messages are in openocd.ts). Documented: PlatformIO is not installed here; the lines are its
 * SCons and summary lines as its users post them.
 */
import type { EntryData } from '../schema.js';
import { NO_PROBE, PROBE_BUSY, WIRING } from './causes.js';

export const PLATFORMIO_ENTRIES: readonly EntryData[] = [
  {
    id: 'platformio-upload-error',
    tools: ['platformio'],
    kind: 'failure',
    rank: 8,
    title: 'the upload step failed',
    meaning:
      "PlatformIO's upload command exited non-zero; the reason is in the uploader's lines above (OpenOCD's `Error:` lines, for example).",
    source: 'documented',
    signatures: [
      {
        contains: '[upload] Error',
        pattern: String.raw`^\*\*\* \[upload\] Error \d+`,
        examples: ['*** [upload] Error 1'],
      },
      {
        contains: '[FAILED]',
        pattern: String.raw`=+ \[FAILED\] Took [\d.]+ seconds =+`,
        examples: ['========================= [FAILED] Took 6.03 seconds ========================='],
      },
    ],
    causes: [WIRING, PROBE_BUSY, NO_PROBE],
    next: {
      command: 'swdkit doctor',
      why: 'it checks the probe and the target step by step and names what stops the upload',
    },
  },
  {
    id: 'platformio-success',
    tools: ['platformio'],
    kind: 'success',
    rank: 4,
    title: 'PlatformIO finished successfully',
    meaning: 'Every step of the PlatformIO run succeeded.',
    source: 'documented',
    signatures: [
      {
        contains: '[SUCCESS]',
        pattern: String.raw`=+ \[SUCCESS\] Took [\d.]+ seconds =+`,
        examples: ['========================= [SUCCESS] Took 4.31 seconds ========================='],
      },
    ],
    causes: [],
    next: {
      command: 'swdkit doctor',
      why: 'the log shows no failure; if the board still misbehaves, the doctor checks it through the probe',
    },
  },
];
