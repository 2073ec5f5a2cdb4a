/**
 * Runs gdb-multiarch in batch mode with a list of commands, under a hard timeout. For the slow but
 * authoritative path (one gdb run per scenario); per-instruction work uses gdb-remote-client.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface GdbBatchOptions {
  /** Path of gdb-multiarch. */
  readonly gdb: string;
  /** The ELF gdb loads symbols from (optional). */
  readonly elf?: string;
  /** gdb commands, each passed with -ex, in order. */
  readonly commands: readonly string[];
  /** Kill gdb after this long (default 60 s). */
  readonly timeoutMs?: number;
}

export interface GdbBatchResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export async function runGdbBatch(options: GdbBatchOptions): Promise<GdbBatchResult> {
  const args = ['-q', '-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off'];
  for (const command of options.commands) args.push('-ex', command);
  if (options.elf !== undefined) args.push(options.elf);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.gdb, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${options.gdb}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, timedOut, durationMs: performance.now() - started });
    });
  });
}

/**
 * Parses gdb `x/Nwx` output (`0x20000000 <cpu_results>:\t0x00000001\t0x...`) into a map from address
 * to 32-bit word. Lines that are not memory dumps are ignored.
 */
export function parseWordDump(text: string): Map<number, number> {
  const words = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = /^0x([0-9a-f]+)(?:\s+<[^>]*>)?:\s+(.*)$/i.exec(line.trim());
    if (match === null) continue;
    const base = parseInt(match[1]!, 16);
    const values = match[2]!.trim().split(/\s+/);
    values.forEach((value, i) => {
      if (/^0x[0-9a-f]+$/i.test(value)) words.set(base + 4 * i, parseInt(value, 16) >>> 0);
    });
  }
  return words;
}

/**
 * A gdb command that blocks a batch until `file` exists (at most 60 s): with untilFile, a test and a
 * gdb batch take turns without timing guesses (gdb touches one file, waits for another).
 */
export const gdbWaitsFor = (file: string): string =>
  `shell i=0; while [ ! -e '${file}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`;

/** Waits until the gdb batch `run` has created `file` (`shell touch`); fails if it ends first. */
export async function untilFile(file: string, run: Promise<GdbBatchResult>): Promise<void> {
  const state = { done: false };
  void run.then(() => (state.done = true));
  for (let i = 0; i < 1200 && !existsSync(file); i++) {
    if (state.done) throw new Error(`gdb ended before it touched ${file}:\n${JSON.stringify(await run)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(file)) throw new Error(`gdb never touched ${file} within 60 s`);
}
