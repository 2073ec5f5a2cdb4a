import { Option, type Command } from 'commander';
import type { ServerEvent } from '../server/server.node.js';
import { STLINK_SERVER_DEFAULT_PORT } from '../transport/stlink-server/wire.js';
import { parseListenAddress, parsePort } from './options.js';
import type { Output } from './output.js';

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
    .option('--stats <file>', 'append one JSON line per closed client session');
}

/** Client connections and errors, shown at -v. */
export function serverEventLogger(output: Output): (event: ServerEvent) => void {
  return (event) => {
    if (event.kind === 'connect')
      output.verbose(1, `client ${event.client} connected (session ${event.session})`);
    else if (event.kind === 'close')
      output.verbose(1, `session ${event.stats.session} closed: ${JSON.stringify(event.stats)}`);
    else output.verbose(1, `session ${event.session} (${event.client}): ${event.error.message}`);
  };
}
