import { TargetError } from '../util/errors.js';
import type { ChipInfo } from '../target/identify.js';

/**
 * What an IDE calls the chip swdkit identified. The silicon tells its family (DEV_ID) and its flash
 * size (F_SIZE), never its package nor which part of the family it is (an STM32F405 and an STM32F407
 * read the same DEV_ID 0x413, and no register holds the pin count), so each family and size maps to
 * one part here, and `basis` says what was read and what was assumed.
 */
export interface IdeDevice {
  /** The part as ST and Cortex-Debug's `device` name it: "STM32F407VG". */
  readonly part: string;
  /** The board it sits on, when the assumption is a board: "STM32F4DISCOVERY". */
  readonly board?: string;
  /** PlatformIO's board id (platform ststm32): "disco_f407vg". */
  readonly platformioBoard: string;
  /** The SVD file of ST's CMSIS pack for this part, without ".svd": "STM32F407". */
  readonly svd: string;
  /** What was read and what was assumed, one sentence for the user. */
  readonly basis: string;
}

interface DeviceRow {
  readonly devId: number;
  readonly flashKiB: number;
  readonly part: string;
  readonly board?: string;
  readonly platformioBoard: string;
  readonly svd: string;
}

/**
 * One row per DEV_ID and flash size. 0x413 with 1 MiB is the STM32F4DISCOVERY's STM32F407VG (the board
 * swdkit's virtual board is); with 512 KiB, the STM32F407VE on PlatformIO's generic board.
 */
const DEVICES: readonly DeviceRow[] = [
  {
    devId: 0x413,
    flashKiB: 1024,
    part: 'STM32F407VG',
    board: 'STM32F4DISCOVERY',
    platformioBoard: 'disco_f407vg',
    svd: 'STM32F407',
  },
  {
    devId: 0x413,
    flashKiB: 512,
    part: 'STM32F407VE',
    platformioBoard: 'genericSTM32F407VET6',
    svd: 'STM32F407',
  },
];

type IdentifiedChip = Pick<ChipInfo, 'name' | 'devId' | 'flashSize'>;

/** The IDE names for `chip`; TargetError `no-ide-device` for a chip the table does not cover. */
export function ideDevice(chip: IdentifiedChip): IdeDevice {
  const flashKiB = chip.flashSize / 1024;
  const row = DEVICES.find((d) => d.devId === chip.devId && d.flashKiB === flashKiB);
  const read = `DEV_ID 0x${chip.devId.toString(16)} with ${flashKiB} KiB of flash (${chip.name})`;
  if (row === undefined) {
    throw new TargetError('no-ide-device', `swdkit has no IDE names for ${read}`, {
      hint: `Known: ${DEVICES.map((d) => `${d.part} (DEV_ID 0x${d.devId.toString(16)}, ${d.flashKiB} KiB)`).join(', ')}.`,
    });
  }
  const assumed = row.board === undefined ? row.part : `the ${row.board}'s ${row.part}`;
  return {
    part: row.part,
    ...(row.board === undefined ? {} : { board: row.board }),
    platformioBoard: row.platformioBoard,
    svd: row.svd,
    basis: `the chip reads ${read}; its registers do not tell the part or the package, so this is ${assumed}`,
  };
}
