import { Option, type Command } from 'commander';
import { GDB_DEFAULT_PORT, startGdbServer } from '../../gdb/server.node.js';
import { SessionTarget } from '../../gdb/session-target.js';
import { isLoopbackListen } from '../../server/allow-list.node.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { openProbe } from '../open-probe.js';
import { parseListenAddress, parsePort } from '../options.js';
import { stopRequest } from '../signals.js';

interface GdbServerOptions {
  readonly port: number;
  readonly host: string;
}

export interface GdbServerReady {
  readonly event: 'ready';
  readonly host: string;
  readonly port: number;
  readonly chip: string;
  readonly probe: string;
}

/**
 * `swdkit gdbserver`: connects to the target once (--probe, --connect, --speed) and serves gdb's
 * remote protocol until Ctrl-C, which closes every gdb connection and lets go of the target as the
 * other commands do (swdkit's debug settings undone, the core running).
 */
export function registerGdbServer(program: Command, context: CommandContext): void {
  program
    .command('gdbserver')
    .description(
      'serve the target to gdb (target extended-remote HOST:PORT); several gdb may connect at once',
    )
    .addOption(
      new Option('--port <n>', 'TCP port; 0 picks a free one').argParser(parsePort).default(GDB_DEFAULT_PORT),
    )
    .addOption(
      new Option('--host <address>', 'listen on this address (default: loopback only)')
        .argParser(parseListenAddress)
        .default('127.0.0.1'),
    )
    .action(async (options: GdbServerOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = context.output(command);
      const probe = await openProbe(globals.probe, {
        usb: context.usb,
        ...(context.defaultServer === undefined ? {} : { defaultServer: context.defaultServer }),
      });
      const stop = stopRequest();
      try {
        const session = await context.connectSession(probe.stlink, {
          strategy: globals.connect,
          ...(globals.speed === undefined ? {} : { speedKHz: globals.speed }),
          ...(probe.clock === undefined ? {} : { now: probe.clock.now, sleep: probe.clock.sleep }),
        });
        if (session.connectReport.explanation !== undefined) output.warn(session.connectReport.explanation);
        try {
          if (!isLoopbackListen(options.host)) {
            output.warn(
              `listening on ${options.host}: anyone who can reach port ${options.port} there can read, ` +
                'reprogram and run the target (the gdb protocol has no authentication); prefer an SSH tunnel ' +
                'to 127.0.0.1.',
            );
          }
          const server = await startGdbServer({
            target: new SessionTarget(session),
            port: options.port,
            host: options.host,
            onEvent: (event) => {
              if (event.kind === 'error') output.verbose(1, `${event.client}: ${event.message}`);
              else if (event.kind === 'note') output.verbose(1, `gdb ${event.client} ${event.message}`);
              else
                output.verbose(
                  1,
                  `gdb ${event.client} ${event.kind === 'connect' ? 'connected' : 'left'} (${event.clients} connected)`,
                );
            },
          });
          const where = `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
          output.event<GdbServerReady>(
            {
              event: 'ready',
              host: server.host,
              port: server.port,
              chip: session.chip.name,
              probe: probe.description,
            },
            () =>
              `swdkit gdbserver: ${session.chip.name} through ${probe.description}, gdb on ${where}\n` +
              `  gdb-multiarch FIRMWARE.elf -ex "target extended-remote ${where}"\n` +
              '  Several gdb may connect at once. Ctrl-C stops the server.',
          );
          try {
            await Promise.race([
              stop.stopped,
              ...(probe.board === undefined ? [] : [boardStopped(probe.board)]),
            ]);
          } finally {
            await server.close();
          }
        } finally {
          await session.disconnect({ resume: true });
        }
      } finally {
        stop.release();
        await probe.close();
      }
    });
}

/** The embedded board's runner failing is a simulator bug: the server must not go on as if alive. */
function boardStopped(board: { readonly error: unknown }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (board.error !== undefined) {
        clearInterval(timer);
        resolve();
      }
    }, 200);
    timer.unref();
  });
}
