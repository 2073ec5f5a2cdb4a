/**
 * Runs asynchronous tasks one at a time, in the order they were queued: the one place swdkit makes a
 * sequence of awaits atomic with respect to other callers (a probe command and its status query, one
 * USB or TCP round trip, one shared-probe slot). A task that fails does not stop the ones after it;
 * its caller gets the rejection.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` behind every task queued before it; settles as `task` does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
