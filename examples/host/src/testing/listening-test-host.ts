import { afterAll, beforeAll } from "vitest";
import { createTestHost, type TestHost } from "./create-test-host.js";

/** A test host listening on 127.0.0.1 for the tests of one file, read through getters inside the tests. */
export interface ListeningTestHost {
  readonly host: TestHost & { health: { databaseUp: boolean } };
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
}

/**
 * Starts a {@link createTestHost} host listening on 127.0.0.1 before the file's tests and closes it after them.
 * @param options called in `beforeAll`, so that what it builds is made for the suite.
 */
export function listeningTestHostAroundSuite(options: () => Parameters<typeof createTestHost>[0] = () => ({})): ListeningTestHost {
  let host: (TestHost & { health: { databaseUp: boolean } }) | undefined;
  let baseUrl: string | undefined;
  beforeAll(async () => {
    host = await createTestHost(options());
    baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await host?.app.close();
  });
  return {
    get host() {
      if (host === undefined) throw new Error("The test host is started in beforeAll.");
      return host;
    },
    get baseUrl() {
      if (baseUrl === undefined) throw new Error("The test host is started in beforeAll.");
      return baseUrl;
    },
  };
}
