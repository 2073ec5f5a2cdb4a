import { hex32 } from '../util/bytes.js';
import type { KnownCommand } from '../protocol/commands.js';
import { regselName } from '../protocol/regsel.js';

/** A command as error messages and logs name it: `READDEBUGREG 0xe000edf0`, `READREG PC`. */
export function describeCommand(command: KnownCommand): string {
  switch (command.kind) {
    case 'READMEM_8BIT':
    case 'WRITEMEM_8BIT':
    case 'READMEM_16BIT':
    case 'WRITEMEM_16BIT':
    case 'READMEM_32BIT':
    case 'WRITEMEM_32BIT':
    case 'READMEM_32BIT_NO_ADDR_INC':
    case 'WRITEMEM_32BIT_NO_ADDR_INC':
      return `${command.kind} ${hex32(command.address)}+${command.length}${command.ap === 0 ? '' : ` AP${command.ap}`}`;
    case 'READREG':
    case 'WRITEREG':
      return `${command.kind} ${regselName(command.regsel) ?? `0x${command.regsel.toString(16)}`}`;
    case 'READDEBUGREG':
      return `READDEBUGREG ${hex32(command.address)}`;
    case 'WRITEDEBUGREG':
      return `WRITEDEBUGREG ${hex32(command.address)} = ${hex32(command.value)}`;
    case 'APIV2_ENTER':
      return `APIV2_ENTER ${command.mode.toUpperCase()}`;
    case 'DRIVE_NRST':
      return `DRIVE_NRST ${command.action}`;
    case 'SWD_SET_FREQ':
    case 'JTAG_SET_FREQ':
      return `${command.kind} divisor ${command.divisor}`;
    case 'APIV3_SET_COM_FREQ':
      return `APIV3_SET_COM_FREQ ${command.protocol.toUpperCase()} ${command.kHz} kHz`;
    case 'INIT_AP':
    case 'CLOSE_AP_DBG':
      return `${command.kind} ${command.ap}`;
    default:
      return command.kind;
  }
}
