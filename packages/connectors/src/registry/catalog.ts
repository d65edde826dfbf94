import type { ConnectionAuthType } from "@neonhub/core";

/** A connector kind of the platform, as listed whether or not it is implemented yet. */
export interface CatalogKind {
  kind: string;
  /** Registry id of the connector implementing it. */
  id: string;
  displayName: string;
  authType: ConnectionAuthType;
  /** Actions it has or will have. */
  actions: readonly string[];
}

/** The sixteen platform kinds, plus the LLM connector used by example agents. */
export const PLATFORM_CATALOG: readonly CatalogKind[] = Object.freeze([
  { kind: "EMAIL", id: "email", displayName: "Email (Resend)", authType: "bearer", actions: ["sendEmail"] },
  { kind: "SMS", id: "sms", displayName: "SMS (Twilio)", authType: "basic", actions: ["sendSms"] },
  { kind: "WHATSAPP", id: "whatsapp", displayName: "WhatsApp Business", authType: "bearer", actions: ["sendMessage"] },
  { kind: "REDDIT", id: "reddit", displayName: "Reddit", authType: "oauth2", actions: ["submitPost"] },
  { kind: "INSTAGRAM", id: "instagram", displayName: "Instagram", authType: "bearer", actions: ["publishMedia"] },
  { kind: "FACEBOOK", id: "facebook", displayName: "Facebook Pages", authType: "bearer", actions: ["createPagePost"] },
  { kind: "X", id: "x", displayName: "X", authType: "oauth2", actions: ["createPost"] },
  { kind: "YOUTUBE", id: "youtube", displayName: "YouTube", authType: "oauth2", actions: ["listChannelVideos"] },
  { kind: "TIKTOK", id: "tiktok", displayName: "TikTok", authType: "oauth2", actions: ["publishVideo"] },
  { kind: "GOOGLE_ADS", id: "google-ads", displayName: "Google Ads", authType: "oauth2", actions: ["campaignSpend", "pauseCampaign"] },
  { kind: "GOOGLE_SEARCH_CONSOLE", id: "google-search-console", displayName: "Google Search Console", authType: "oauth2", actions: ["querySearchAnalytics"] },
  { kind: "SHOPIFY", id: "shopify", displayName: "Shopify", authType: "api_key", actions: ["listOrders"] },
  { kind: "STRIPE", id: "stripe", displayName: "Stripe", authType: "bearer", actions: ["listBalanceTransactions"] },
  { kind: "SLACK", id: "slack", displayName: "Slack", authType: "bearer", actions: ["postMessage"] },
  { kind: "DISCORD", id: "discord", displayName: "Discord", authType: "api_key", actions: ["sendChannelMessage"] },
  { kind: "LINKEDIN", id: "linkedin", displayName: "LinkedIn", authType: "oauth2", actions: ["createPost"] },
  { kind: "LLM", id: "llm", displayName: "LLM (OpenAI-compatible)", authType: "bearer", actions: ["chatCompletion"] },
]);
