/** The doctor's diagnosis codes, which the explainer maps causes to. */
export { DIAGNOSIS_CODES, type DiagnosisCode } from '../codes.js';

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
