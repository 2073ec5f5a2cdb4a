/**
 * Ctrl-C and SIGTERM. A long-running command (sim, server) takes them over with `stopRequest()` to
 * stop gracefully — save the board's state, close the server, flush its statistics — and returns
 * when it is done; without one, the process exits at once with the conventional 130.
 */
export interface StopRequest {
  /** Resolves once a signal arrived or `stop()` was called. */
  readonly stopped: Promise<void>;
  stop(): void;
  /** Gives the signals back to the default handler. */
  release(): void;
}

let current: StopRequest | undefined;

export function stopRequest(): StopRequest {
  let resolve: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolve = r));
  const request: StopRequest = {
    stopped,
    stop: () => {
      resolve();
    },
    release: () => {
      if (current === request) current = undefined;
    },
  };
  current = request;
  return request;
}

/**
 * What Ctrl-C does: asks the running long command to stop. False when none is running (then the
 * process is to exit). Exported so that a test running a command in-process can stop it the same way.
 */
export function stopRunningCommand(): boolean {
  if (current === undefined) return false;
  current.stop();
  return true;
}

export function installSignalHandlers(exit: (status: number) => void, interruptedStatus: number): void {
  const handle = (): void => {
    if (!stopRunningCommand()) exit(interruptedStatus);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
