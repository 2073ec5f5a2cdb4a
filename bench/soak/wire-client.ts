import { connect, type Socket } from 'node:net';
import { encodeRequest, replySize, type ServerRequest } from '../../src/transport/stlink-server/wire.js';

/**
 * A raw stlink-server connection for the soak: sends framed requests (or any bytes) and matches the
 * replies that come back to the requests in order by their sizes, as OpenOCD would.
 */
export class WireClient {
  closed = false;
  private received: Uint8Array[] = [];
  private receivedBytes = 0;
  private readonly pending: { size: number; resolve: (reply: Uint8Array | undefined) => void }[] = [];

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.receivedBytes += chunk.length;
      this.deliver();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.splice(0)) p.resolve(undefined);
    });
  }

  static open(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        resolve(new WireClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends `request`; resolves with its reply, or undefined if the connection closes first. */
  request(request: ServerRequest): Promise<Uint8Array | undefined> {
    const reply = this.expect(replySize(request));
    this.socket.write(encodeRequest(request));
    return reply;
  }

  /** Sends bytes that frame no request the client expects an answer to. */
  raw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  expect(size: number): Promise<Uint8Array | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.pending.push({ size, resolve });
      this.deliver();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    for (;;) {
      const head = this.pending[0];
      if (head === undefined || this.receivedBytes < head.size) return;
      this.pending.shift();
      head.resolve(this.take(head.size));
    }
  }

  private take(size: number): Uint8Array {
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.received[0];
      if (chunk === undefined) break;
      const n = Math.min(chunk.length, size - filled);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.received.shift();
      else this.received[0] = chunk.subarray(n);
    }
    this.receivedBytes -= size;
    return out;
  }
}
