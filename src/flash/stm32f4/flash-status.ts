import { TargetError } from '../../util/errors.js';
import { hex32 } from '../../util/bytes.js';
import { FLASH_SR } from '../../target/stm32f4/flash-registers.js';

/**
 * FLASH_SR error flags (RM0090 3.9.4) turned into what happened and what to do. `protectedSectors`
 * are the sectors whose nWRP bit is clear (read from FLASH_OPTCR by the caller), so a WRPERR can name
 * them and the command that clears them.
 */
export function flashStatusError(
  sr: number,
  context: {
    readonly operation: string;
    readonly address?: number;
    readonly protectedSectors: readonly number[];
  },
): TargetError {
  const where = context.address === undefined ? '' : ` at ${hex32(context.address)}`;
  const flags = `FLASH_SR ${hex32(sr)}`;
  if (sr & FLASH_SR.WRPERR) {
    const list = context.protectedSectors.join(',');
    return new TargetError(
      'flash-write-protected',
      `${context.operation} failed${where}: write protection (WRPERR, ${flags}); ` +
        (list === ''
          ? 'no sector shows nWRP cleared'
          : context.protectedSectors.length === 1
            ? `sector ${list} is write-protected in the option bytes`
            : `sectors ${list} are write-protected in the option bytes`),
      {
        hint:
          list === ''
            ? 'Read the option bytes with `swdkit options`; RDP level 1 with a debugger attached also blocks writes.'
            : `Clear the protection with \`swdkit options --unprotect-sectors ${list} --yes\`, then flash again.`,
      },
    );
  }
  if (sr & FLASH_SR.PGSERR) {
    return new TargetError(
      'flash-sequence-error',
      `${context.operation} failed${where}: programming sequence error (PGSERR, ${flags}): the flash saw a write without PG, or a new operation while another was set up`,
      {
        hint: 'Something else is driving the flash interface: stop other debuggers or the running firmware (connect with --connect under-reset) and retry.',
      },
    );
  }
  if (sr & FLASH_SR.PGPERR) {
    return new TargetError(
      'flash-parallelism-error',
      `${context.operation} failed${where}: parallelism error (PGPERR, ${flags}): the access width did not match FLASH_CR.PSIZE`,
      {
        hint: 'This is a bug in swdkit’s flash driver or the supply voltage changed during programming; report it with -v.',
      },
    );
  }
  if (sr & FLASH_SR.PGAERR) {
    return new TargetError(
      'flash-alignment-error',
      `${context.operation} failed${where}: alignment error (PGAERR, ${flags})`,
      { hint: 'This is a bug in swdkit’s flash driver; report it with -v.' },
    );
  }
  return new TargetError('flash-operation-error', `${context.operation} failed${where} (${flags})`, {
    hint: 'Retry; if it persists the sector may be worn out or the supply unstable.',
  });
}
