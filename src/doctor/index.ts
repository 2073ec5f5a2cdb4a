export { runDoctor, type DoctorOptions, type DoctorProbe } from './ladder.js';
export { quickVerdict, type QuickVerdict } from './quick.js';
export { elfLocator } from './elf/locate.js';
export { decodeLineTable, lineFor, type LineRow, type LineSequence } from './elf/dwarf-line.js';
export { DIAGNOSIS_CODES } from './report.js';
export type {
  CodeLocation,
  Diagnosis,
  DiagnosisCode,
  DoctorReport,
  Evidence,
  Possibility,
} from './report.js';
