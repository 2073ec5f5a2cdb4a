import cliProgress from 'cli-progress';
import type { FlashPhase, FlashProgress } from '../flash/progress.js';

/**
 * The three renderings of flash progress: bars on a TTY (phase, bytes, KiB/s, ETA), a plain line per
 * phase otherwise (logs and CI stay readable), and JSON Lines events with --json.
 */
export interface ProgressStreams {
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
}

const KiB = 1024;
const kib = (bytes: number): string => (bytes / KiB).toFixed(bytes < 10 * KiB ? 1 : 0);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A clock in ms, injectable for tests. */
export type Clock = () => number;

class TtyProgress implements FlashProgress {
  private bar: cliProgress.SingleBar | undefined;
  private started = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly now: Clock,
  ) {}

  start(phase: FlashPhase, total: number, detail?: string): void {
    this.started = this.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${phase.padEnd(7)} |{bar}| {percentage}% {doneKiB}/{totalKiB} KiB {rate} KiB/s ETA {eta_formatted}${
          detail === undefined ? '' : `  ${detail}`
        }`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(total, 1), 0, { doneKiB: kib(0), totalKiB: kib(total), rate: '0' });
  }

  update(_phase: FlashPhase, done: number): void {
    const elapsed = Math.max(this.now() - this.started, 1);
    this.bar?.update(done, { doneKiB: kib(done), rate: ((done / KiB) * (1000 / elapsed)).toFixed(0) });
  }

  end(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

class PlainProgress implements FlashProgress {
  private started = 0;
  private total = 0;
  private done = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly now: Clock,
  ) {}

  start(phase: FlashPhase, total: number, detail?: string): void {
    this.started = this.now();
    this.total = total;
    this.done = 0;
    this.stream.write(`${phase}: ${kib(total)} KiB${detail === undefined ? '' : ` (${detail})`}\n`);
  }

  update(_phase: FlashPhase, done: number): void {
    this.done = done;
  }

  end(phase: FlashPhase): void {
    const ms = this.now() - this.started;
    // A phase that took no time (a verify done while programming) has no meaningful rate.
    const rate = ms >= 5 ? `, ${((this.done / KiB) * (1000 / ms)).toFixed(0)} KiB/s` : '';
    const partial = this.done < this.total ? ` (stopped at ${kib(this.done)} of ${kib(this.total)} KiB)` : '';
    this.stream.write(`${phase}: done in ${seconds(ms)}${rate}${partial}\n`);
  }
}

/** JSON Lines on stdout, at most one update per phase every 100 ms (start and end always). */
class JsonProgress implements FlashProgress {
  private lastUpdate = 0;
  private total = 0;
  private done = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly now: Clock,
  ) {}

  private emit(event: Record<string, unknown>): void {
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  start(phase: FlashPhase, total: number, detail?: string): void {
    this.total = total;
    this.done = 0;
    this.lastUpdate = this.now();
    this.emit({
      event: 'progress',
      phase,
      state: 'start',
      total,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  update(phase: FlashPhase, done: number): void {
    this.done = done;
    const now = this.now();
    if (now - this.lastUpdate < 100) return;
    this.lastUpdate = now;
    this.emit({ event: 'progress', phase, state: 'update', done, total: this.total });
  }

  end(phase: FlashPhase): void {
    this.emit({ event: 'progress', phase, state: 'end', done: this.done, total: this.total });
  }
}

export function cliProgressReporter(
  streams: ProgressStreams,
  options: { readonly json: boolean; readonly now?: Clock },
): FlashProgress {
  const now = options.now ?? (() => performance.now());
  if (options.json) return new JsonProgress(streams.stdout, now);
  if (streams.stderr.isTTY === true) return new TtyProgress(streams.stderr, now);
  return new PlainProgress(streams.stderr, now);
}
