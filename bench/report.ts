/** One figure a benchmark prints. Benchmarks report; they never assert on time. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly detail: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatResult(result: BenchResult): string {
  return `${result.name}: ${result.value.toFixed(1)} ${result.unit}\n  ${result.detail}`;
}
