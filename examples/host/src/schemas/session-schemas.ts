import { z } from "zod";

/** Body of `POST /ui/session`: the API key the inspector signs in with. */
export const signInBodySchema = z.object({ apiKey: z.string().min(1).max(512) }).strict().meta({ id: "SignInRequest" });

/** The inspector's session as `/ui/session` answers it (the key itself never comes back). */
export const sessionSchema = z
  .object({
    organizationId: z.string(),
    userId: z.string(),
    csrfToken: z.string().meta({ description: "Send it as `x-csrf-token` on every request that changes something." }),
  })
  .meta({ id: "InspectorSession" });
