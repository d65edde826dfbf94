/** One valid input per action of every built-in connector, with `marker` in every free-text field. */
export function sampleInputs(marker: string): Record<string, Record<string, unknown>> {
  return {
    email: { sendEmail: { from: "Acme <news@acme.dev>", to: ["reader@acme.dev"], subject: `Launch ${marker}`, text: `Details ${marker}` } },
    sms: { sendSms: { to: "+14155550199", from: "+14155550100", body: `Your code ${marker}` } },
    slack: { postMessage: { channel: "C0LAUNCH", text: `Shipped ${marker}` } },
    llm: { chatCompletion: { messages: [{ role: "user", content: `Summarize ${marker}` }] } },
    x: { createPost: { text: `Launch day ${marker}` } },
    linkedin: { createPost: { author: "urn:li:organization:5515715", commentary: `Launch day ${marker}` } },
    "google-search-console": { querySearchAnalytics: { siteUrl: `https://www.example.com/${marker}/`, startDate: "2026-10-01", endDate: "2026-10-31" } },
    "google-ads": { campaignSpend: { customerId: "1234567890" }, pauseCampaign: { customerId: "1234567890", campaignId: "20765432101" } },
    stripe: { listBalanceTransactions: { limit: 5, type: marker } },
    whatsapp: { sendMessage: { phoneNumberId: "106540352242922", to: "+16505551234", text: `Order shipped ${marker}` } },
    reddit: { submitPost: { subreddit: "acmedev", title: `Launch ${marker}`, text: `Details ${marker}` } },
    instagram: { publishMedia: { igUserId: "17841405822304914", imageUrl: "https://cdn.acme.dev/launch.jpg", caption: `Launch ${marker}` } },
    facebook: { createPagePost: { pageId: "546349135390552", message: `Launch day ${marker}` } },
    youtube: { listChannelVideos: { channelId: "UC_x5XG1OV2P6uZZ5FSM9Ttw", maxResults: 5, cursor: marker } },
    tiktok: { publishVideo: { title: `Launch ${marker}`, videoUrl: `https://media.acme.dev/videos/${marker}.mp4`, privacyLevel: "SELF_ONLY" } },
    shopify: { listOrders: { limit: 5, status: "any" } },
    discord: { sendChannelMessage: { channelId: "1101234567890123456", content: `Shipped ${marker}` } },
  };
}
