import type { SwdkitError } from '../util/errors.js';

/**
 * A command stopped by Ctrl-C or SIGTERM after it let go of the target (probe closed, the virtual
 * board's state saved). The program prints what the interrupted operation reported — e.g. which
 * sectors a flash left erased — and exits with 130.
 */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(
    /** What the operation failed with once its probe was taken away, if it got that far. */
    readonly report: SwdkitError | undefined,
  ) {
    super(report?.message ?? 'interrupted');
  }
}
