/**
 * Runs the real OpenOCD 0.12 (Debian's package) against a swdkit server, as a user would:
 *
 *     openocd -f interface/stlink.cfg -c "hla_stlink_backend tcp PORT" -f target/stm32f4x.cfg -c ...
 *
 * OpenOCD's own servers (GDB, telnet, Tcl) are disabled unless a test asks for the GDB port, so that
 * several instances can run at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { requirePeer } from './peers.js';

export interface OpenOcdResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as OpenOCD wrote them (it logs to stderr). */
  readonly output: string;
  readonly timedOut: boolean;
}

export interface OpenOcdOptions {
  /** The stlink-server port OpenOCD connects to. */
  readonly serverPort: number;
  /** `interface/stlink.cfg` + `target/stm32f4x.cfg` (default), the board file, or the dap-direct driver. */
  readonly config?: 'hla' | 'board' | 'dap';
  /** Commands given with -c after the configuration, in order. */
  readonly commands: readonly string[];
  /** Commands given with -c before the configuration (e.g. `adapter speed`). */
  readonly preCommands?: readonly string[];
  /** Give OpenOCD's GDB server this port (else disabled). */
  readonly gdbPort?: number;
  readonly timeoutMs?: number;
  /** -d level (default 2: info). */
  readonly debugLevel?: number;
}

export function openOcdArgs(options: OpenOcdOptions): string[] {
  const args = [`-d${options.debugLevel ?? 2}`];
  const c = (command: string) => args.push('-c', command);
  c(options.gdbPort === undefined ? 'gdb_port disabled' : `gdb_port ${options.gdbPort}`);
  c('telnet_port disabled');
  c('tcl_port disabled');
  for (const command of options.preCommands ?? []) c(command);
  switch (options.config ?? 'hla') {
    case 'hla':
      args.push('-f', 'interface/stlink.cfg');
      c(`hla_stlink_backend tcp ${options.serverPort}`);
      args.push('-f', 'target/stm32f4x.cfg');
      break;
    case 'board':
      args.push('-f', 'board/stm32f4discovery.cfg');
      c(`hla_stlink_backend tcp ${options.serverPort}`);
      break;
    case 'dap':
      args.push('-f', 'interface/stlink-dap.cfg');
      c(`st-link backend tcp ${options.serverPort}`);
      c('transport select dapdirect_swd');
      args.push('-f', 'target/stm32f4x.cfg');
      break;
  }
  for (const command of options.commands) c(command);
  return args;
}

/** Starts OpenOCD and resolves when it exits (or is killed after the timeout). */
export function runOpenOcd(openocd: string, options: OpenOcdOptions): Promise<OpenOcdResult> {
  const handle = startOpenOcd(openocd, options);
  return handle.done;
}

export interface OpenOcdProcess {
  readonly child: ChildProcess;
  readonly done: Promise<OpenOcdResult>;
  /** Everything written so far. */
  output(): string;
  /** Resolves once `pattern` appears in the output (rejects if OpenOCD exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<OpenOcdResult>;
}

export function startOpenOcd(openocd: string, options: OpenOcdOptions): OpenOcdProcess {
  const child = spawn(openocd, openOcdArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (waiter.pattern.test(output)) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const done = new Promise<OpenOcdResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
  return {
    child,
    done,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          reject(new Error(`OpenOCD did not print ${pattern} in time:\n${output}`));
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
        void done.then(() => {
          clearTimeout(t);
          if (!pattern.test(output))
            reject(new Error(`OpenOCD exited before printing ${pattern}:\n${output}`));
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

/**
 * A TCP port that was free a moment ago (for OpenOCD's GDB server, which needs a number up front).
 * Another process could take it in between; on loopback in a test run that does not happen in practice.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A one-paragraph account of a run, for assertion messages: exit status and the whole log. */
export function describeRun(result: OpenOcdResult): string {
  const how = result.timedOut
    ? 'was killed after its timeout'
    : result.signal !== null
      ? `died of ${result.signal}`
      : `exited with ${String(result.code)}`;
  return `OpenOCD ${how}; its output:\n${result.output}`;
}

/** Lines OpenOCD logs at error level ("Error: …"). */
export function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('Error'));
}

/** The openocd executable, or undefined after skipping the test (failing it under CI). */
export function requireOpenOcd(t: TestContext): string | undefined {
  return requirePeer(t, 'openocd', { package: 'openocd' });
}
