export { defineAction, defineConnector, defineConnectorPlugin } from "./sdk/define-connector.js";
export type {
  ActionContext,
  ActionDefinition,
  ActionInput,
  ActionOutput,
  ApiVersionSpec,
  BreakerSpec,
  KeyedPacingSpec,
  ConnectionRequest,
  ConnectorDefinition,
  ConnectorPlugin,
  MockContext,
  RateLimitSpec,
  RetrySpec,
} from "./sdk/connector-definition.js";
export { ConnectorAuthError, isConnectorAuthError } from "./sdk/connector-auth-error.js";
export type { ConnectorAuthReason } from "./sdk/connector-auth-error.js";
export { ConnectorBaseUrlError, isConnectorBaseUrlError } from "./sdk/connector-base-url-error.js";
export type { ConnectorBaseUrlReason } from "./sdk/connector-base-url-error.js";

export type {
  ApiKeyAuthSpec,
  AuthSpec,
  BasicAuthSpec,
  BearerAuthSpec,
  CredentialHeaders,
  NoAuthSpec,
  OAuth2AuthSpec,
} from "./auth/auth-spec.js";
export { DEFAULT_CLIENT_ID_PARAMETER, NON_SECRET_CREDENTIAL_FIELDS } from "./auth/auth-spec.js";
export { createMemoryCredentialStore } from "./auth/memory-credential-store.js";
export { createMemoryOAuthStateStore } from "./auth/memory-oauth-state-store.js";
export type { MemoryOAuthStateStoreOptions } from "./auth/memory-oauth-state-store.js";
export { connectionUnusableError } from "./auth/oauth-client.js";
export type { OAuthClientCredentials, OAuthClientLookup } from "./auth/oauth-client.js";
export type { MemoryCredentialStoreOptions } from "./auth/memory-credential-store.js";
export { DEFAULT_REFRESH_BEFORE_MS } from "./auth/oauth2-refresher.js";

export type { HttpClient, HttpRequest, HttpResponse, ParameterValue } from "./http/http-types.js";
export { mapHttpError, DEFAULT_RATE_LIMIT_WAIT_MS } from "./http/map-http-error.js";
export type { HttpErrorSource } from "./http/map-http-error.js";
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from "./http/parse-retry-after.js";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./http/read-response-text.js";

export { DEFAULT_CONNECTOR_BREAKER, DEFAULT_CONNECTOR_RETRY } from "./resilience/connector-resilience.js";

export { createConnectorRegistry, MAX_REGISTERED_CONNECTORS } from "./registry/connector-registry.js";
export type { CatalogAction, CatalogEntry, ConnectorRegistry } from "./registry/connector-registry.js";
export { PLATFORM_CATALOG } from "./registry/catalog.js";
export { checkApiVersions, DEFAULT_SUNSET_WARNING_DAYS } from "./registry/check-api-versions.js";
export type { ApiVersionStatus, CheckApiVersionsOptions } from "./registry/check-api-versions.js";
export type { CatalogKind } from "./registry/catalog.js";

export { createConnectorClient } from "./client/create-connector-client.js";
export { checkBaseUrls } from "./client/check-base-urls.js";
export { paginate } from "./client/paginate.js";
export type { PageItem, PaginateOptions, PaginateResult } from "./client/paginate.js";
export { nextLinkParameter, pageCursor, pageSchema } from "./sdk/page.js";
export type { Page, PagingSpec, PagingStyle } from "./sdk/page.js";
export { discordNonce } from "./connectors/discord-connector.js";
export { escapeLittleText } from "./connectors/linkedin-connector.js";
export { xWeightedLength, X_MAX_WEIGHTED_LENGTH } from "./connectors/x-connector.js";
export { mapGoogleAdsResponse } from "./connectors/google-ads-failure.js";
export { GOOGLE_ADS_API_VERSION } from "./connectors/google-ads-connector.js";
export { GRAPH_API_VERSION_SPEC } from "./connectors/graph-api-response.js";
export type { ClientCatalogEntry, ConnectorClient, ConnectorClientOptions, ConnectorInvoker, InvokeOptions } from "./client/create-connector-client.js";
export { resolveConnectorMode } from "./client/resolve-mode.js";
export type { ConnectionPurpose } from "./client/call-connection.js";
export type { ConnectorMode } from "./client/resolve-mode.js";
export { DEFAULT_CONNECTOR_TIMEOUT_MS } from "./client/invoke-action.js";

export * from "./mock/mock-api.js";
export { DEFAULT_MOCK_RETRY_AFTER_MS } from "./mock/scenario-error.js";

export { builtInConnectors } from "./connectors/built-in-connectors.js";
export type { BuiltInConnectorId, BuiltInConnectorMap } from "./connectors/built-in-connectors.js";
export { emailConnector } from "./connectors/email-connector.js";
export type { EmailBody, SendEmailInput } from "./connectors/email-connector.js";
export { smsConnector, mapTwilioResponse } from "./connectors/sms-connector.js";
export { slackConnector, mapSlackResponse } from "./connectors/slack-connector.js";
export { llmConnector } from "./connectors/llm-connector.js";
export { xConnector, mapXResponse } from "./connectors/x-connector.js";
export { linkedinConnector, LINKEDIN_API_VERSION } from "./connectors/linkedin-connector.js";
export { mapLinkedinResponse } from "./connectors/linkedin-response.js";
export { googleSearchConsoleConnector, mapSearchConsoleResponse } from "./connectors/google-search-console-connector.js";
export { googleAdsConnector } from "./connectors/google-ads-connector.js";
export { stripeConnector, mapStripeResponse } from "./connectors/stripe-connector.js";
export { whatsappConnector } from "./connectors/whatsapp-connector.js";
export { mapWhatsappResponse } from "./connectors/whatsapp-response.js";
export { redditConnector, mapRedditResponse, REDDIT_DEFAULT_USER_AGENT } from "./connectors/reddit-connector.js";
export { instagramConnector } from "./connectors/instagram-connector.js";
export { facebookConnector } from "./connectors/facebook-connector.js";
export { GRAPH_API_VERSION } from "./connectors/graph-api-response.js";
export { youtubeConnector, mapYoutubeResponse } from "./connectors/youtube-connector.js";
export { tiktokConnector, mapTiktokResponse } from "./connectors/tiktok-connector.js";
export { shopifyConnector, mapShopifyResponse, SHOPIFY_API_VERSION } from "./connectors/shopify-connector.js";
export { discordConnector, mapDiscordResponse } from "./connectors/discord-connector.js";
