/**
 * `swdkit server` in front of the virtual board, as a process of its own, for the soak: the CLI's own
 * code (src/cli/program.ts run(), the server command, its signal handling) with the USB access it is
 * given pointed at one fake WebUSB device (test/support/fake-webusb.ts) in front of a virtual
 * STM32F4DISCOVERY's ST-Link running blinky. The whole USB path of the server command runs
 * (WebUsbTransport, its timeouts and checks); only the bus is not real.
 *
 *   node dist/bench/soak/server-target.js --json server --port 0
 */
import { readImageFile } from '../../src/flash/image/load.node.js';
import { dataPhaseOf, decodeCommand } from '../../src/protocol/commands.js';
import { EXIT_STATUS } from '../../src/cli/exit-status.js';
import { run } from '../../src/cli/program.js';
import { installSignalHandlers } from '../../src/cli/signals.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { BoardRunner } from '../../src/sim/board/runner.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { FakeUsb, FakeUsbDevice, type FakePhaseOf } from '../../test/support/fake-webusb.js';
import { firmwareElf } from '../../test/support/paths.js';

/** The exact data phase of every command the protocol knows; a read for anything else. */
const protocolPhaseOf: FakePhaseOf = (block) => dataPhaseOf(decodeCommand(block))?.kind ?? 'read';

const board = new DiscoveryBoard({ powered: false });
board.preload(readImageFile(firmwareElf('blinky')).segments);
board.power(true);
const runner = new BoardRunner(board);
const device = new VirtualStLinkDevice(board, { charge: runner.charge });
runner.start();
const usb = new FakeUsb([new FakeUsbDevice(device, { phaseOf: protocolPhaseOf, bus: 'virtual' })]);

installSignalHandlers((status) => process.exit(status), EXIT_STATUS.interrupted);
const status = await run(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr },
  { usb: () => Promise.resolve(usb) },
);
runner.stop();
runner.finishCharges();
process.exitCode = status;
