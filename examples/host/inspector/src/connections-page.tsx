import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Connection, type ConnectionTest, type Connector } from "./api";
import { formatDuration, formatTime } from "./format";
import { ErrorNote, StatusBadge } from "./status-badge";
import { describeOAuthError } from "./oauth-error-text";

const AUTH_LABELS: Record<string, string> = {
  none: "none",
  api_key: "API key",
  bearer: "bearer token",
  basic: "username and password",
  oauth2: "OAuth 2.0",
};

// Tokens obtained elsewhere: a refresh token and the client that obtained it let the host refresh them.
const OAUTH_TOKEN_FIELDS = ["refreshToken", "clientId", "clientSecret"];

/** `accountSid` → "account sid": labels for credential fields. */
const fieldLabel = (field: string) => field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

/** The credentials form of one connector, from its catalog auth: the fields it requires, and OAuth's refresh fields. */
function ConnectForm({ connector, onDone, onCancel }: { connector: Connector; onDone: () => void; onCancel: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const optional = connector.auth.type === "oauth2" ? OAUTH_TOKEN_FIELDS.filter((field) => connector.auth.optionalFields.includes(field)) : [];

  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const credentials: Record<string, string> = {};
    for (const field of [...connector.auth.fields, ...optional]) {
      const value = String(data.get(field) ?? "");
      if (value !== "") credentials[field] = value;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/v1/connections/${encodeURIComponent(connector.id)}`, { method: "PUT", body: { authType: connector.auth.type, credentials } });
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="connect-form" aria-label={`Connect ${connector.displayName}`} onSubmit={(event) => void submit(event)}>
      {[...connector.auth.fields, ...optional].map((field) => (
        <label key={field}>
          {fieldLabel(field)}
          {connector.auth.fields.includes(field) ? "" : " (optional)"}
          <input name={field} type="password" autocomplete="off" required={connector.auth.fields.includes(field)} />
        </label>
      ))}
      <button type="submit" disabled={busy}>
        Save connection
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        Close
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

/**
 * One connector: its connection's status and the actions on it (connect, test, reconnect, revoke, disconnect).
 * Each button's accessible name starts with its visible text (WCAG 2.5.3), then names the connector.
 */
function ConnectorRow({ connector, connection, onChanged }: { connector: Connector; connection: Connection | undefined; onChanged: () => void }) {
  const [formOpen, setFormOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string | null>(null);

  const act = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await action());
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const path = `/v1/connections/${encodeURIComponent(connector.id)}`;
  const test = () =>
    act(async () => {
      const answer = await api<ConnectionTest>(`${path}/test`, { method: "POST" });
      return answer.ok ? `Test passed in ${formatDuration(answer.durationMs)}.` : `Test failed: ${answer.error?.code ?? ""} ${answer.error?.message ?? ""}`.trim();
    });
  const revoke = () =>
    act(async () => {
      const answer = await api<{ revocation: string }>(`${path}/revoke`, { method: "POST" });
      return `Revoked (provider: ${answer.revocation.replace("_", " ")}).`;
    });
  const disconnect = () =>
    act(async () => {
      await api(path, { method: "DELETE" });
      return "Disconnected.";
    });
  const authorize = () =>
    act(async () => {
      // Confirm completion: the tokens are stored only once this signed-in session confirms them on its way back, so
      // an authorization URL finished by someone else links nothing.
      const answer = await api<{ authorizationUrl: string }>(`${path}/authorize`, { method: "POST", body: { returnUrl: `${location.origin}/#/connections`, completion: "confirm" } });
      location.assign(answer.authorizationUrl);
      return null;
    });

  const usable = connection !== undefined && connection.status !== "EXPIRED" && connection.status !== "REVOKED";
  const connectLabel = connection === undefined ? "Connect" : "Reconnect";
  return (
    <tr data-connector={connector.id}>
      <th scope="row">{connector.displayName}</th>
      <td>{AUTH_LABELS[connector.auth.type] ?? connector.auth.type}</td>
      <td>
        {connection ? <StatusBadge status={connection.status} /> : <span class="muted">not connected</span>}
        {connection?.lastError ? <div class="step-error">{connection.lastError}</div> : null}
      </td>
      <td>{connection ? formatTime(connection.lastUsedAt) : "–"}</td>
      <td>
        <div class="row-actions">
          {connector.auth.type === "none" ? (
            <span>Nothing to connect.</span>
          ) : (
            <>
              {connector.auth.authorize ? (
                <button type="button" disabled={busy} aria-label={`${connectLabel} with OAuth (${connector.displayName})`} onClick={() => void authorize()}>
                  {connectLabel} with OAuth
                </button>
              ) : null}
              <button type="button" class={connector.auth.authorize ? "secondary" : ""} disabled={busy} aria-expanded={formOpen} aria-label={connector.auth.authorize ? `${connectLabel} with tokens (${connector.displayName})` : `${connectLabel} ${connector.displayName}`} onClick={() => setFormOpen(!formOpen)}>
                {connectLabel}
                {connector.auth.authorize ? " with tokens" : ""}
              </button>
              {connection && connector.auth.test ? (
                <button type="button" class="secondary" disabled={busy || !usable} aria-label={`Test ${connector.displayName}`} onClick={() => void test()}>
                  Test
                </button>
              ) : null}
              {connection && connection.status !== "REVOKED" ? (
                <button type="button" class="secondary" disabled={busy} aria-label={`Revoke ${connector.displayName}`} onClick={() => void revoke()}>
                  Revoke
                </button>
              ) : null}
              {connection ? (
                <button type="button" class="secondary" disabled={busy} aria-label={`Disconnect ${connector.displayName}`} onClick={() => void disconnect()}>
                  Disconnect
                </button>
              ) : null}
            </>
          )}
        </div>
        {formOpen ? (
          <ConnectForm
            connector={connector}
            onCancel={() => setFormOpen(false)}
            onDone={() => {
              setFormOpen(false);
              setResult("Connected.");
              onChanged();
            }}
          />
        ) : null}
        <p class="test-result" role="status">
          {result}
        </p>
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}

/** What an OAuth callback sent the browser back with (`?connector=…&status=…`), then what its confirmation did. */
interface OAuthOutcome {
  connector: string;
  status: string;
  error: string | null;
  /** Whether `error` is the callback's code (`access_denied`), not the confirmation's message. */
  fromCallback: boolean;
  grant: string | null;
}

/** Reads the callback's outcome once and takes it off the address, so a reload does not show it again. */
function takeOAuthOutcome(): OAuthOutcome | null {
  const parameters = new URLSearchParams(location.search);
  const connector = parameters.get("connector");
  const status = parameters.get("status");
  if (connector === null || status === null) return null;
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  return { connector, status, error: parameters.get("error"), fromCallback: true, grant: parameters.get("grant") };
}

/** Confirms a grant of `confirm` completion with this session; answers the outcome to show. */
async function confirmGrant(outcome: OAuthOutcome): Promise<OAuthOutcome> {
  try {
    await api(`/v1/connections/${encodeURIComponent(outcome.connector)}/authorize/confirm`, { method: "POST", body: { grant: outcome.grant } });
    return { ...outcome, status: "connected", grant: null };
  } catch (failure) {
    const reason = failure instanceof Error ? failure.message : String(failure);
    return { ...outcome, status: "error", error: reason.replace(/\.$/, ""), fromCallback: false, grant: null };
  }
}

function OAuthOutcomeNote({ outcome, connectors }: { outcome: OAuthOutcome; connectors: Connector[] }) {
  const name = connectors.find((connector) => connector.id === outcome.connector)?.displayName ?? outcome.connector;
  if (outcome.status === "confirm") {
    return (
      <p class="oauth-outcome" role="status">
        Confirming the {name} connection…
      </p>
    );
  }
  if (outcome.status === "connected") {
    return (
      <p class="oauth-outcome" role="status">
        {name} is connected with OAuth.
      </p>
    );
  }
  return (
    <p class="oauth-outcome step-error" role="alert">
      {name} was not connected: {outcome.fromCallback ? describeOAuthError(outcome.error) : outcome.error}.
    </p>
  );
}

/** The organization's connections, one row per connector, with the actions of the connections API. */
export function ConnectionsPage() {
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [oauthOutcome, setOAuthOutcome] = useState(takeOAuthOutcome);

  const loadConnections = () =>
    api<{ connections: Connection[] }>("/v1/connections").then(
      (answer) => setConnections(answer.connections),
      (failure: unknown) => (failure instanceof ApiError && failure.status === 404 ? setUnavailable(true) : setError(failure)),
    );

  useEffect(() => {
    void loadConnections();
    api<{ connectors: Connector[] }>("/v1/connectors").then((answer) => setConnectors(answer.connectors), setError);
    if (oauthOutcome?.status === "confirm" && oauthOutcome.grant !== null) {
      void confirmGrant(oauthOutcome).then((confirmed) => {
        setOAuthOutcome(confirmed);
        void loadConnections();
      });
    }
  }, []);

  const byConnector = new Map((connections ?? []).map((connection) => [connection.connector, connection]));
  const implemented = connectors.filter((connector) => connector.implemented);
  const planned = connectors.filter((connector) => !connector.implemented);
  return (
    <section aria-labelledby="connections-heading">
      <h1 id="connections-heading">Connections</h1>
      {oauthOutcome ? <OAuthOutcomeNote outcome={oauthOutcome} connectors={connectors} /> : null}
      <ErrorNote error={error} />
      {unavailable ? <p>This host has no connections API (it starts one when NEONHUB_CREDENTIALS_KEY is set); the connector catalog is listed instead.</p> : null}
      {connections ? (
        <p class="muted">
          {connections.length} of {implemented.length} connectors connected. Credentials are stored encrypted and never shown again.
        </p>
      ) : null}
      <table class="connections">
        <caption>Connectors</caption>
        <thead>
          <tr>
            <th scope="col">Connector</th>
            <th scope="col">Authentication</th>
            <th scope="col">Status</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {implemented.map((connector) =>
            connections ? (
              <ConnectorRow key={connector.id} connector={connector} connection={byConnector.get(connector.id)} onChanged={() => void loadConnections()} />
            ) : (
              <tr key={connector.id} data-connector={connector.id}>
                <th scope="row">{connector.displayName}</th>
                <td>{AUTH_LABELS[connector.auth.type] ?? connector.auth.type}</td>
                <td>{connector.mode}</td>
                <td>–</td>
                <td>–</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {planned.length > 0 ? <p class="muted">Not implemented yet: {planned.map((connector) => connector.displayName).join(", ")}.</p> : null}
    </section>
  );
}
