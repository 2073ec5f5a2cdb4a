import type { Segment } from './image/types.js';

/**
 * Cuts image runs into the pieces a flash driver programs: each starts and ends on the access size
 * (the bytes added are 0xFF, what an erased cell already holds, so they change nothing), runs closer
 * than `joinGap` bytes are joined (one transfer is cheaper than two), and no piece exceeds
 * `maxPiece` bytes (the loader's buffer). Runs must be sorted and within one erased sector.
 */
export function programPieces(
  runs: readonly Segment[],
  accessBytes: 1 | 2 | 4,
  maxPiece: number,
  joinGap = 256,
): Segment[] {
  const down = (a: number): number => a - (a % accessBytes);
  const up = (a: number): number => down(a + accessBytes - 1);
  const spans: { start: number; end: number; runs: Segment[] }[] = [];
  for (const run of runs) {
    const start = down(run.address);
    const end = up(run.address + run.data.length);
    const last = spans.at(-1);
    if (last !== undefined && start <= last.end + joinGap) {
      last.end = Math.max(last.end, end);
      last.runs.push(run);
    } else {
      spans.push({ start, end, runs: [run] });
    }
  }
  const pieces: Segment[] = [];
  const step = down(maxPiece);
  for (const span of spans) {
    const bytes = new Uint8Array(span.end - span.start).fill(0xff);
    for (const run of span.runs) bytes.set(run.data, run.address - span.start);
    for (let at = 0; at < bytes.length; at += step) {
      pieces.push({ address: span.start + at, data: bytes.subarray(at, Math.min(at + step, bytes.length)) });
    }
  }
  return pieces;
}
