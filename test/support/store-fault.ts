/**
 * A TCP proxy on 127.0.0.1 in front of DynamoDB Local that a test can turn into
 * a failing store: `freeze()` keeps accepting connections and never answers
 * (a hung process or a black-holed network), `refuse()` stops listening (a
 * stopped store), `forward()` heals it. `freezeWhen` freezes on the first
 * request whose bytes contain a string (e.g. a table name), to fail one
 * particular write of a request.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type StoreMode = 'forward' | 'freeze' | 'refuse';

export interface StoreFault {
  readonly endpoint: string;
  readonly mode: StoreMode;
  forward(): Promise<void>;
  freeze(): void;
  /** Freezes as soon as a request carrying `marker` arrives (that request is not forwarded). */
  freezeWhen(marker: string): void;
  /** Forwards the next request carrying `marker`, lets the store apply it, then drops its answer and resets the connection. */
  loseReplyWhen(marker: string): void;
  refuse(): Promise<void>;
  close(): Promise<void>;
}

export async function startStoreFault(upstream: string): Promise<StoreFault> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let mode: StoreMode = 'forward';
  let marker: string | undefined;
  let loseMarker: string | undefined;
  let port = 0;
  let server: Server;

  const onConnection = (client: Socket) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let upstreamSocket: Socket | undefined;
    let loseReply = false;
    const connectUpstream = () => {
      const s = createConnection({ host: target.hostname, port: Number(target.port) });
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
      });
      s.on('error', () => client.destroy());
      s.on('data', (chunk) => {
        if (loseReply) {
          client.destroy();
          return;
        }
        if (mode === 'forward') client.write(chunk);
      });
      return s;
    };
    client.on('data', (chunk) => {
      if (marker && chunk.includes(marker)) {
        mode = 'freeze';
        marker = undefined;
      }
      if (loseMarker && chunk.includes(loseMarker)) {
        loseReply = true;
        loseMarker = undefined;
      }
      if (mode !== 'forward') return; // frozen: swallow the request, never answer
      upstreamSocket ??= connectUpstream();
      upstreamSocket.write(chunk);
    });
    client.on('close', () => upstreamSocket?.destroy());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      server.close(() => resolve());
    });

  await listen();
  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get mode() {
      return mode;
    },
    forward: async () => {
      if (mode === 'refuse') await listen();
      mode = 'forward';
      marker = undefined;
      loseMarker = undefined;
    },
    freeze: () => {
      mode = 'freeze';
    },
    freezeWhen: (m: string) => {
      marker = m;
    },
    loseReplyWhen: (m: string) => {
      loseMarker = m;
    },
    refuse: async () => {
      if (mode === 'refuse') return;
      mode = 'refuse';
      await stopListening();
    },
    close: async () => {
      if (mode !== 'refuse') await stopListening();
    },
  };
}
