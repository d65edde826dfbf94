import { z } from "zod";

/** The keyword threshold seo-analyst uses when neither its input nor its settings give one. */
export const DEFAULT_MIN_IMPRESSIONS = 100;

/** The settings seo-analyst reads (written by learning-tune or a person); other keys are ignored. */
export const seoAnalystSettingsSchema = z.object({
  /** Queries seen fewer times are not opportunities. */
  minImpressions: z.number().int().min(0).optional(),
});

/** seo-analyst's settings. */
export type SeoAnalystSettings = z.infer<typeof seoAnalystSettingsSchema>;

/** The settings in `values`, or none when they do not parse: a bad write must not stop the agent's runs. */
export function readSeoAnalystSettings(values: unknown): SeoAnalystSettings {
  const parsed = seoAnalystSettingsSchema.safeParse(values ?? {});
  return parsed.success ? parsed.data : {};
}
