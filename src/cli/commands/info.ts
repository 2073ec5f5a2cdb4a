import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { hex, sectors, size } from '../format.js';
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
      const result = await withTarget(command, context, async ({ session, probe }) => {
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
          chip: { ...session.chip, sectors: session.chip.sectors.map((s) => ({ ...s })) },
          connect: {
            method: report.method,
            speedKHz: report.speedKHz,
            ...(report.explanation === undefined ? {} : { explanation: report.explanation }),
          },
          core: { state: await session.state() },
          protection: {
            rdpLevel: options.rdpLevel,
            writeProtected: options.writeProtected.flatMap((p, i) => (p ? [i] : [])),
          },
        };
        return info;
      });
      context.output(command).result(result, renderInfo);
    });
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
    `connect  ${connect.method} at ${connect.speedKHz} kHz${connect.explanation === undefined ? '' : ` (${connect.explanation})`}`,
    `protect  RDP level ${protection.rdpLevel}, ${wrp.length === 0 ? 'no sector write-protected' : `${sectors(wrp)} write-protected`}`,
  ].join('\n');
}
