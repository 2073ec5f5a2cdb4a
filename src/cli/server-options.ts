import { Option, type Command } from 'commander';
import { AllowList, isLoopbackListen } from '../server/allow-list.node.js';
import type { ServerEvent, ServerOptions } from '../server/server.node.js';
import { STLINK_SERVER_DEFAULT_PORT } from '../transport/stlink-server/wire.js';
import { parseAllowEntry, parseListenAddress, parsePort } from './options.js';
import type { Output } from './output.js';

/** What the options of addServerOptions give a command. */
export interface ServeOptions {
  readonly port: number;
  readonly listen?: string;
  readonly allow?: readonly string[];
  readonly stats?: string;
}

/** The options every command that serves an stlink-server takes (sim, server). */
export function addServerOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--port <n>', 'TCP port; 0 picks a free one')
        .argParser(parsePort)
        .default(STLINK_SERVER_DEFAULT_PORT),
    )
    .addOption(
      new Option('--listen <address>', 'accept clients on this address (default: loopback only)').argParser(
        parseListenAddress,
      ),
    )
    .addOption(
      new Option(
        '--allow <addr|cidr>',
        'accept only these clients (repeatable or comma-separated; IPv4/IPv6 addresses or CIDR ranges)',
      ).argParser(parseAllowEntry),
    )
    .option('--stats <file>', 'append one JSON line per closed client session');
}

/**
 * The listening part of startServer's options, with the warning a user must see before serving a
 * probe beyond this machine: whoever can reach the port can reset, read, erase and reprogram the
 * board, and the protocol has no authentication.
 */
export function listenOptions(
  options: ServeOptions,
  output: Output,
): Pick<ServerOptions, 'port' | 'listen' | 'allow'> {
  const allow = options.allow === undefined ? undefined : AllowList.parse(options.allow);
  const host = options.listen ?? '127.0.0.1';
  if (!isLoopbackListen(host)) {
    output.warn(
      `listening on ${host}, not only on this machine: anyone who can reach port ${options.port} ` +
        'there can reset, halt, read, erase and reprogram the board (the stlink-server protocol has ' +
        'no authentication). ' +
        (allow === undefined
          ? 'Restrict clients with --allow ADDR|CIDR, or keep the default 127.0.0.1 and reach it from ' +
            `another machine through an SSH tunnel: ssh -L ${options.port}:127.0.0.1:${options.port} THIS-HOST`
          : `Only clients in ${allow.entries.join(', ')} are accepted.`),
    );
  }
  return {
    port: options.port,
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    ...(allow === undefined ? {} : { allow }),
  };
}

/** Client connections and errors: refusals and stats failures always, the rest at -v. */
export function serverEventLogger(output: Output): (event: ServerEvent) => void {
  return (event) => {
    switch (event.kind) {
      case 'connect':
        output.verbose(1, `client ${event.client} connected (session ${event.session})`);
        break;
      case 'close':
        output.verbose(1, `session ${event.stats.session} closed: ${JSON.stringify(event.stats)}`);
        break;
      case 'refused':
        output.warn(`refused a connection from ${event.client}: not in --allow`);
        break;
      case 'stats-error':
        output.warn(event.error.message);
        break;
      case 'protocol-error':
      case 'probe-error':
        output.verbose(1, `session ${event.session} (${event.client}): ${event.error.message}`);
        break;
    }
  };
}
