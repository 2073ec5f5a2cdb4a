/**
 * USB errors any libusb-based tool passes on (st-flash, pyOCD, probe-rs; OpenOCD's own forms are in
 * openocd.ts). Documented, from the tools' users' reports.
 */
import type { EntryData } from '../schema.js';
import { PERMISSION, PROBE_BUSY } from './causes.js';

export const USB_ENTRIES: readonly EntryData[] = [
  {
    id: 'usb-busy',
    tools: ['st-flash', 'pyocd', 'probe-rs'],
    kind: 'failure',
    rank: 92,
    title: 'the ST-Link is held by another program',
    meaning:
      "The operating system refused to hand the probe's USB interface over: another process has it open.",
    source: 'documented',
    reference: 'pyocd/pyOCD issue #1514 ("[Errno 16] Resource busy"), probe-rs/probe-rs issue #3622',
    signatures: [
      {
        contains: 'LIBUSB_ERROR_BUSY',
        pattern: String.raw`LIBUSB_ERROR_BUSY`,
        examples: ['libusb: error [claim] LIBUSB_ERROR_BUSY'],
      },
      {
        contains: 'Resource busy',
        pattern: String.raw`\[Errno 16\] Resource busy`,
        examples: ['0000810 C [Errno 16] Resource busy [__main__]'],
      },
    ],
    causes: [PROBE_BUSY],
    next: {
      command: 'swdkit server',
      why: 'close the other program, then serve the probe so several programs can share it',
    },
  },
  {
    id: 'usb-access',
    tools: ['st-flash', 'pyocd', 'probe-rs'],
    kind: 'failure',
    rank: 92,
    title: 'the ST-Link cannot be opened: permission denied',
    meaning: 'The probe is on USB, but this user may not open it.',
    source: 'documented',
    reference: 'pyocd/pyOCD pull request #1488 log ("[Errno 13] Access denied (insufficient permissions)")',
    signatures: [
      {
        contains: 'LIBUSB_ERROR_ACCESS',
        pattern: String.raw`LIBUSB_ERROR_ACCESS`,
        examples: ['libusb: error [open] LIBUSB_ERROR_ACCESS'],
      },
      {
        contains: 'Access denied',
        pattern: String.raw`\[Errno 13\] Access denied \(insufficient permissions\)`,
        examples: ['0000365 D [Errno 13] Access denied (insufficient permissions) ... [pyusb_backend]'],
      },
    ],
    causes: [PERMISSION],
    next: {
      command: 'swdkit list',
      why: 'it shows the inaccessible probe and prints the udev rule that fixes it',
    },
  },
];
