import { InternalError } from '../util/errors.js';
import type { ConnectSession } from './session-port.js';

/** TEMPORARY until src/session.ts lands on main: then this is `Session.connect`. */
export const connectSession: ConnectSession = () =>
  Promise.reject(
    new InternalError('session-missing', 'this build of swdkit has no session layer yet', {
      hint: 'Build from a tree that has src/session.ts.',
    }),
  );
