import type { SwdkitError } from '../util/errors.js';

/** Where and how the CLI speaks: human text by default, one JSON document per result with --json. */
export interface OutputOptions {
  readonly json: boolean;
  /** 0 = normal, 1 = -v (progress details, stack traces), 2 = -vv (protocol traffic). */
  readonly verbosity: number;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export class Output {
  constructor(private readonly options: OutputOptions) {}

  get json(): boolean {
    return this.options.json;
  }

  /** A command's result: `human` renders it for people; with --json the value itself is printed. */
  result<T>(value: T, human: (value: T) => string): void {
    if (this.options.json) this.options.stdout.write(`${JSON.stringify(value)}\n`);
    else this.options.stdout.write(`${human(value)}\n`);
  }

  /**
   * One event of a long-running command (ready, a console line): a line of text, or with --json one
   * JSON object per line (JSON Lines), so a machine can follow the stream.
   */
  event<T>(value: T, human: (value: T) => string): void {
    this.result(value, human);
  }

  /** Diagnostic detail shown at -v (level 1) or -vv (level 2); never part of --json output. */
  verbose(level: 1 | 2, message: string): void {
    if (this.options.verbosity >= level) this.options.stderr.write(`${message}\n`);
  }

  /** Something the user must know even without -v (and with --json): one line on stderr. */
  warn(message: string): void {
    this.options.stderr.write(`swdkit: warning: ${message}\n`);
  }

  error(error: SwdkitError): void {
    if (this.options.json) {
      const body = {
        error: { code: error.code, class: error.errorClass, message: error.message, hint: error.hint },
      };
      this.options.stdout.write(`${JSON.stringify(body)}\n`);
      return;
    }
    let text = `swdkit: error: ${error.message}\n`;
    if (error.hint !== undefined) text += `  ${error.hint.replaceAll('\n', '\n  ')}\n`;
    if (this.options.verbosity >= 1) {
      text += `  [${error.code}]\n`;
      if (error.stack !== undefined) text += `${error.stack}\n`;
      if (error.cause instanceof Error && error.cause.stack !== undefined)
        text += `caused by: ${error.cause.stack}\n`;
    }
    this.options.stderr.write(text);
  }
}
