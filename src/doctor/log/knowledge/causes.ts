/**
 * Causes that several messages share, as plain data (the entries list them in their own order of
 * likelihood). A cause's `command` is something to copy: a swdkit command line or the other tool's fix.
 */
import type { CauseData, LineTestData } from '../schema.js';

/** A probe-measured target voltage of at least 1.7 V (the STM32F4's minimum VDD). */
const NORMAL_VOLTAGE: readonly LineTestData[] = [
  {
    contains: 'Target voltage: ',
    pattern: String.raw`Target voltage: (?:[2-9]|1\.[7-9])`,
    examples: ['Info : Target voltage: 3.000000', 'Info : Target voltage: 2.912563'],
  },
  {
    contains: 'oltage',
    pattern: String.raw`^(?:\d\d:\d\d:\d\d : )?Voltage +: (?:[2-9]|1\.[7-9])`,
    examples: ['Voltage     : 3.24V', '11:15:28 : Voltage : 3.14V'],
  },
];

export const NO_TARGET_POWER: CauseData = {
  code: 'no-target-power',
  summary:
    "The target is unpowered, or its VDD does not reach the probe's target-voltage pin (a separate ST-Link needs it wired).",
  tell: "The probe measures under 1.7 V: OpenOCD's `Target voltage:` line, STM32CubeProgrammer's `Voltage :`, or `swdkit info`.",
  command: 'swdkit info',
  ruledOutBy: NORMAL_VOLTAGE.map((test) => ({
    test,
    reason: 'the probe measured a normal target voltage',
  })),
};

export const SWD_PINS: CauseData = {
  code: 'firmware-disables-swd-pins',
  summary:
    'The firmware reconfigures PA13/PA14 (SWDIO/SWCLK) as GPIO or another function soon after reset, so the SW-DP stops answering.',
  tell: 'It fails only some time after power-on or reset, and connecting under reset works; `swdkit doctor` connects under reset and reports the firmware write to GPIOA_MODER/AFRH that takes the pins (with --elf, its source line).',
  command: 'swdkit flash --connect under-reset FIRMWARE.elf',
};

export const LOW_POWER: CauseData = {
  code: 'firmware-low-power',
  summary:
    'The firmware enters Stop or Standby (or sleeps) with the DBGMCU low-power debug bits cleared, which switches the debug logic off.',
  tell: 'Connecting under reset works; `swdkit doctor` traces the write to PWR_CR/SCB_SCR that enters the low-power mode. A sleeping board draws microamps.',
  command: 'swdkit flash --connect under-reset FIRMWARE.elf',
};

export const WIRING: CauseData = {
  code: 'swd-no-response',
  summary:
    'SWDIO, SWCLK or GND is not connected (or the wrong pins are), so the SW-DP never answers; on a Discovery, the CN3 jumpers must both be ON for the on-board ST-LINK.',
  tell: 'It fails with any firmware, right after power-on and under reset too; `swdkit doctor` says the SW-DP did not answer at any clock, even under reset.',
  command: 'swdkit doctor',
};

export const SWD_SPEED: CauseData = {
  code: 'swd-speed',
  summary: 'The SWD clock is too fast for the wiring (long, unshielded or flying leads).',
  tell: 'It works at a lower clock: `swdkit info --speed 100`, or `adapter speed 100` before `init` in OpenOCD.',
  command: 'swdkit info --speed 100',
};

export const WATCHDOG: CauseData = {
  code: 'watchdog-reset',
  summary:
    'A watchdog (IWDG/WWDG) not frozen in debug keeps resetting the core, and the debugger loses it at each reset.',
  tell: '`swdkit doctor` reads the reset flags (RCC_CSR IWDGRSTF/WWDGRSTF) and watches the core for resets; swdkit freezes the watchdogs in DBGMCU while it works.',
  command: 'swdkit doctor',
};

export const RDP2: CauseData = {
  code: 'permanently-protected',
  summary:
    'Read protection level 2: the debug port is disabled for good; no tool can connect to this chip again.',
  tell: 'Nothing answers even under reset, with good wiring and power, and the chip still runs its firmware; it is the remaining possibility once the others are excluded.',
  command: 'swdkit doctor',
};

export const NRST: CauseData = {
  summary:
    "NRST is not wired to the probe (or is held by the board's reset circuit), so the probe cannot reset or hold the chip.",
  tell: "Resets by NRST and connect under reset fail while a software reset (SYSRESETREQ) works; check the probe cable's NRST (pin 15 of a 20-pin ST-Link, T_NRST on a V3).",
  command: 'swdkit reset --method nrst',
};

export const PROBE_BUSY: CauseData = {
  code: 'probe-busy',
  summary:
    "Another program holds the ST-Link: an IDE's OpenOCD or GDB server still running, or a second upload started before the first ended.",
  tell: '`swdkit list` names the process that holds the probe (on Linux); closing it frees the probe. Serving the probe with `swdkit server` lets all of them share it.',
  command: 'swdkit server',
};

export const NO_PROBE: CauseData = {
  code: 'no-probe',
  summary:
    'No ST-Link is connected: unplugged, a charge-only cable, or a probe that has stopped answering USB.',
  tell: '`swdkit list` shows no probe (`lsusb` shows no 0483:3748/374b/374e/374f/3752/3753/3754); re-plug the probe.',
  command: 'swdkit list',
};

export const PERMISSION: CauseData = {
  code: 'probe-permission',
  summary:
    'The ST-Link is there, but this user may not open it: on Linux the udev rule is missing; on Windows the ST-Link (or WinUSB) driver is not installed.',
  tell: '`swdkit list` marks an inaccessible probe and prints the udev rule to install; running the tool as root works.',
  command: 'swdkit list',
};

export const PROBE_FIRMWARE_OLD: CauseData = {
  code: 'probe-firmware-old',
  summary: "The ST-Link's firmware is too old for what the tool asked.",
  tell: "`swdkit info` prints the firmware version (V2J<n>: below J24 many tools refuse features); ST's STLinkUpgrade (STSW-LINK007) updates it.",
  command: 'swdkit info',
};

export const READ_PROTECTED: CauseData = {
  code: 'read-protected',
  summary:
    'Read protection level 1: with a debugger attached, flash can be neither read nor programmed; it must go back to level 0, which erases all flash.',
  tell: '`swdkit info` shows the RDP level; a core halted after reset at pc 0xfffffffe with msp 0xfffffffc could not fetch its vectors from flash.',
  command: 'swdkit recover',
  supportedBy: [
    {
      test: {
        contains: 'pc: 0xfffffffe',
        pattern: String.raw`pc: 0xfffffffe msp: 0xfffffffc`,
        examples: ['xPSR: 0x01000000 pc: 0xfffffffe msp: 0xfffffffc'],
      },
      reason: 'the core could not fetch its reset vector from flash, as under read protection',
    },
  ],
};

export const WRITE_PROTECTED: CauseData = {
  code: 'write-protected',
  summary: 'Write protection (option bytes nWRP) on the sectors being erased or programmed.',
  tell: '`swdkit options` lists the write-protected sectors; `swdkit info` shows RDP level 0 with sectors protected.',
  command: 'swdkit options --unprotect-sectors 0-11',
};

export const FLASH_EMPTY: CauseData = {
  code: 'flash-empty',
  summary: 'The flash is erased: the vector table reads 0xFFFFFFFF, so the core has nothing to run.',
  tell: '`swdkit read 0x08000000 8` shows ff bytes and `swdkit info` shows RDP level 0; under read protection the same read fails instead.',
  command: 'swdkit flash FIRMWARE.elf',
};

export const LOCKUP: CauseData = {
  code: 'core-lockup',
  summary:
    'The core is locked up: a vector with the Thumb bit clear (INVSTATE) or a fault inside the HardFault handler stops it for good.',
  tell: '`swdkit doctor` reads DHCSR.S_LOCKUP; a halt right after reset shows xPSR with the T bit (bit 24) clear.',
  command: 'swdkit doctor',
};

export const HARD_FAULT: CauseData = {
  code: 'hard-fault',
  summary: 'The firmware took a fault that escalated to HardFault.',
  tell: '`swdkit doctor --elf FIRMWARE.elf` decodes CFSR/HFSR/MMFAR/BFAR and names the faulting function.',
  command: 'swdkit doctor --elf FIRMWARE.elf',
};

export const USB_LINK_LOST: CauseData = {
  code: 'no-probe',
  summary:
    'The probe went away part way: unplugged, a bad cable or hub, or the stlink-server serving it stopped or lost its USB device.',
  tell: '`swdkit list` shows whether the probe is still there; if the target lost power instead, the probe is listed and measures 0 V.',
  command: 'swdkit list',
};

export const POWER_LOST: CauseData = {
  code: 'no-target-power',
  summary: 'The target lost its power part way (a supply switched off, a brown-out, a loose VDD wire).',
  tell: '`swdkit info` shows the target voltage now; the probe itself is still listed by `swdkit list`.',
  command: 'swdkit info',
};
