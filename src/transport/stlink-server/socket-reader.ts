/**
 * Exact-length reads from a TCP stream: the stlink-server protocol has no framing, so the client asks
 * for exactly the reply size the request implies (wire.ts replySize) and nothing more. The socket
 * itself is the caller's (client.node.ts): it hands over what arrives (`receive`), the end of the
 * stream (`end`) and its errors (`abandon`), so this logic is the same over any byte stream.
 */
export class SocketReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private waiting:
    { length: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  /** `closedError` is what a read gets once the stream has ended. */
  constructor(private readonly closedError: () => Error) {}

  /** Bytes that arrived; the reader keeps them (a view, not a copy). */
  receive(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    this.deliver();
  }

  /** The stream closed: the pending read, and every later one, fails with `closedError()`. */
  end(): void {
    this.fail(this.closedError());
  }

  /** Resolves with exactly `length` bytes; one read at a time. */
  read(length: number): Promise<Uint8Array> {
    if (this.waiting) return Promise.reject(new Error('SocketReader: one read at a time'));
    return new Promise((resolve, reject) => {
      this.waiting = { length, resolve, reject };
      this.deliver();
    });
  }

  /** Drops a pending read (after a timeout or a stream error); the stream is out of step from then on. */
  abandon(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }

  private deliver(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    if (this.buffered < waiting.length) {
      if (this.failure) this.fail(this.failure);
      return;
    }
    const out = new Uint8Array(waiting.length);
    let filled = 0;
    while (filled < waiting.length) {
      const head = this.chunks[0];
      if (head === undefined) break;
      const take = Math.min(head.length, waiting.length - filled);
      out.set(head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(take);
    }
    this.buffered -= waiting.length;
    this.waiting = undefined;
    waiting.resolve(out);
  }
}
