import type { Command } from 'commander';
import { startServer } from '../../server/server.node.js';
import { openStLink } from '../../transport/webusb/node-usb.node.js';
import type { CommandContext, UsbAccess } from '../context.js';
import type { Output } from '../output.js';
import { addServerOptions, listenOptions, serverEventLogger, type ServeOptions } from '../server-options.js';
import { stopRequest } from '../signals.js';

interface ServerOptions extends ServeOptions {
  readonly serial?: string;
}

export function registerServer(program: Command, context: CommandContext): void {
  addServerOptions(program.command('server'))
    .description(
      'share a USB ST-Link between several programs: an open stlink-server\n' +
        '(OpenOCD: -f interface/stlink.cfg -c "hla_stlink_backend tcp PORT" -f target/stm32f4x.cfg)',
    )
    .option('--serial <serial>', 'the probe to serve, by USB serial number (see `swdkit list`)')
    .action(async (options: ServerOptions, command: Command) => {
      await runServer(options, context.output(command), context.usb);
    });
}

async function runServer(options: ServerOptions, output: Output, usbAccess: UsbAccess): Promise<void> {
  const usb = await usbAccess();
  const probe = await openStLink(usb, options.serial === undefined ? {} : { serial: options.serial });
  const stop = stopRequest();
  try {
    const server = await startServer({
      devices: [probe],
      ...listenOptions(options, output),
      ...(options.stats === undefined ? {} : { statsFile: options.stats }),
      onEvent: serverEventLogger(output),
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
