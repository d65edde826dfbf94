import type { ConnectionAuthType, CredentialStore } from "@neonhub/core";
import { createMemoryCredentialStore } from "../auth/memory-credential-store.js";
import { type ConnectorClient, type ConnectorClientOptions, createConnectorClient } from "../client/create-connector-client.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import { type ProviderAnswer, type ProviderServer, type ReceivedRequest, startProviderServer } from "./provider-server.js";

/** Options of {@link startLiveHarness}. */
export interface LiveHarnessOptions {
  connector: ConnectorDefinition;
  /** The connection's credential fields. */
  credentials?: Record<string, string>;
  /** Default: the connector's auth type. */
  authType?: ConnectionAuthType;
  /** When the access token expires; default never. */
  expiresAt?: Date | null;
  organizationId?: string;
  handler?: (request: ReceivedRequest) => ProviderAnswer | Promise<ProviderAnswer>;
  /** More client options (clock, logger, metrics, retry, ...). Retries are off unless given here. */
  client?: Omit<ConnectorClientOptions, "mode" | "credentials" | "baseUrls" | "environment">;
}

/** A live-mode client pointed at a local provider stand-in. */
export interface LiveHarness {
  server: ProviderServer;
  client: ConnectorClient;
  store: CredentialStore;
  organizationId: string;
  close(): Promise<void>;
}

/**
 * Starts a provider stand-in and a live client whose connection points at it (through the client's `baseUrls`, which
 * win over a connector's `baseUrlFrom`), for testing a connector's real requests. The environment is ignored, so a
 * suite running with mock mode forced still tests live requests here.
 * @example
 * const harness = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-test" },
 *   handler: () => ({ status: 200, json: { ok: true, channel: "C1", ts: "1.2" } }) });
 * await harness.client.invoke("slack", "postMessage", { channel: "C1", text: "hi" });
 * expect(harness.server.requests[0]?.headers.authorization).toBe("Bearer xoxb-test");
 */
export async function startLiveHarness(options: LiveHarnessOptions): Promise<LiveHarness> {
  const server = await startProviderServer(options.handler);
  const organizationId = options.organizationId ?? "org_test";
  const { connector } = options;
  const credentials = { ...options.credentials };
  if (connector.auth.type === "oauth2") credentials.tokenUrl ??= `${server.url}/oauth/token`;
  const store = createMemoryCredentialStore({
    connections:
      connector.auth.type === "none" && options.credentials === undefined
        ? []
        : [{ organizationId, connector: connector.id, authType: options.authType ?? connector.auth.type, credentials, expiresAt: options.expiresAt ?? null }],
  });
  const client = createConnectorClient({
    retry: false,
    connectors: [connector],
    organizationId,
    ...options.client,
    mode: "live",
    environment: {},
    credentials: store,
    baseUrls: { [connector.id]: server.url },
  });
  return {
    server,
    client,
    store,
    organizationId,
    async close() {
      await client.close();
      await server.close();
    },
  };
}
