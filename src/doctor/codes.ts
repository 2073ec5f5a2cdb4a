/**
 * Issue 14's stable diagnosis codes, shared by the doctor's ladder and the log explainer (so a log's
 * `--json` diagnoses read like the ladder's).
 */

/** The stable diagnosis codes (part of the public interface: `--json` consumers switch on them). */
export const DIAGNOSIS_CODES = [
  'no-probe',
  'probe-permission',
  'probe-busy',
  'probe-firmware-old',
  'no-target-power',
  'swd-no-response',
  'swd-speed',
  'firmware-disables-swd-pins',
  'firmware-low-power',
  'watchdog-reset',
  'flash-empty',
  'core-lockup',
  'hard-fault',
  'read-protected',
  'permanently-protected',
  'write-protected',
  'healthy',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];
