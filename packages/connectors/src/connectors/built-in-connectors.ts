import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import { discordConnector } from "./discord-connector.js";
import { emailConnector } from "./email-connector.js";
import { facebookConnector } from "./facebook-connector.js";
import { googleAdsConnector } from "./google-ads-connector.js";
import { googleSearchConsoleConnector } from "./google-search-console-connector.js";
import { instagramConnector } from "./instagram-connector.js";
import { linkedinConnector } from "./linkedin-connector.js";
import { llmConnector } from "./llm-connector.js";
import { redditConnector } from "./reddit-connector.js";
import { shopifyConnector } from "./shopify-connector.js";
import { slackConnector } from "./slack-connector.js";
import { smsConnector } from "./sms-connector.js";
import { stripeConnector } from "./stripe-connector.js";
import { tiktokConnector } from "./tiktok-connector.js";
import { whatsappConnector } from "./whatsapp-connector.js";
import { xConnector } from "./x-connector.js";
import { youtubeConnector } from "./youtube-connector.js";

/** The built-in connectors by id, so that a call named by a connector id string is typed like one given the definition. */
export interface BuiltInConnectorMap {
  email: typeof emailConnector;
  sms: typeof smsConnector;
  slack: typeof slackConnector;
  llm: typeof llmConnector;
  x: typeof xConnector;
  linkedin: typeof linkedinConnector;
  "google-search-console": typeof googleSearchConsoleConnector;
  "google-ads": typeof googleAdsConnector;
  stripe: typeof stripeConnector;
  whatsapp: typeof whatsappConnector;
  reddit: typeof redditConnector;
  instagram: typeof instagramConnector;
  facebook: typeof facebookConnector;
  youtube: typeof youtubeConnector;
  tiktok: typeof tiktokConnector;
  shopify: typeof shopifyConnector;
  discord: typeof discordConnector;
}

/** Id of a built-in connector. */
export type BuiltInConnectorId = keyof BuiltInConnectorMap;

/** Every connector shipped with the package, registered by default. */
export const builtInConnectors: readonly ConnectorDefinition[] = Object.freeze([
  emailConnector,
  smsConnector,
  slackConnector,
  llmConnector,
  xConnector,
  linkedinConnector,
  googleSearchConsoleConnector,
  googleAdsConnector,
  stripeConnector,
  whatsappConnector,
  redditConnector,
  instagramConnector,
  facebookConnector,
  youtubeConnector,
  tiktokConnector,
  shopifyConnector,
  discordConnector,
]);
