/**
 * QEMU's per-instruction CPU log as a stream of register states, for lockstep comparison.
 *
 * `qemu-system-arm -singlestep -d cpu,fpu,nochain` makes every translation block one guest instruction
 * and logs the CPU state (R0–R15, XPSR with the mode, S0–S31, FPSCR; about 1 KB) before each block
 * executes, i.e. before every instruction QEMU executes. The log goes to a FIFO, is parsed while it streams, and the reader's pace throttles QEMU
 * through the pipe, so memory stays bounded however long the guest runs. About 50 times faster than
 * stepping through the gdbstub, and the same boundaries: between two entries QEMU executes one
 * instruction, plus any exception entry that follows it (an SVC, a fault, or an exception pended by the
 * instruction is entered before the next entry is logged; an instruction fetch that faults has no
 * entry of its own, as QEMU translates nothing there).
 *
 * Timers: QEMU's virtual clock keeps running in real time; none of the programs used here enables
 * SysTick or an STM32 timer, so nothing asynchronous can interleave differently.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Layout of a state vector (both QEMU's and ours): see STATE_NAMES. */
export const STATE_R0 = 0;
export const STATE_XPSR = 16;
export const STATE_S0 = 17;
export const STATE_FPSCR = 49;
/** 1 when privileged (Handler mode, or Thread mode with CONTROL.nPRIV = 0), else 0. */
export const STATE_PRIVILEGED = 50;
export const STATE_SIZE = 51;

/** Register names of the state vector slots, for reports. */
export const STATE_NAMES: readonly string[] = [
  ...Array.from({ length: 16 }, (_, i) => (i === 13 ? 'sp' : i === 14 ? 'lr' : i === 15 ? 'pc' : `r${i}`)),
  'xpsr',
  ...Array.from({ length: 32 }, (_, i) => `s${i}`),
  'fpscr',
  'privileged',
];

/** One logged CPU state (unsigned 32-bit values, laid out as STATE_NAMES). */
export type CpuState = Uint32Array;

/**
 * Incremental parser of QEMU's `-d cpu,fpu` output for an M-profile core (QEMU 7.2 format):
 *
 *     R00=00000000 R01=00000000 R02=00000000 R03=00000000
 *     ...
 *     XPSR=41000000 -Z-- T priv-thread
 *     s00=00000000 s01=00000000 d00=0000000000000000
 *     ...
 *     FPSCR: 00000000
 *
 * An entry is complete at its FPSCR line. Lines it does not recognise (warnings) are ignored.
 */
export class QemuCpuLogParser {
  private pending = '';
  private current = new Uint32Array(STATE_SIZE);
  private seen = 0;
  /** Fields of the current entry seen so far; an entry is only emitted with all of them. */
  private static readonly FIELDS = 16 + 1 + 32 + 1 + 1;
  private static readonly TOKEN =
    /(?:R(\d\d)=([0-9a-f]{8}))|(?:XPSR=([0-9a-f]{8})[^\n]*?\b(unpriv-thread|priv-thread|handler))|(?:s(\d\d)=([0-9a-f]{8}))|(?:FPSCR: ([0-9a-f]{8}))/g;

  /** Feeds a chunk of log text; returns the entries it completed. */
  push(text: string): CpuState[] {
    const out: CpuState[] = [];
    const data = this.pending + text;
    // Only parse whole lines; keep the partial last one for the next chunk.
    const end = data.lastIndexOf('\n') + 1;
    this.pending = data.slice(end);
    const token = QemuCpuLogParser.TOKEN;
    token.lastIndex = 0;
    for (let m = token.exec(data); m !== null && m.index < end; m = token.exec(data)) {
      if (m[1] !== undefined) {
        const index = Number(m[1]);
        if (index === 0 && this.seen !== 0) {
          // A new entry started before the previous one was complete: drop the fragment.
          this.current = new Uint32Array(STATE_SIZE);
          this.seen = 0;
        }
        this.current[STATE_R0 + index] = parseInt(m[2]!, 16);
        this.seen++;
      } else if (m[3] !== undefined) {
        this.current[STATE_XPSR] = parseInt(m[3], 16);
        this.current[STATE_PRIVILEGED] = m[4] === 'unpriv-thread' ? 0 : 1;
        this.seen += 2;
      } else if (m[5] !== undefined) {
        this.current[STATE_S0 + Number(m[5])] = parseInt(m[6]!, 16);
        this.seen++;
      } else {
        this.current[STATE_FPSCR] = parseInt(m[7]!, 16);
        this.seen++;
        if (this.seen === QemuCpuLogParser.FIELDS) out.push(this.current);
        this.current = new Uint32Array(STATE_SIZE);
        this.seen = 0;
      }
    }
    return out;
  }
}

export interface QemuCpuLogOptions {
  readonly program: string;
  readonly elf: string;
  /** Default netduinoplus2 (STM32F405, Cortex-M4F). */
  readonly machine?: string;
}

/** The option that makes each translation block one instruction: `-singlestep` until QEMU 8.1. */
function oneInstructionPerBlock(program: string): string[] {
  const version = /version (\d+)\.(\d+)/.exec(execFileSync(program, ['--version'], { encoding: 'utf8' }));
  const major = Number(version?.[1] ?? 0);
  const minor = Number(version?.[2] ?? 0);
  return major > 8 || (major === 8 && minor >= 1) ? ['-accel', 'tcg,one-insn-per-tb=on'] : ['-singlestep'];
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A running QEMU whose CPU log is read as batches of states. Always `stop()` it. */
export class QemuCpuLog {
  private stderr = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly commandLine: readonly string[],
    private readonly dir: string,
    private readonly fifo: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8_192);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
      child.once('error', (error) => {
        this.stderr += `\nspawn error: ${error.message}`;
        this.exitInfo ??= { code: null, signal: null };
        resolve();
      });
    });
  }

  static start(options: QemuCpuLogOptions): QemuCpuLog {
    // A FIFO rather than a pipe on a child descriptor: QEMU opens the log by name, and Node's child
    // pipes are sockets, which cannot be reopened through /dev/fd. (stderr works but is unbuffered:
    // four times slower.)
    const dir = mkdtempSync(join(tmpdir(), 'swdkit-qemu-log-'));
    const fifo = join(dir, 'cpu.log');
    execFileSync('mkfifo', [fifo]);
    const args = [
      '-M',
      options.machine ?? 'netduinoplus2',
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      'null',
      ...oneInstructionPerBlock(options.program),
      '-d',
      'cpu,fpu,nochain',
      '-D',
      fifo,
      '-kernel',
      options.elf,
    ];
    const child = spawn(options.program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const running of live) running.kill('SIGKILL');
      });
    }
    return new QemuCpuLog(child, [options.program, ...args], dir, fifo);
  }

  /** Batches of logged states, in order, until QEMU exits or the caller stops iterating. */
  async *states(): AsyncGenerator<CpuState[]> {
    const stream = createReadStream(this.fifo, { encoding: 'latin1', highWaterMark: 1 << 16 });
    // Opening a FIFO for reading waits for a writer: if QEMU dies before opening its log, be the
    // writer so the open (and the read loop, at end of file) completes.
    void this.exited.then(() => {
      try {
        closeSync(openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader waiting (ENXIO) or the directory is gone: nothing to unblock.
      }
    });
    const parser = new QemuCpuLogParser();
    try {
      for await (const chunk of stream) {
        const batch = parser.push(chunk as string);
        if (batch.length > 0) yield batch;
      }
    } finally {
      stream.destroy();
    }
  }

  /** QEMU's stderr (the tail) and exit status, for failure messages. */
  get diagnostics(): string {
    const status =
      this.exitInfo === undefined
        ? 'running'
        : `exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal})`;
    return `${this.commandLine.join(' ')}: ${status}${this.stderr.trim() === '' ? '' : `\n${this.stderr.trim()}`}`;
  }

  /** Kills QEMU and waits for it. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.exitInfo === undefined) this.child.kill('SIGKILL');
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
