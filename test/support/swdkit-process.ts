/**
 * A long-running swdkit command (`sim`, `gdbserver`, `server`) as a child process, started with
 * `--json` and awaited until its ready line names the port it listens on.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SWDKIT } from './cli.js';
import { repoRoot } from './paths.js';

export interface SwdkitProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** SIGINT (as Ctrl-C), then the exit code. */
  stop(): Promise<number | null>;
}

export async function startSwdkit(args: readonly string[]): Promise<SwdkitProcess> {
  const child = spawn(process.execPath, [SWDKIT, '--json', ...args], { cwd: repoRoot });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const look = (): void => {
      for (const line of out.split('\n')) {
        if (line.includes('"event":"ready"')) resolve((JSON.parse(line) as { port: number }).port);
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => {
      reject(new Error(`swdkit ${args.join(' ')} exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    child,
    port,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
