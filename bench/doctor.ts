import { cli } from '../test/support/cli.js';
import { firmwareElf } from '../test/support/paths.js';
import { median, type BenchResult } from './report.js';

/**
 * `swdkit doctor` on the virtual board, in-process on `--probe sim` as a user runs it: the whole
 * ladder's wall time (the issue asks for under 2 s on a healthy board), on healthy blinky and on
 * swd-off (where the ladder goes on to the trace from the reset vector).
 */
export async function benchDoctor(samples = 5): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const firmware of ['blinky', 'swd-off']) {
    const walls: number[] = [];
    let code = '';
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      const r = await cli(['--json', '--probe', `sim:firmware=${firmwareElf(firmware)}`, 'doctor']);
      walls.push(performance.now() - start);
      const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
        diagnoses?: { code: string }[];
      };
      code = report.diagnoses?.[0]?.code ?? `exit ${r.status}`;
    }
    results.push({
      name: `doctor on ${firmware} (whole ladder, wall)`,
      value: median(walls),
      unit: 'ms',
      detail: `verdict ${code}; samples ${walls.map((w) => w.toFixed(0)).join(', ')} ms`,
    });
  }
  return results;
}
