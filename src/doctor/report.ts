/**
 * What the doctor hands back: every step of the ladder as evidence (what was tried, what came back)
 * and the diagnoses drawn from it, each with a stable code (issue 14) and the command to run.
 */

import type { DiagnosisCode } from './codes.js';

export { DIAGNOSIS_CODES, type DiagnosisCode } from './codes.js';

/** One rung of the ladder: what was tried and what came back. */
export interface Evidence {
  /** A short stable name: probe, probe-firmware, target-voltage, swd, swd-slow, under-reset, trace... */
  readonly step: string;
  readonly tried: string;
  readonly result: string;
  readonly ok: boolean;
  /** The raw values behind `result` (register words, addresses), for --json. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A cause the doctor cannot rule out, with how to tell it from the others. */
export interface Possibility {
  readonly cause: string;
  readonly tell: string;
}

export interface Diagnosis {
  readonly code: DiagnosisCode;
  /** The cause in one sentence. */
  readonly summary: string;
  /** The steps that show it. */
  readonly evidence: readonly Evidence[];
  /** The command to copy, when there is one. */
  readonly command?: string;
  /** What the command does or what else to do, in a sentence or two. */
  readonly fix?: string;
  /** "Cannot tell": the causes still possible, most likely first. */
  readonly possibilities?: readonly Possibility[];
  /** Where the firmware did it (a traced write or a fault), with --elf its function and line. */
  readonly location?: CodeLocation;
}

export interface CodeLocation {
  readonly pc: number;
  readonly function?: string;
  readonly file?: string;
  readonly line?: number;
}

export interface DoctorReport {
  /** Most important first; `healthy` alone when nothing is wrong. */
  readonly diagnoses: readonly Diagnosis[];
  /** Every step in the order it ran. */
  readonly steps: readonly Evidence[];
  /** Wall time of the run, ms. */
  readonly durationMs: number;
}
