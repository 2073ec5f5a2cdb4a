/**
 * The gdb server's TCP edge: one GdbConnection per accepted socket, all on the same target and in one
 * GdbClients group (several gdb at once, as OpenOCD allows: a second one for Cortex-Debug's live
 * watch, say; clients.ts says how they share the core).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GdbClients } from './clients.js';
import { GdbConnection } from './connection.js';
import type { GdbTarget } from './target.js';

export interface GdbServerOptions {
  readonly target: GdbTarget;
  /** Default 3333; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly onEvent?: (event: GdbServerEvent) => void;
  readonly pollIntervalMs?: number;
}

export type GdbServerEvent =
  | { readonly kind: 'connect'; readonly client: string; readonly clients: number }
  | { readonly kind: 'close'; readonly client: string; readonly clients: number }
  | { readonly kind: 'error'; readonly client: string; readonly message: string }
  | { readonly kind: 'note'; readonly client: string; readonly message: string };

export interface GdbServer {
  readonly host: string;
  readonly port: number;
  /** Connected gdb clients now. */
  readonly clients: number;
  /** Stops listening, closes every connection (their breakpoints removed). */
  close(): Promise<void>;
}

export const GDB_DEFAULT_PORT = 3333;

export async function startGdbServer(options: GdbServerOptions): Promise<GdbServer> {
  const host = options.host ?? '127.0.0.1';
  const live = new Map<Socket, GdbConnection>();
  const ended: Promise<void>[] = [];
  const emit = options.onEvent ?? (() => undefined);
  const clients = new GdbClients(options.target);
  const server: Server = createServer((socket) => {
    const client = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    const connection = new GdbConnection(options.target, {
      write: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      close: () => socket.end(),
      log: (line) => {
        emit({ kind: 'error', client, message: line });
      },
      note: (line) => {
        emit({ kind: 'note', client, message: line });
      },
      clients,
      name: client,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
    live.set(socket, connection);
    emit({ kind: 'connect', client, clients: live.size });
    socket.on('data', (chunk: Buffer) => {
      connection.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    });
    socket.on('error', (error) => {
      emit({ kind: 'error', client, message: error.message });
    });
    socket.on('close', () => {
      live.delete(socket);
      ended.push(connection.disconnected());
      emit({ kind: 'close', client, clients: live.size });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? GDB_DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  return {
    host,
    port,
    get clients() {
      return live.size;
    },
    close: async () => {
      const closing = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      for (const socket of live.keys()) socket.destroy();
      await closing;
      await Promise.all(ended);
    },
  };
}
