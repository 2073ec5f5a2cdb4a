/**
 * Issue 14's stable diagnosis codes, the vocabulary the log explainer maps causes to so that its
 * `--json` diagnoses read like the doctor ladder's. (The ladder keeps the same list; when both are on
 * one branch, one of them should import the other's.)
 */
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

/** The programs whose output the explainer knows. */
export const TOOL_IDS = [
  'openocd',
  'platformio',
  'st-flash',
  'stm32cubeprogrammer',
  'pyocd',
  'probe-rs',
] as const;
export type ToolId = (typeof TOOL_IDS)[number];
