/** The log explainer: `swdkit doctor --log FILE|-` over a knowledge base that is data (knowledge/). */
export { DIAGNOSIS_CODES, TOOL_IDS, type DiagnosisCode, type ToolId } from './codes.js';
export {
  explainLog,
  type DetectedTool,
  type EntryMatch,
  type ExplainedCause,
  type LogExplanation,
  type LogLine,
  type LogVerdict,
  type RuledOutCause,
} from './explain.js';
export {
  explanationJson,
  formatExplanation,
  logDiagnoses,
  type LogDiagnosis,
  type LogEvidence,
  type LogExplanationJson,
} from './format.js';
export { defaultKnowledgeBase, loadKnowledgeBase, type KnowledgeBase } from './knowledge-base.js';
export { MAX_LINE_CHARS } from './log-text.js';
export type { KnowledgeBaseData } from './schema.js';
