/**
 * gdb's `monitor …` commands (the qRcmd packet): what a user types at the gdb prompt to reach the
 * target past gdb's own model of it. Each returns the lines to print on gdb's console.
 */
import type { GdbTarget } from './target.js';

export const MONITOR_HELP = [
  'swdkit gdbserver monitor commands:',
  '  monitor reset [run]     reset the target and let it run',
  '  monitor reset halt      reset the target and halt at the reset vector (also: reset init)',
  '  monitor halt            halt the core',
  '  monitor resume          let the core run (gdb still believes it halted: use continue)',
  '  monitor flash erase     erase all of main flash (mass erase)',
  '  monitor info            the chip, the core and the probe',
  '  monitor help            this list',
];

/**
 * `halting` runs before a command that stops the core, so the connection can tell the other gdb
 * attached to this target who stopped their run.
 */
export async function runMonitorCommand(
  target: GdbTarget,
  text: string,
  halting: () => void = () => undefined,
): Promise<string[]> {
  const words = text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  const command = words.join(' ');
  switch (command) {
    case 'reset':
    case 'reset run':
      await target.reset(false);
      return ['reset: the target runs'];
    case 'reset halt':
    case 'reset init':
      halting();
      await target.reset(true);
      return ['reset: halted at the reset vector'];
    case 'halt':
      halting();
      await target.halt();
      return ['halted'];
    case 'resume':
      await target.resume();
      return ['running'];
    case 'flash erase':
    case 'flash erase all':
    case 'flash mass_erase':
      halting();
      await target.massErase();
      return ['erased all of main flash'];
    case 'info':
      return target.info();
    case 'help':
    case '':
      return MONITOR_HELP;
    default:
      return [`unknown monitor command "${text.trim()}"`, ...MONITOR_HELP];
  }
}
