/**
 * OpenOCD 0.12's messages. `captured` entries were seen in the real OpenOCD's output against the
 * virtual board (test/fixtures/logs/openocd-*.log); `documented` ones are messages of the same binary
 * (its strings) or of its users' reports, not reproduced here.
 */
import type { EntryData } from '../schema.js';
import {
  FLASH_EMPTY,
  HARD_FAULT,
  LOCKUP,
  LOW_POWER,
  NO_PROBE,
  NO_TARGET_POWER,
  NRST,
  PERMISSION,
  POWER_LOST,
  PROBE_BUSY,
  PROBE_FIRMWARE_OLD,
  RDP2,
  READ_PROTECTED,
  SWD_PINS,
  SWD_SPEED,
  USB_LINK_LOST,
  WATCHDOG,
  WIRING,
  WRITE_PROTECTED,
} from './causes.js';

const DOCTOR = {
  command: 'swdkit doctor',
  why: 'it tries the SW-DP at the configured clock, slower and under reset, and tells these causes apart with evidence',
};

export const OPENOCD_ENTRIES: readonly EntryData[] = [
  {
    id: 'openocd-target-voltage-low',
    tools: ['openocd'],
    kind: 'failure',
    rank: 95,
    title: 'the probe measures no target voltage',
    meaning:
      'The ST-Link measured the target supply at (nearly) 0 V; everything that fails after this line follows from it.',
    source: 'captured',
    signatures: [
      {
        contains: 'target voltage may be too low',
        pattern: String.raw`target voltage may be too low for reliable debugging`,
        examples: ['Error: target voltage may be too low for reliable debugging'],
      },
      {
        contains: 'Target voltage: 0.',
        pattern: String.raw`Target voltage: 0\.\d+`,
        examples: ['Info : Target voltage: 0.000000'],
      },
      {
        contains: 'Target voltage too low',
        pattern: String.raw`Target voltage too low\. Check target power`,
        examples: ['Error: Target voltage too low. Check target power'],
      },
    ],
    causes: [NO_TARGET_POWER],
    next: { command: 'swdkit info', why: 'power the board, then check that the probe measures its voltage' },
  },
  {
    id: 'openocd-libusb-access',
    tools: ['openocd'],
    kind: 'failure',
    rank: 93,
    title: 'the ST-Link cannot be opened: permission denied',
    meaning: 'OpenOCD found the ST-Link on USB but the operating system refused to open it.',
    source: 'documented',
    reference: 'OpenOCD 0.12 strings: "libusb_open() failed with %s"',
    signatures: [
      {
        contains: 'LIBUSB_ERROR_ACCESS',
        pattern: String.raw`libusb_open\(\) failed with LIBUSB_ERROR_ACCESS`,
        examples: ['Error: libusb_open() failed with LIBUSB_ERROR_ACCESS'],
      },
    ],
    causes: [PERMISSION],
    next: {
      command: 'swdkit list',
      why: 'it shows the inaccessible probe and prints the udev rule that fixes it',
    },
  },
  {
    id: 'openocd-libusb-busy',
    tools: ['openocd'],
    kind: 'failure',
    rank: 93,
    title: 'the ST-Link is held by another program',
    meaning: 'OpenOCD opened the ST-Link but could not claim its USB interface: another process has it.',
    source: 'documented',
    reference: 'OpenOCD 0.12 strings: "libusb_claim_interface() failed with %s"',
    signatures: [
      {
        contains: 'LIBUSB_ERROR_BUSY',
        pattern: String.raw`libusb_claim_interface\(\) failed with LIBUSB_ERROR_BUSY`,
        examples: ['Error: libusb_claim_interface() failed with LIBUSB_ERROR_BUSY'],
      },
    ],
    causes: [PROBE_BUSY],
    next: {
      command: 'swdkit server',
      why: 'once the other program is closed, serving the probe lets OpenOCD (hla_stlink_backend tcp 7184), IDEs and swdkit share it',
    },
  },
  {
    id: 'openocd-stlink-server-refused',
    tools: ['openocd'],
    kind: 'failure',
    rank: 92,
    title: 'no stlink-server is running',
    meaning:
      'OpenOCD was told to reach the probe through an stlink-server (hla_stlink_backend tcp / st-link backend tcp), and nothing listens on that port.',
    source: 'captured',
    signatures: [
      {
        contains: 'cannot connect to stlink server',
        pattern: String.raw`cannot connect to stlink server, errno: `,
        examples: ['Error: cannot connect to stlink server, errno: Connection refused'],
      },
    ],
    causes: [
      {
        code: 'no-probe',
        summary:
          "No stlink-server (`swdkit server`, `swdkit sim` or ST's) is running on the port OpenOCD was given (7184 unless set).",
        tell: "`swdkit list` shows USB probes and a server on 127.0.0.1:7184; a different port in `hla_stlink_backend tcp PORT` must match the server's.",
        command: 'swdkit server',
      },
    ],
    next: { command: 'swdkit server', why: 'it serves the USB ST-Link on 127.0.0.1:7184 for OpenOCD' },
  },
  {
    id: 'openocd-no-stlink',
    tools: ['openocd'],
    kind: 'failure',
    rank: 90,
    title: 'no ST-Link found on USB',
    meaning: 'OpenOCD found no ST-Link it could open (none plugged in, or none it may open).',
    source: 'documented',
    reference: 'OpenOCD 0.12 strings: "open failed", "no ST-LINK detected"',
    signatures: [
      {
        contains: 'open failed',
        pattern: String.raw`^(?:Error: )?open failed\s*$`,
        examples: ['Error: open failed'],
      },
      {
        contains: 'no ST-LINK detected',
        pattern: String.raw`no ST-LINK detected`,
        examples: ['Error: no ST-LINK detected'],
      },
      {
        contains: 'ST-LINK open failed',
        pattern: String.raw`ST-LINK open failed \((?:serial|vid/pid) mismatch\)`,
        examples: ['Error: ST-LINK open failed (serial mismatch)'],
      },
    ],
    causes: [NO_PROBE, PERMISSION, PROBE_BUSY],
    next: {
      command: 'swdkit list',
      why: 'it lists the ST-Links on USB, which cannot be opened and who holds a busy one',
    },
  },
  {
    id: 'openocd-wrong-target-config',
    tools: ['openocd'],
    kind: 'failure',
    rank: 88,
    title: 'the target configuration does not match the chip',
    meaning:
      "The SW-DP answered with an IDCODE the target configuration does not expect (0x2ba01477 is a Cortex-M3/M4's; stm32f1x.cfg expects 0x1ba01477).",
    source: 'captured',
    signatures: [
      {
        contains: 'UNEXPECTED idcode',
        pattern: String.raw`UNEXPECTED idcode: 0x[0-9a-f]{8}`,
        examples: ['Warn : UNEXPECTED idcode: 0x2ba01477'],
      },
      {
        contains: 'expected 1 of',
        pattern: String.raw`expected \d+ of \d+: 0x[0-9a-f]{8}`,
        examples: ['Error: expected 1 of 1: 0x1ba01477'],
      },
    ],
    causes: [
      {
        summary:
          'The OpenOCD target file is for another chip family (e.g. target/stm32f1x.cfg on an STM32F4).',
        tell: '`swdkit info` names the chip; for the STM32F4DISCOVERY use -f target/stm32f4x.cfg or -f board/stm32f4discovery.cfg.',
        command: 'swdkit info',
      },
    ],
    next: { command: 'swdkit info', why: 'it names the chip, so you can pick the matching target/*.cfg' },
  },
  {
    id: 'openocd-device-protected',
    tools: ['openocd'],
    kind: 'failure',
    rank: 86,
    title: 'the flash is protected',
    meaning:
      'The STM32F2/F4 flash driver could not erase: the flash is write-protected (nWRP) or read-protected (RDP level 1); OpenOCD prints the same line for both.',
    source: 'captured',
    signatures: [
      {
        contains: 'device protected',
        pattern: String.raw`stm32x device protected`,
        examples: ['Error: stm32x device protected'],
      },
    ],
    causes: [WRITE_PROTECTED, READ_PROTECTED],
    next: { command: 'swdkit info', why: 'it shows the RDP level and the write-protected sectors' },
  },
  {
    id: 'openocd-dap-direct-unsupported',
    tools: ['openocd'],
    kind: 'failure',
    rank: 85,
    title: 'the ST-Link firmware is too old for dap-direct',
    meaning: "The ST-Link's firmware does not support the dap-direct transport (stlink-dap.cfg).",
    source: 'documented',
    reference: 'OpenOCD 0.12 strings',
    signatures: [
      {
        contains: 'does not support DAP direct',
        pattern: String.raw`ST-Link version does not support DAP direct transport`,
        examples: ['Error: ST-Link version does not support DAP direct transport'],
      },
    ],
    causes: [PROBE_FIRMWARE_OLD],
    next: { command: 'swdkit info', why: 'it prints the probe firmware version' },
  },
  {
    id: 'openocd-init-mode-failed',
    tools: ['openocd'],
    kind: 'failure',
    rank: 80,
    title: 'the target does not answer over SWD',
    meaning:
      'The ST-Link could not enter SWD debug mode: the SW-DP did not answer. OpenOCD cannot tell why; the causes below are the usual ones, most likely first.',
    source: 'captured',
    signatures: [
      {
        contains: 'init mode failed',
        pattern: String.raw`init mode failed \(unable to connect to the target\)`,
        examples: ['Error: init mode failed (unable to connect to the target)'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, WIRING, SWD_SPEED, NO_TARGET_POWER, WATCHDOG, RDP2],
    next: DOCTOR,
  },
  {
    id: 'openocd-address-in-use',
    tools: ['openocd'],
    kind: 'failure',
    rank: 75,
    title: 'another OpenOCD is already running',
    meaning:
      "OpenOCD could not open its GDB/telnet/Tcl port: another OpenOCD (an IDE's debug session) is still running, and it very likely holds the probe too.",
    source: 'documented',
    reference: 'OpenOCD 0.12 strings: "couldn\'t bind %s to socket on port %d: %s"',
    signatures: [
      {
        contains: "couldn't bind",
        pattern: String.raw`couldn't bind \w+ to socket on port \d+: Address already in use`,
        examples: ["Error: couldn't bind gdb to socket on port 3333: Address already in use"],
      },
    ],
    causes: [PROBE_BUSY],
    next: {
      command: 'swdkit server',
      why: 'stop the other OpenOCD, then serve the probe so that several programs can use it at once',
    },
  },
  {
    id: 'openocd-tcp-error',
    tools: ['openocd'],
    kind: 'failure',
    rank: 74,
    title: 'the stlink-server lost the probe',
    meaning:
      "The stlink-server answered a command with an error status instead of the probe's reply: the probe behind it went away.",
    source: 'captured',
    signatures: [
      {
        contains: 'TCP error status',
        pattern: String.raw`TCP error status 0x[0-9a-f]+`,
        examples: ['Error: TCP error status 0x2001'],
      },
    ],
    causes: [USB_LINK_LOST],
    next: {
      command: 'swdkit list',
      why: 'it shows whether the probe is still on USB and the server still running',
    },
  },
  {
    id: 'openocd-lost-target',
    tools: ['openocd'],
    kind: 'failure',
    rank: 70,
    title: 'the target stopped answering while OpenOCD was connected',
    meaning:
      'OpenOCD had the target, then its status polls failed and it kept trying to re-examine it: the debug port went silent while the firmware ran (or the target lost power).',
    source: 'captured',
    signatures: [
      {
        contains: 'communication failure',
        pattern: String.raw`(?:jtag status|Target status) (?:contains )?invalid(?: mode value)? - communication failure`,
        examples: [
          'Error: jtag status contains invalid mode value - communication failure',
          'Error: stm32f4x.cpu: Target status invalid - communication failure',
        ],
      },
      {
        contains: 'failed, trying to reexamine',
        pattern: String.raw`Polling target \S+ failed, trying to reexamine`,
        examples: ['Polling target stm32f4x.cpu failed, trying to reexamine'],
      },
      {
        contains: 'Examination failed',
        pattern: String.raw`Examination failed, GDB will be halted`,
        examples: ['Examination failed, GDB will be halted. Polling again in 6300ms'],
      },
    ],
    causes: [LOW_POWER, SWD_PINS, POWER_LOST, WATCHDOG, SWD_SPEED],
    next: DOCTOR,
  },
  {
    id: 'openocd-timed-out-halt',
    tools: ['openocd'],
    kind: 'failure',
    rank: 65,
    title: 'the core did not halt',
    meaning:
      'OpenOCD asked the core to halt and it never reported halted: the debug port answered, but the core was reset, asleep without debug support, or lost between the request and the check.',
    source: 'documented',
    reference: 'OpenOCD 0.12 strings: "timed out while waiting for target %s"; the seed report of issue 14',
    signatures: [
      {
        contains: 'timed out while waiting for target',
        pattern: String.raw`timed out while waiting for target halted`,
        examples: ['Error: timed out while waiting for target halted'],
      },
      {
        contains: 'Timeout waiting for target',
        pattern: String.raw`Timeout waiting for target \S+ halt`,
        examples: ['Error: Timeout waiting for target stm32f4x.cpu halt'],
      },
    ],
    causes: [WATCHDOG, LOW_POWER, SWD_PINS, LOCKUP, WIRING],
    next: DOCTOR,
  },
  {
    id: 'openocd-flash-write-failed',
    tools: ['openocd'],
    kind: 'failure',
    rank: 55,
    title: 'writing the flash failed',
    meaning: 'The flash programming algorithm in target RAM failed or was interrupted.',
    source: 'documented',
    reference: 'OpenOCD 0.12 strings',
    signatures: [
      {
        contains: 'flash write algorithm',
        pattern: String.raw`(?:error executing \w+ flash write algorithm|flash write algorithm aborted by target|Error executing flash write algorithm)`,
        examples: [
          'Error: error executing stm32x flash write algorithm',
          'Error: flash write algorithm aborted by target',
        ],
      },
      {
        contains: 'error writing to flash',
        pattern: String.raw`error writing to flash at address 0x[0-9a-f]+`,
        examples: ['Error: error writing to flash at address 0x08000000 at offset 0x00000000'],
      },
    ],
    causes: [WRITE_PROTECTED, WATCHDOG, POWER_LOST, READ_PROTECTED],
    next: {
      command: 'swdkit info',
      why: 'it shows the protection state; `swdkit flash` then names the sector that fails',
    },
  },
  {
    id: 'openocd-failed-erasing',
    tools: ['openocd'],
    kind: 'failure',
    rank: 50,
    title: 'erasing the flash failed',
    meaning: 'The flash driver could not erase the sectors the image needs.',
    source: 'captured',
    signatures: [
      {
        contains: 'failed erasing sectors',
        pattern: String.raw`failed erasing sectors \d+ to \d+`,
        examples: ['Error: failed erasing sectors 0 to 0'],
      },
    ],
    causes: [WRITE_PROTECTED, READ_PROTECTED, POWER_LOST],
    next: { command: 'swdkit info', why: 'it shows the RDP level and the write-protected sectors' },
  },
  {
    id: 'openocd-auto-probe-failed',
    tools: ['openocd'],
    kind: 'failure',
    rank: 45,
    title: 'the flash could not be identified',
    meaning:
      "The flash driver could not read the chip's identity or flash size, usually because the target stopped answering.",
    source: 'captured',
    signatures: [
      {
        contains: 'auto_probe failed',
        pattern: String.raw`auto_probe failed`,
        examples: ['Error: auto_probe failed'],
      },
    ],
    causes: [POWER_LOST, LOW_POWER, SWD_PINS, USB_LINK_LOST],
    next: DOCTOR,
  },
  {
    id: 'openocd-swd-fault-status',
    tools: ['openocd'],
    kind: 'failure',
    rank: 44,
    title: 'an SWD transfer failed',
    meaning: 'The ST-Link reported a fault on an SWD transfer (no acknowledgement, a FAULT or parity error).',
    source: 'documented',
    reference: 'OpenOCD 0.12 strings: STLINK_SWD_* status names',
    signatures: [
      {
        contains: 'STLINK_SWD_',
        pattern: String.raw`STLINK_SWD_(?:AP|DP)_[A-Z_]+`,
        examples: ['Error: STLINK_SWD_AP_WDATA_ERROR', 'STLINK_SWD_DP_FAULT'],
      },
    ],
    causes: [SWD_SPEED, LOW_POWER, SWD_PINS, WIRING],
    next: DOCTOR,
  },
  {
    id: 'openocd-unable-to-reset',
    tools: ['openocd'],
    kind: 'failure',
    rank: 30,
    title: 'the target could not be reset',
    meaning:
      "`program`'s reset step failed. It is usually the consequence of an earlier failure (the target not answering), not a cause of its own.",
    source: 'documented',
    reference:
      'OpenOCD 0.12 startup.tcl: program_error "** Unable to reset target **"; the seed report of issue 14',
    signatures: [
      {
        contains: 'Unable to reset target',
        pattern: String.raw`\*\* Unable to reset target \*\*`,
        examples: ['** Unable to reset target **'],
      },
    ],
    causes: [SWD_PINS, LOW_POWER, NRST, WIRING],
    next: DOCTOR,
  },
  {
    id: 'openocd-programming-failed',
    tools: ['openocd'],
    kind: 'failure',
    rank: 20,
    title: 'programming failed',
    meaning: '`program` gave up; the reason is in an earlier line.',
    source: 'captured',
    signatures: [
      {
        contains: 'Programming Failed',
        pattern: String.raw`\*\* Programming Failed \*\*`,
        examples: ['** Programming Failed **'],
      },
    ],
    causes: [WRITE_PROTECTED, READ_PROTECTED, POWER_LOST],
    next: DOCTOR,
  },
  {
    id: 'openocd-init-failed',
    tools: ['openocd'],
    kind: 'failure',
    rank: 10,
    title: 'OpenOCD could not initialise',
    meaning: 'OpenOCD stopped before it reached the target; the reason is in an earlier line.',
    source: 'captured',
    signatures: [
      {
        contains: 'OpenOCD init failed',
        pattern: String.raw`\*\* OpenOCD init failed \*\*`,
        examples: ['** OpenOCD init failed **'],
      },
    ],
    causes: [NO_PROBE, WIRING],
    next: DOCTOR,
  },
  {
    id: 'openocd-vectors-erased',
    tools: ['openocd'],
    kind: 'hint',
    rank: 40,
    title: 'the core found no reset vector in flash',
    meaning:
      'Halted after reset with pc 0xfffffffe and msp 0xfffffffc: the core read 0xFFFFFFFF as its initial stack pointer and reset vector, so the flash is erased or cannot be read.',
    source: 'captured',
    signatures: [
      {
        contains: 'pc: 0xfffffffe',
        pattern: String.raw`pc: 0xfffffffe msp: 0xfffffffc`,
        examples: ['xPSR: 0x01000000 pc: 0xfffffffe msp: 0xfffffffc'],
      },
    ],
    causes: [
      { ...FLASH_EMPTY, supportedBy: [] },
      { ...READ_PROTECTED, supportedBy: [] },
    ],
    next: {
      command: 'swdkit info',
      why: 'it shows the RDP level: 0 means the flash is simply empty, 1 that it is protected',
    },
  },
  {
    id: 'openocd-thumb-bit-clear',
    tools: ['openocd'],
    kind: 'hint',
    rank: 42,
    title: 'the core halted with the Thumb bit clear',
    meaning:
      'xPSR bit 24 (T) is clear: the core tried to run code in ARM state, which a Cortex-M cannot (INVSTATE). A vector table entry with bit 0 clear does this, and it locks up the core.',
    source: 'captured',
    signatures: [
      {
        contains: 'xPSR: ',
        pattern: String.raw`xPSR: (?:0x)?[0-9a-f][02468ace][0-9a-f]{6} pc: `,
        examples: ['xPSR: 00000000 pc: 0x08000040 msp: 0x20020000'],
      },
    ],
    causes: [LOCKUP, HARD_FAULT],
    next: DOCTOR,
  },
  {
    id: 'openocd-old-stlink-firmware',
    tools: ['openocd'],
    kind: 'hint',
    rank: 35,
    title: 'the ST-Link firmware is old',
    meaning: 'The ST-Link/V2 firmware is older than J24, which lacks commands newer tools rely on.',
    source: 'documented',
    reference: 'pyOCD pull request #422: "The minimum STLink firmware version is V2J24"',
    signatures: [
      {
        contains: 'STLINK V2J',
        pattern: String.raw`STLINK V2J(?:[0-9]|1[0-9]|2[0-3])(?:S|M)\d+ `,
        examples: ['Info : STLINK V2J17S4 (API v2) VID:PID 0483:3748'],
      },
    ],
    causes: [PROBE_FIRMWARE_OLD],
    next: { command: 'swdkit info', why: "it prints the firmware version; ST's STLinkUpgrade updates it" },
  },
  {
    id: 'openocd-halted',
    tools: ['openocd'],
    kind: 'success',
    rank: 3,
    title: 'connected and halted the core',
    meaning:
      'OpenOCD reached the target over SWD and halted its core; the line after it gives the registers.',
    source: 'captured',
    signatures: [
      {
        contains: 'halted due to',
        pattern: String.raw`halted due to (?:debug-request|breakpoint|watchpoint|single-step)`,
        examples: ['[stm32f4x.cpu] halted due to debug-request, current mode: Thread '],
      },
    ],
    causes: [],
    next: {
      command: 'swdkit doctor',
      why: 'the log shows no failure; if the board still misbehaves, the doctor checks it through the probe',
    },
  },
  {
    id: 'openocd-verified',
    tools: ['openocd'],
    kind: 'success',
    rank: 5,
    title: 'programmed and verified',
    meaning: 'OpenOCD programmed the image and the verify step found it intact.',
    source: 'captured',
    signatures: [
      {
        contains: 'Verified OK',
        pattern: String.raw`\*\* Verified OK \*\*`,
        examples: ['** Verified OK **'],
      },
    ],
    causes: [],
    next: {
      command: 'swdkit doctor',
      why: 'the log shows no failure; if the board still misbehaves, the doctor checks it through the probe',
    },
  },
];
