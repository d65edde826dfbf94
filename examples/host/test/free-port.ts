import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago, for a server whose address must be known before it starts. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
