export { startProviderServer } from "./provider-server.js";
export type { ProviderAnswer, ProviderServer, ReceivedRequest } from "./provider-server.js";
