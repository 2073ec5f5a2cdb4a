import type { Command } from 'commander';
import { StLink } from '../../probe/stlink.js';
import { listStLinkServer } from '../../transport/stlink-server/client.node.js';
import { STLINK_SERVER_DEFAULT_PORT } from '../../transport/stlink-server/wire.js';
import { heldBy, openStLink } from '../../transport/webusb/node-usb.node.js';
import type { UsbLike } from '../../transport/webusb/webusb-api.js';
import { findStLinks, type FoundStLink } from '../../transport/webusb/webusb-transport.js';
import { asSwdkitError } from '../../util/errors.js';
import type { CommandContext, UsbAccess } from '../context.js';
import { parsePort } from '../options.js';

interface ListOptions {
  readonly serverPort: number;
}

/** One probe as `swdkit list` shows it; fields it could not learn are absent, with the reason. */
interface ProbeEntry {
  readonly via: 'usb' | 'server';
  readonly serial: string;
  readonly model: string;
  readonly location: string;
  readonly firmware?: string;
  readonly targetVolts?: number;
  /** Processes holding the USB device (Linux), or 'another program' where that cannot be told. */
  readonly heldBy?: string;
  readonly note?: string;
}

interface Listing {
  readonly probes: readonly ProbeEntry[];
  /** Why a place could not be searched (no USB bus, no server listening). */
  readonly notes: readonly string[];
}

export function registerList(program: Command, context: CommandContext): void {
  program
    .command('list')
    .description(
      'list ST-Link probes: on USB (serial, model, firmware, target voltage, held by) and on local servers',
    )
    .option(
      '--server-port <n>',
      'also ask the stlink-server on this local port',
      parsePort,
      STLINK_SERVER_DEFAULT_PORT,
    )
    .action(async (options: ListOptions, command: Command) => {
      const output = context.output(command);
      const listing = await list(options, context.usb);
      output.result(listing, render);
    });
}

async function list(options: ListOptions, usbAccess: UsbAccess): Promise<Listing> {
  const probes: ProbeEntry[] = [];
  const notes: string[] = [];
  try {
    const usb = await usbAccess();
    for (const found of await findStLinks(usb)) probes.push(await describeUsbProbe(usb, found));
  } catch (error) {
    notes.push(`USB: ${asSwdkitError(error).message}`);
  }
  try {
    const server = await listStLinkServer({ port: options.serverPort, timeoutMs: 1000 });
    for (const device of server.devices) {
      probes.push({
        via: 'server',
        serial: device.serial,
        model: `0483:${device.pid.toString(16).padStart(4, '0')}`,
        location: `tcp:${server.host}:${server.port}#${device.deviceId}`,
        ...(device.used !== 0
          ? { note: 'opened by another client of the server (it can still be shared)' }
          : {}),
      });
    }
  } catch {
    notes.push(
      `no stlink-server on 127.0.0.1:${options.serverPort} (start one with \`swdkit server\` or \`swdkit sim\`)`,
    );
  }
  return { probes, notes };
}

async function describeUsbProbe(usb: UsbLike, found: FoundStLink): Promise<ProbeEntry> {
  const base = {
    via: 'usb' as const,
    serial: found.identity.serial,
    model: found.model,
    location: found.identity.location,
  };
  try {
    const stlink = await StLink.open(await openStLink(usb, { serial: found.identity.serial }));
    try {
      return { ...base, firmware: stlink.versionString, targetVolts: await stlink.targetVoltage() };
    } finally {
      await stlink.close();
    }
  } catch (error) {
    const holders = await heldBy(found);
    if (holders !== undefined && holders.length > 0) {
      return { ...base, heldBy: holders.map((h) => `${h.pid} (${h.cmdline})`).join(', ') };
    }
    return { ...base, note: asSwdkitError(error).message };
  }
}

function render(listing: Listing): string {
  const lines: string[] = [];
  if (listing.probes.length === 0) lines.push('No ST-Link found.');
  for (const p of listing.probes) {
    const details = [
      p.firmware,
      p.targetVolts === undefined ? undefined : `target ${p.targetVolts.toFixed(2)} V`,
      p.heldBy === undefined ? undefined : `held by ${p.heldBy}`,
      p.note,
    ].filter((d) => d !== undefined);
    lines.push(
      `${p.serial}  ${p.model}  ${p.location}${details.length > 0 ? `  ${details.join(', ')}` : ''}`,
    );
  }
  for (const note of listing.notes) lines.push(`(${note})`);
  return lines.join('\n');
}
