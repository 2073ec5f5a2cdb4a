import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firmwareElf, repoRoot } from '../../test/support/paths.js';

export type TargetName = 'sim' | 'server';

/**
 * The program under test as a child process on a free loopback port: `swdkit sim` with blinky, or
 * the `swdkit server` command on a fake USB device in front of the virtual board with blinky
 * (server-target.ts).
 */
export interface Target {
  readonly name: TargetName;
  readonly pid: number;
  readonly port: number;
  /** Set when the process exited before `stop()` asked it to: a crash. */
  readonly exitedEarly: () => { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** stderr lines that are neither routine -v session lines nor the startup banner. */
  readonly unexpectedStderr: () => readonly string[];
  /** Peak resident set so far, from /proc/PID/status VmHWM (kB → MiB). */
  peakRssMiB(): number;
  /** SIGINT, then the exit status (and how long the exit took). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export async function startTarget(name: TargetName): Promise<Target> {
  // swdkit sim as a user runs it; swdkit server through server-target.ts (the CLI on a fake USB bus).
  const entry =
    name === 'sim'
      ? join(repoRoot, 'bin/swdkit')
      : fileURLToPath(new URL('./server-target.js', import.meta.url));
  const args =
    name === 'sim'
      ? ['--json', 'sim', '--port', '0', '--firmware', firmwareElf('blinky')]
      : ['--json', 'server', '--port', '0'];
  // For looking inside a run: SOAK_TARGET_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run soak
  const nodeArgs = (process.env['SOAK_TARGET_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...nodeArgs, entry, ...args]);
  let stopping = false;
  let early: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const unexpected: string[] = [];
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail += chunk.toString();
    const lines = stderrTail.split('\n');
    stderrTail = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '' && unexpected.length < 50) unexpected.push(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      if (!stopping) early = { code, signal };
      resolve({ code, signal });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (line.includes('"event":"ready"')) resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then(({ code }) => {
      reject(new Error(`swdkit ${name} exited (${code}) before it was ready:\n${stdout}`));
    });
  });
  const pid = child.pid ?? -1;
  let peak = 0;
  return {
    name,
    pid,
    port,
    exitedEarly: () => early,
    unexpectedStderr: () => unexpected,
    peakRssMiB() {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kB / 1024);
      } catch {
        // Exited: the last reading stands.
      }
      return peak;
    },
    async stop() {
      stopping = early === undefined;
      const started = performance.now();
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: performance.now() - started };
    },
  };
}
