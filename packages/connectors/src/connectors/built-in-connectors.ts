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
