/** The ladder's first rungs: can the probe be opened, and what its firmware can do. */
import type { StLink } from '../probe/stlink.js';
import type { StLinkFeatures } from '../protocol/version.js';
import type { SwdkitError } from '../util/errors.js';
import type { Diagnosis, Evidence } from './report.js';

/** What opening the probe failed with, as a diagnosis. */
export function probeOpenDiagnosis(error: SwdkitError, evidence: Evidence): Diagnosis {
  const hint = error.hint ?? '';
  switch (error.code) {
    case 'unavailable.usb-permission':
      return {
        code: 'probe-permission',
        summary: `${error.message.replace(/\.$/, '')}: your user may not open the ST-Link's USB device.`,
        evidence: [evidence],
        command: 'sudo sh -c "udevadm control --reload && udevadm trigger"',
        fix: hint,
      };
    case 'unavailable.usb-busy':
      return {
        code: 'probe-busy',
        summary: `${error.message.replace(/\.$/, '')} Only one program at a time can open a USB ST-Link.`,
        evidence: [evidence],
        command: 'swdkit server',
        fix: hint,
      };
    default:
      return {
        code: 'no-probe',
        summary: `No ST-Link could be reached: ${error.message.split('\n')[0]?.replace(/\.$/, '') ?? ''}.`,
        evidence: [evidence],
        command: 'swdkit list',
        fix: hint,
      };
  }
}

/** Each capability an old firmware lacks, and what that costs here. */
const GATED: readonly { readonly feature: keyof StLinkFeatures; readonly blocks: string }[] = [
  {
    feature: 'hasTargetVoltage',
    blocks: 'measuring the target voltage (an unpowered target cannot be told apart)',
  },
  { feature: 'hasSwdSetFreq', blocks: 'choosing the SWD clock (no slower clock for long wires)' },
  { feature: 'hasFpuRegisters', blocks: 'reading the FPU registers' },
  { feature: 'hasMem16Bit', blocks: '16-bit memory accesses (some peripheral registers)' },
  { feature: 'hasApInit', blocks: 'access ports other than AP0' },
  { feature: 'hasRwMisc', blocks: 'batched register accesses (slower debugging and flashing)' },
];

export function probeFirmwareCheck(stlink: StLink): { evidence: Evidence; missing: string[] } {
  const features = stlink.features;
  const missing = GATED.filter((g) => !features[g.feature]).map((g) => g.blocks);
  return {
    evidence: {
      step: 'probe-firmware',
      tried: 'read the probe firmware version',
      result:
        missing.length === 0
          ? `${stlink.versionString}: every feature swdkit uses is there`
          : `${stlink.versionString}: lacks ${missing.join('; ')}`,
      ok: missing.length === 0,
      data: { version: stlink.versionString },
    },
    missing,
  };
}

export function probeFirmwareDiagnosis(
  stlink: StLink,
  missing: readonly string[],
  evidence: Evidence,
): Diagnosis {
  return {
    code: 'probe-firmware-old',
    summary: `The probe's firmware ${stlink.versionString} is outdated: it cannot do ${missing.join('; ')}.`,
    evidence: [evidence],
    fix: "Update it with ST's STSW-LINK007 (ST-LINK firmware upgrade) or STM32CubeProgrammer's firmware upgrade; then run the doctor again.",
  };
}
