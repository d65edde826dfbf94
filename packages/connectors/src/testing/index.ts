export { startProviderServer } from "./provider-server.js";
export type { ProviderAnswer, ProviderServer, ReceivedRequest } from "./provider-server.js";
export { startLiveHarness } from "./start-live-harness.js";
export type { LiveHarness, LiveHarnessOptions } from "./start-live-harness.js";
