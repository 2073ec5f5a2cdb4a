/**
 * gdb-multiarch driven through its machine interface (GDB/MI, `--interpreter=mi2`), as IDEs drive it
 * (Cortex-Debug, Eclipse CDT): numbered commands on stdin, result records (`12^done,…`) and async
 * records (`*stopped,…`) read back line by line. Enough of MI for peer tests: no full parser, the
 * records are kept as text and tests match what they need.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface MiResult {
  /** done, running, connected, error or exit. */
  readonly kind: string;
  /** The record after `^kind,` (empty when there is none). */
  readonly body: string;
}

export class GdbMi {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private token = 0;
  /** Every line gdb printed, for failure messages. */
  readonly transcript: string[] = [];
  private readonly asyncRecords: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private exited = false;

  constructor(gdb: string, args: readonly string[] = []) {
    this.child = spawn(gdb, ['-q', '-nx', '--interpreter=mi2', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline).replace(/\r$/, '');
        this.buffer = this.buffer.slice(newline + 1);
        this.transcript.push(line);
        if (line.startsWith('*')) this.asyncRecords.push(line);
      }
      this.wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) =>
      this.transcript.push(`stderr: ${chunk.toString('utf8')}`),
    );
    this.child.on('close', () => {
      this.exited = true;
      this.wake();
    });
  }

  /** Sends one MI command and waits for its result record. */
  async command(text: string, timeoutMs = 60_000): Promise<MiResult> {
    const token = ++this.token;
    const from = this.transcript.length;
    // A stop before this command is not one it waits for (the connect's own stop, say).
    this.asyncRecords.length = 0;
    this.child.stdin.write(`${token}${text}\n`);
    const prefix = `${token}^`;
    let found: string | undefined;
    await this.until(
      () => {
        found = this.transcript.slice(from).find((line) => line.startsWith(prefix));
        return found !== undefined;
      },
      timeoutMs,
      `the result of ${text}`,
    );
    const rest = (found ?? '').slice(prefix.length);
    const comma = rest.indexOf(',');
    return comma < 0 ? { kind: rest, body: '' } : { kind: rest.slice(0, comma), body: rest.slice(comma + 1) };
  }

  /** Like command(), but a result other than `kind` throws with the transcript. */
  async expect(text: string, kind = 'done', timeoutMs?: number): Promise<MiResult> {
    const result = await this.command(text, timeoutMs);
    if (result.kind !== kind) throw new Error(`${text}: ^${result.kind},${result.body}\n${this.log()}`);
    return result;
  }

  /** Waits for a `*stopped` record since the last command was sent, and returns it. */
  async stopped(timeoutMs = 60_000): Promise<string> {
    let record: string | undefined;
    await this.until(
      () => {
        const index = this.asyncRecords.findIndex((r) => r.startsWith('*stopped'));
        if (index < 0) return false;
        record = this.asyncRecords[index];
        this.asyncRecords.splice(0, index + 1);
        return true;
      },
      timeoutMs,
      'a *stopped record',
    );
    return record ?? '';
  }

  /** Waits for a `*running` record (the target was resumed). */
  async running(timeoutMs = 60_000): Promise<void> {
    await this.until(
      () => {
        const index = this.asyncRecords.findIndex((r) => r.startsWith('*running'));
        if (index < 0) return false;
        this.asyncRecords.splice(0, index + 1);
        return true;
      },
      timeoutMs,
      'a *running record',
    );
  }

  log(): string {
    return this.transcript.join('\n');
  }

  async close(): Promise<void> {
    if (!this.exited) {
      this.child.stdin.write('-gdb-exit\n');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.until(() => this.exited, 15_000, 'gdb to exit').catch(() => undefined);
      clearTimeout(killer);
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private async until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (this.exited) throw new Error(`gdb exited while waiting for ${what}\n${this.log()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\n${this.log()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
