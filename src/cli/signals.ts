/**
 * Ctrl-C and SIGTERM. A long-running command (sim, server) takes them over with `stopRequest()` to
 * stop gracefully — save the board's state, close the server, flush its statistics — and returns
 * when it is done; without one, or at a second signal while it is stopping, the process exits at
 * once with the conventional 130.
 */
export interface StopRequest {
  /** Resolves once a signal arrived or `stop()` was called. */
  readonly stopped: Promise<void>;
  stop(): void;
  /** Gives the signals back to the default handler. */
  release(): void;
}

let current: StopRequest | undefined;

let stopping = false;

export function stopRequest(): StopRequest {
  let resolve: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolve = r));
  stopping = false;
  const request: StopRequest = {
    stopped,
    stop: () => {
      stopping = true;
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
 * What Ctrl-C does: asks the running long command to stop. False when none is running, or it is
 * already stopping (then the process is to exit). Exported so that a test running a command in-process can stop it the same way.
 */
export function stopRunningCommand(): boolean {
  // A second Ctrl-C while the command is already stopping: exit now.
  if (current === undefined || stopping) return false;
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
