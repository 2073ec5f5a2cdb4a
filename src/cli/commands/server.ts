import { Option, type Command } from 'commander';
import { startServer } from '../../server/server.js';
import { nodeWebUsb } from '../../transport/webusb/node-usb.js';
import { openStLink } from '../../transport/webusb/webusb-transport.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';
import { parseListenAddress, parsePort } from '../options.js';
import { stopRequest } from '../signals.js';

interface ServerOptions {
  readonly port: number;
  readonly listen?: string;
  readonly serial?: string;
  readonly stats?: string;
}

export function registerServer(program: Command, context: CommandContext): void {
  program
    .command('server')
    .description(
      'share a USB ST-Link between several programs: an open stlink-server\n' +
        '(OpenOCD: -f interface/stlink.cfg -c "hla_stlink_backend tcp PORT" -f target/stm32f4x.cfg)',
    )
    .addOption(new Option('--port <n>', 'TCP port; 0 picks a free one').argParser(parsePort).default(7184))
    .addOption(
      new Option('--listen <address>', 'accept clients on this address (default: loopback only)').argParser(
        parseListenAddress,
      ),
    )
    .option('--serial <serial>', 'the probe to serve, by USB serial number (see `swdkit list`)')
    .option('--stats <file>', 'append one JSON line per closed client session')
    .action(async (options: ServerOptions, command: Command) => {
      await runServer(options, context.output(command));
    });
}

async function runServer(options: ServerOptions, output: Output): Promise<void> {
  const usb = await nodeWebUsb();
  const probe = await openStLink(usb, options.serial === undefined ? {} : { serial: options.serial });
  const stop = stopRequest();
  try {
    const server = await startServer({
      devices: [probe],
      port: options.port,
      ...(options.listen === undefined ? {} : { listen: options.listen }),
      ...(options.stats === undefined ? {} : { statsFile: options.stats }),
      onEvent: (event) => {
        if (event.kind === 'connect')
          output.verbose(1, `client ${event.client} connected (session ${event.session})`);
        else if (event.kind === 'close') output.verbose(1, `session ${event.stats.session} closed`);
        else output.verbose(1, `session ${event.session}: ${event.error.message}`);
      },
    });
    output.event(
      { event: 'ready', host: server.host, port: server.port, probe: probe.identity },
      () =>
        `swdkit server: ${probe.model.model} (serial ${probe.identity.serial}) shared on ${server.host}:${server.port}\n` +
        `  openocd -f interface/stlink.cfg -c "hla_stlink_backend tcp ${server.port}" -f target/stm32f4x.cfg\n` +
        '  Ctrl-C stops it.',
    );
    try {
      await stop.stopped;
    } finally {
      await server.close();
    }
  } finally {
    stop.release();
    await probe.close();
  }
}
