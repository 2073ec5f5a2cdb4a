import { Option, type Command } from 'commander';
import { readImageFile } from '../../flash/image/load.node.js';
import { placeInFlash } from '../../flash/placement.js';
import { formatVersion } from '../../protocol/version.js';
import { startServer } from '../../server/server.node.js';
import { DiscoveryBoard } from '../../sim/board/discovery.js';
import { FaultyProbe, type FaultPlan } from '../../sim/board/faults.js';
import { BoardRunner } from '../../sim/board/runner.js';
import { loadState, saveState } from '../../sim/board/state-file.node.js';
import type { ProbeModelName } from '../../sim/probe/models.js';
import { VirtualStLinkDevice } from '../../sim/probe/virtual-stlink.js';
import { MEMORY } from '../../sim/soc/memory-map.js';
import { flashExtent, STM32F40X } from '../../target/index.js';
import { InProcessTransport } from '../../transport/in-process.js';
import { asSwdkitError } from '../../util/errors.js';
import type { CommandContext } from '../context.js';
import { parseFaultValue } from '../probe-spec.js';
import { addServerOptions, listenOptions, serverEventLogger, type ServeOptions } from '../server-options.js';
import { stopRequest, type StopRequest } from '../signals.js';

interface SimOptions extends ServeOptions {
  readonly firmware?: string;
  readonly probeModel: ProbeModelName;
  readonly state?: string;
  readonly realtime: boolean;
  readonly power: boolean;
  readonly cutLinkAfter?: number;
  readonly cutLinkAt?: number;
  readonly cutPowerAfter?: number;
  readonly cutPowerAt?: number;
}

const commands = (option: string) => (value: string) => parseFaultValue(value, 'commands', option);
const seconds = (option: string) => (value: string) => parseFaultValue(value, 'seconds', option);

/** The --cut-* options as the virtual board's fault plan (virtual seconds → ns). */
function faultPlan(options: SimOptions): FaultPlan {
  const plan: { -readonly [K in keyof FaultPlan]: number } = {};
  if (options.cutLinkAfter !== undefined) plan.cutLinkAfterCommands = options.cutLinkAfter;
  if (options.cutLinkAt !== undefined) plan.cutLinkAtNs = options.cutLinkAt * 1e9;
  if (options.cutPowerAfter !== undefined) plan.cutPowerAfterCommands = options.cutPowerAfter;
  if (options.cutPowerAt !== undefined) plan.cutPowerAtNs = options.cutPowerAt * 1e9;
  return plan;
}

export function registerSim(program: Command, context: CommandContext): void {
  addServerOptions(program.command('sim'))
    .description(
      'run a virtual STM32F4DISCOVERY and serve its on-board ST-Link as an stlink-server\n' +
        '(OpenOCD: -f interface/stlink.cfg -c "hla_stlink_backend tcp PORT" -f target/stm32f4x.cfg)',
    )
    .option(
      '--firmware <file>',
      'ELF, Intel HEX, S-record or .bin (at 0x08000000) already in flash at power-on',
    )
    .addOption(
      new Option('--probe-model <model>', 'the virtual probe').choices(['v2-1', 'v3']).default('v2-1'),
    )
    .option('--state <file>', 'keep flash, OTP and option bytes in this file across runs, as a chip does')
    .option('--realtime', 'virtual time follows the wall clock; replies take as long as on hardware', false)
    .option('--no-power', 'start with the target unpowered (the probe measures 0 V)')
    .option(
      '--cut-link-after <n>',
      'fault: unplug the probe after it has answered N commands',
      commands('--cut-link-after'),
    )
    .option(
      '--cut-link-at <seconds>',
      'fault: unplug the probe at this virtual time',
      seconds('--cut-link-at'),
    )
    .option(
      '--cut-power-after <n>',
      "fault: switch the target's power off after N probe commands",
      commands('--cut-power-after'),
    )
    .option(
      '--cut-power-at <seconds>',
      "fault: switch the target's power off at this virtual time",
      seconds('--cut-power-at'),
    )
    .action(async (options: SimOptions, command: Command) => {
      await runSim(options, context.output(command));
    });
}

/** The virtual board's STM32F407VG: the family's flash, as much of it as the part reports. */
const BOARD_FLASH = flashExtent(STM32F40X, MEMORY.FLASH_SIZE, 'STM32F407VG');

async function runSim(options: SimOptions, output: ReturnType<CommandContext['output']>): Promise<void> {
  const storage = options.state === undefined ? undefined : loadState(options.state);
  const preload =
    options.firmware === undefined
      ? undefined
      : placeInFlash(readImageFile(options.firmware).segments, BOARD_FLASH, options.firmware);
  const board = new DiscoveryBoard({
    powered: false,
    ...(storage === undefined ? {} : { storage }),
  });
  if (preload !== undefined) board.preload(preload);
  if (options.power) board.power(true);

  const stop = stopRequest();
  try {
    await serveBoard(board, options, output, stop);
  } finally {
    stop.release();
  }
}

async function serveBoard(
  board: DiscoveryBoard,
  options: SimOptions,
  output: ReturnType<CommandContext['output']>,
  stop: StopRequest,
): Promise<void> {
  let failure: unknown;
  const runner = new BoardRunner(board, {
    paced: options.realtime,
    onError: (error) => {
      failure = error;
      stop.stop();
    },
  });
  const device = new VirtualStLinkDevice(board, { model: options.probeModel, charge: runner.charge });
  const faulty = new FaultyProbe(board, device, faultPlan(options));
  faulty.onFault((fault) => {
    output.event(
      { event: 'fault', kind: fault.kind, afterCommands: fault.afterCommands, atSeconds: fault.atNs / 1e9 },
      () =>
        `fault: ${fault.kind === 'link' ? 'probe unplugged' : 'target power off'} after ${fault.afterCommands} probe commands (t=${(fault.atNs / 1e9).toFixed(3)} s)`,
    );
  });
  const server = await startServer({
    devices: [new InProcessTransport(faulty)],
    ...listenOptions(options, output),
    ...(options.stats === undefined ? {} : { statsFile: options.stats }),
    onEvent: serverEventLogger(output),
  });

  board.console.onLine((line) => {
    output.event({ event: 'uart', line }, () => `uart: ${line}`);
  });
  board.onLedChange((leds) => {
    const lit = Object.entries(leds)
      .filter(([, on]) => on)
      .map(([name]) => name);
    output.verbose(
      1,
      `leds: ${lit.length === 0 ? 'off' : lit.join(' ')} (t=${(board.now / 1e9).toFixed(3)} s)`,
    );
  });

  runner.start();
  const identity = device.identity;
  const probe = `${options.probeModel === 'v3' ? 'STLINK-V3' : 'ST-LINK/V2-1'} ${formatVersion(device.model.version)}`;
  output.event(
    {
      event: 'ready',
      host: server.host,
      port: server.port,
      probe: {
        model: options.probeModel,
        firmware: formatVersion(device.model.version),
        serial: identity.serial,
      },
      powered: board.powered,
      realtime: options.realtime,
    },
    () =>
      `swdkit sim: virtual STM32F4DISCOVERY (${probe}, serial ${identity.serial}) serving on ${server.host}:${server.port}\n` +
      `  openocd -f interface/stlink.cfg -c "hla_stlink_backend tcp ${server.port}" -f target/stm32f4x.cfg\n` +
      '  Ctrl-C stops it' +
      (options.state === undefined ? '.' : ` and saves flash to ${options.state}.`),
  );

  try {
    await stop.stopped;
  } finally {
    runner.stop();
    // A command modelled to take seconds (a slow SWD clock) must not hold up Ctrl-C.
    runner.finishCharges();
    await server.close();
    if (options.state !== undefined) saveState(options.state, board.soc.devices.flash.storage);
  }
  if (failure !== undefined) throw asSwdkitError(failure);
}
