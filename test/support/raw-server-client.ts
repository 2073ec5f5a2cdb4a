import { connect, type Socket } from 'node:net';
import { encodeRequest, type ServerRequest } from '../../src/transport/stlink-server/wire.js';

/** A raw TCP client: sends bytes and collects everything the server sends back. */
export class RawClient {
  received = new Uint8Array(0);
  closed = false;
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      const joined = new Uint8Array(this.received.length + b.length);
      joined.set(this.received);
      joined.set(b, this.received.length);
      this.received = joined;
      this.waiters.splice(0).forEach((w) => {
        w();
      });
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => {
        w();
      });
    });
    socket.on('error', () => undefined);
  }
  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        resolve(new RawClient(s));
      });
      s.once('error', reject);
    });
  }
  send(bytes: Uint8Array | ServerRequest): void {
    this.socket.write(bytes instanceof Uint8Array ? bytes : encodeRequest(bytes));
  }
  /** Waits until `n` bytes in total have arrived (or the socket closes), then a little longer for extras. */
  async waitFor(n: number, settleMs = 30): Promise<Uint8Array> {
    const deadline = Date.now() + 2000;
    while (this.received.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    await new Promise((r) => setTimeout(r, settleMs));
    return this.received;
  }
  async waitClosed(ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }
}
