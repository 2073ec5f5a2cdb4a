import { appendFile } from 'node:fs/promises';

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

/** Appends JSON lines in order; `flush` waits for every line so far to reach the file. */
export class StatsWriter {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(private readonly file: string) {}

  write(stats: SessionStats): void {
    const line = `${JSON.stringify(stats)}\n`;
    this.tail = this.tail.then(() =>
      appendFile(this.file, line).catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }

  /** Resolves when every line is written; rejects with the first write error, if any. */
  async flush(): Promise<void> {
    await this.tail;
    if (this.failure !== undefined) throw this.failure;
  }
}
