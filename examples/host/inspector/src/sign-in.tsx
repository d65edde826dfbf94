import { useState } from "preact/hooks";
import { api, type Session } from "./api";
import { ErrorNote } from "./status-badge";

/** The sign-in form: the key is posted once and kept nowhere in the page afterwards. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const session = await api<Session>("/ui/session", { method: "POST", body: { apiKey: key.trim() } });
      setKey("");
      onSignedIn(session);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <main class="sign-in">
      <h1>NeonHub inspector</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          API key
          <input name="apiKey" type="password" autocomplete="off" required value={key} onInput={(event) => setKey(event.currentTarget.value)} />
        </label>
        <button type="submit">Sign in</button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}
