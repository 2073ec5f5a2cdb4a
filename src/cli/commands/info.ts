import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { hex, sectors, size } from '../format.js';
import type { Session } from '../../session.js';
import { withTarget } from '../target-options.js';

export interface InfoResult {
  readonly probe: {
    readonly description: string;
    readonly serial: string;
    readonly firmware: string;
    readonly location: string;
    readonly targetVolts: number;
  };
  readonly chip: {
    readonly name: string;
    readonly devId: number;
    readonly revision: string;
    readonly idcode: number;
    readonly flashSize: number;
    readonly uniqueId: string;
    readonly sectors: readonly { index: number; address: number; size: number }[];
  };
  readonly connect: {
    readonly method: string;
    readonly speedKHz: number;
    readonly explanation?: string;
  };
  readonly core: { readonly state: string };
  readonly protection: { readonly rdpLevel: number; readonly writeProtected: readonly number[] };
}

export function registerInfo(program: Command, context: CommandContext): void {
  program
    .command('info')
    .description('identify the probe and the chip: name, revision, flash, unique ID, core state, protection')
    .action(async (_options: unknown, command: Command) => {
      const result = await withTarget(
        command,
        context,
        async ({ session, probe }) => {
          const report = session.connectReport;
          const options = await session.readOptions();
          const info: InfoResult = {
            probe: {
              description: probe.description,
              serial: probe.stlink.identity.serial,
              firmware: probe.stlink.versionString,
              location: probe.stlink.identity.location,
              targetVolts: report.targetVolts,
            },
            chip: {
              name: session.chip.name,
              devId: session.chip.devId,
              revision: session.chip.revision,
              idcode: session.chip.idcode,
              flashSize: session.chip.flashSize,
              uniqueId: session.chip.uniqueId,
              sectors: session.chip.sectors.map(({ index, address, size }) => ({ index, address, size })),
            },
            connect: {
              method: report.method,
              speedKHz: report.speedKHz,
              ...(report.explanation === undefined ? {} : { explanation: report.explanation }),
            },
            core: { state: await stateAsFound(session) },
            protection: {
              rdpLevel: options.rdpLevel,
              writeProtected: options.writeProtected.flatMap((p, i) => (p ? [i] : [])),
            },
          };
          return info;
        },
        { verdict: true },
      );
      context.output(command).result(result, renderInfo);
    });
}

/**
 * The core as the firmware left it. Connecting halts it (except with --connect attach); a core that
 * was running is let go first, so `info` says whether the firmware runs, sleeps or is locked up.
 * Under reset there is nothing to find: the chip was just reset and is held at its reset vector.
 */
async function stateAsFound(session: Session): Promise<string> {
  const report = session.connectReport;
  if (report.method === 'under-reset') return 'halted at the reset vector (connected under reset)';
  if (report.method !== 'attach' && !report.coreWasHalted) await session.resume();
  return session.state();
}

export function renderInfo(info: InfoResult): string {
  const { chip, probe, connect, protection } = info;
  const wrp = protection.writeProtected;
  return [
    `probe    ${probe.description}, target ${probe.targetVolts.toFixed(2)} V`,
    `chip     ${chip.name} rev ${chip.revision} (DEV_ID ${hex(chip.devId, 3)}, DBGMCU_IDCODE ${hex(chip.idcode, 8)})`,
    `flash    ${size(chip.flashSize)} in ${chip.sectors.length} sectors`,
    `uid      ${chip.uniqueId}`,
    `core     ${info.core.state}`,
    `connect  ${connect.method} at ${connect.speedKHz} kHz${connect.explanation === undefined ? '' : `\n         ${connect.explanation}`}`,
    `protect  RDP level ${protection.rdpLevel}, ${wrp.length === 0 ? 'no sector write-protected' : `${sectors(wrp)} write-protected`}`,
  ].join('\n');
}
