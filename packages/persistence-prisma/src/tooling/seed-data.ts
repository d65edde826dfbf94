/**
 * The agents the example host serves (examples/host), with the name, kind, version and description each declares, so
 * that their runs link to their row (a run is linked to the agent of its name when one is registered).
 * `prisma/scripts/seed.test.ts` checks that this list and the host's agents agree.
 */
export const SEED_AGENTS = [
  { name: "campaign-launcher", kind: "content", version: "1.0.0", description: "Drafts launch copy with the LLM, posts it to Slack, publishes a social post and sends the announcement email." },
  { name: "seo-analyst", kind: "seo", version: "1.1.0", description: "Reads search analytics from Search Console and lists keyword opportunities: queries just below the top results." },
  {
    name: "budget-guard",
    kind: "ads",
    version: "1.1.0",
    description:
      "Reads Google Ads campaign spend and Stripe payments, and pauses the campaign (the given one, or the biggest spender) when it overspends its budget or does not pay back. A pause of a campaign spending at least `approvalAbove` waits for a person's approval.",
  },
  { name: "onboarding-sequence", kind: "email", version: "1.0.0", description: "Sends a new customer three onboarding emails and announces them to the team on Discord; each side effect happens once." },
  { name: "intake-pipeline", kind: "intake", version: "1.0.0", description: "Fetches a channel's latest videos, then normalizes and embeds each one, as child runs." },
  { name: "intake-fetch", kind: "intake", version: "1.0.0", description: "Fetches the latest videos of a YouTube channel as documents for the intake pipeline." },
  { name: "intake-normalize", kind: "intake", version: "1.0.0", description: "Normalizes one fetched document into plain terms." },
  { name: "intake-embed", kind: "intake", version: "1.0.0", description: "Embeds one normalized document as a vector for similarity search." },
  { name: "learning-tune", kind: "learning", version: "1.0.0", description: "Reads an agent's runs of the last period and adjusts the settings its next runs read." },
] as const;

/**
 * The 16 platform connector kinds, the values of the `ConnectorKind` enum. The LLM connector that the example agents
 * call is registered in the host but is no platform kind, so it has no row.
 */
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
