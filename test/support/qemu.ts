/**
 * Runs `qemu-system-arm` halted at reset with its gdbstub on a free loopback port, for peer tests.
 *
 * Every QEMU started here is tracked and killed when the test process exits, so a failing or timed-out
 * test never leaves one behind; tests should still `await qemu.stop()` in a `finally` or `after`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface QemuOptions {
  /** The ELF to load with -kernel. */
  readonly elf: string;
  /** Path of qemu-system-arm (default: found on PATH by the spawn). */
  readonly program?: string;
  /** Default netduinoplus2 (STM32F405, Cortex-M4F). */
  readonly machine?: string;
  /** Extra arguments appended to the command line. */
  readonly extraArgs?: readonly string[];
  /** How long QEMU may take to open its gdbstub port (default 10 s). */
  readonly startTimeoutMs?: number;
}

export interface QemuExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A free TCP port on 127.0.0.1 (free when asked; QEMU start-up retries if it is taken meanwhile). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        if (port > 0) resolve(port);
        else reject(new Error('could not obtain a free loopback port'));
      });
    });
  });
}

/** Whether something listens on 127.0.0.1:`port`, from /proc/net/tcp; undefined where that is absent. */
function isListening(port: number): boolean | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const wanted = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    // fields[1] is local address (hex ip:port), fields[3] the state; 0A is LISTEN.
    return fields[1]?.endsWith(wanted) === true && fields[3] === '0A';
  });
}

export class QemuProcess {
  private output = '';
  private readonly exitPromise: Promise<QemuExit>;
  private exitInfo: QemuExit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly commandLine: readonly string[],
  ) {
    live.add(child);
    const keep = (chunk: Buffer): void => {
      // Keep the tail only: QEMU warnings are short, and a runaway guest must not fill memory.
      this.output = (this.output + chunk.toString('utf8')).slice(-16_384);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      const done = (info: QemuExit): void => {
        live.delete(child);
        this.exitInfo ??= info;
        resolve(this.exitInfo);
      };
      child.once('exit', (code, signal) => {
        done({ code, signal });
      });
      child.once('error', (error) => {
        this.output += `\nspawn error: ${error.message}`;
        done({ code: null, signal: null });
      });
    });
  }

  /** Starts QEMU halted (-S) and resolves once its gdbstub listens. */
  static async start(options: QemuOptions): Promise<QemuProcess> {
    installExitHook();
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freeLoopbackPort();
      const args = [
        '-M',
        options.machine ?? 'netduinoplus2',
        '-nographic',
        '-monitor',
        'none',
        '-serial',
        'none',
        '-S',
        '-gdb',
        `tcp:127.0.0.1:${port}`,
        '-kernel',
        options.elf,
        ...(options.extraArgs ?? []),
      ];
      const program = options.program ?? 'qemu-system-arm';
      const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const qemu = new QemuProcess(child, port, [program, ...args]);
      try {
        await qemu.waitListening(options.startTimeoutMs ?? 10_000);
        return qemu;
      } catch (error) {
        await qemu.stop();
        lastError = error instanceof Error ? error : new Error(String(error));
        if (!/address already in use|failed to bind/i.test(qemu.output)) break;
      }
    }
    throw lastError ?? new Error('QEMU did not start');
  }

  private async waitListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.hasExited()) {
        throw new Error(
          `${this.describe()} exited during start-up (code ${this.exitInfo?.code}, signal ${this.exitInfo?.signal}):\n${this.output.trim()}`,
        );
      }
      const listening = isListening(this.port);
      if (listening === true) return;
      if (listening === undefined) {
        // No /proc/net/tcp: give QEMU a moment; clients retry their connection anyway.
        await sleep(300);
        if (!this.hasExited()) return;
        continue;
      }
      await sleep(20);
    }
    throw new Error(`${this.describe()} did not open its gdbstub within ${timeoutMs} ms:\n${this.output}`);
  }

  /** QEMU's stdout and stderr so far (the tail), for failure messages. */
  get log(): string {
    return this.output;
  }

  get exited(): Promise<QemuExit> {
    return this.exitPromise;
  }

  get running(): boolean {
    return !this.hasExited();
  }

  private hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  describe(): string {
    return this.commandLine.join(' ');
  }

  /** Kills QEMU (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. Safe to call twice. */
  async stop(): Promise<QemuExit> {
    if (this.exitInfo === undefined) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
      try {
        await this.exitPromise;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exitPromise;
  }
}
