import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy to a real server that a test can cut and restore, to simulate an outage of that server. */
export interface TcpProxy {
  port: number;
  /** Stops forwarding while keeping every socket open, as a network partition or a vanished host does; for good. */
  silence(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let silent = false;

  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = createConnection(target);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.on("data", (chunk) => void (silent || upstream.write(chunk)));
        upstream.on("data", (chunk) => void (silent || client.write(chunk)));
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server?.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (server) server.close(() => resolve());
      else resolve();
      server = null;
    });

  await listen();
  return { port, silence: () => void (silent = true), cut: stop, restore: listen, close: stop };
}
