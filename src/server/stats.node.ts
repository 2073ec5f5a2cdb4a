import { appendFile, open } from 'node:fs/promises';
import { UnavailableError } from '../util/errors.js';
import { SerialQueue } from '../util/serial-queue.js';

/** One line of `--stats FILE`: a closed client session (issue 5). */
export interface SessionStats {
  /** Sequence number of the TCP connection since the server started, from 1. */
  readonly session: number;
  /** The client's address and port, "127.0.0.1:51234". */
  readonly client: string;
  /** SEND_USB_CMD requests (probe commands and trace reads). */
  readonly commands: number;
  /** TCP bytes received from / sent to the client. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Modelled probe time spent for this client (0 for a probe that does not model it). */
  readonly virtualSeconds: number;
  readonly wallSeconds: number;
}

/**
 * Appends JSON lines in order. `open` checks at start that the file can be appended to, so a wrong
 * path is an error before anything is served; a write that fails later (disk full, the file replaced
 * by a directory) is reported once through `onFailure` and the server carries on: statistics are
 * never worth a session.
 */
export class StatsWriter {
  private readonly queue = new SerialQueue();
  private failed = false;

  private constructor(
    private readonly file: string,
    private readonly onFailure: (error: UnavailableError) => void,
  ) {}

  static async open(file: string, onFailure: (error: UnavailableError) => void): Promise<StatsWriter> {
    try {
      const handle = await open(file, 'a');
      await handle.close();
    } catch (cause) {
      throw new UnavailableError(
        'stats-unwritable',
        `Cannot append to the stats file ${file}: ${(cause as Error).message}.`,
        { hint: 'Give --stats a file in a directory that exists and that you may write to.', cause },
      );
    }
    return new StatsWriter(file, onFailure);
  }

  write(stats: SessionStats): void {
    const line = `${JSON.stringify(stats)}\n`;
    void this.queue.run(() =>
      appendFile(this.file, line).catch((cause: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.onFailure(
          new UnavailableError(
            'stats-write-failed',
            `Writing the stats file ${this.file} failed: ${(cause as Error).message}. Session lines from now on may be missing (this is reported once).`,
            { hint: 'Check the disk and the file; the server keeps serving its clients.', cause },
          ),
        );
      }),
    );
  }

  /** Resolves when every line so far is written or has failed (never rejects). */
  async flush(): Promise<void> {
    await this.queue.run(() => undefined);
  }
}
