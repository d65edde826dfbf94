/** The example agents the host ships (see examples/host). */
export const SEED_AGENTS = [
  { name: "campaign-launcher", kind: "campaign", version: "1.0.0", description: "Plans a multi-channel campaign and schedules its posts." },
  { name: "seo-analyst", kind: "seo", version: "1.1.0", description: "Reads search performance and proposes content and keyword changes." },
  { name: "budget-guard", kind: "budget", version: "1.0.0", description: "Watches ad spend against budgets and pauses campaigns that overrun." },
  { name: "learning-tune", kind: "learning", version: "1.0.0", description: "Reads an agent's runs of the last period and adjusts the settings its next runs read." },
] as const;

/** The 16 connector kinds of the catalog. */
export const SEED_CONNECTORS = [
  { kind: "EMAIL", displayName: "Email", category: "messaging", description: "Transactional and campaign email." },
  { kind: "SMS", displayName: "SMS", category: "messaging", description: "Text messages to phone numbers." },
  { kind: "WHATSAPP", displayName: "WhatsApp", category: "messaging", description: "WhatsApp Business messages." },
  { kind: "REDDIT", displayName: "Reddit", category: "social", description: "Posts and comments on subreddits." },
  { kind: "INSTAGRAM", displayName: "Instagram", category: "social", description: "Instagram media and captions." },
  { kind: "FACEBOOK", displayName: "Facebook", category: "social", description: "Facebook Page posts." },
  { kind: "X", displayName: "X", category: "social", description: "Posts on X." },
  { kind: "YOUTUBE", displayName: "YouTube", category: "video", description: "YouTube videos and channel data." },
  { kind: "TIKTOK", displayName: "TikTok", category: "video", description: "TikTok videos and creator data." },
  { kind: "GOOGLE_ADS", displayName: "Google Ads", category: "advertising", description: "Campaigns, budgets and reports." },
  { kind: "GOOGLE_SEARCH_CONSOLE", displayName: "Google Search Console", category: "analytics", description: "Search performance of a site." },
  { kind: "SHOPIFY", displayName: "Shopify", category: "commerce", description: "Products, orders and customers." },
  { kind: "STRIPE", displayName: "Stripe", category: "payments", description: "Payments, customers and invoices." },
  { kind: "SLACK", displayName: "Slack", category: "collaboration", description: "Messages to Slack channels." },
  { kind: "DISCORD", displayName: "Discord", category: "community", description: "Messages to Discord channels." },
  { kind: "LINKEDIN", displayName: "LinkedIn", category: "social", description: "Posts on LinkedIn pages and profiles." },
] as const;
