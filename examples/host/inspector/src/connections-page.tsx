import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "./api";
import { ErrorNote, StatusBadge } from "./status-badge";

interface Connection {
  id: string;
  connector: string;
  status: string;
  expiresAt?: string | null;
}

interface Connector {
  id: string;
  displayName: string;
  mode: string;
  implemented: boolean;
}

/** Connections of the organization when the host has the connections API; otherwise the connector catalog. */
export function ConnectionsPage() {
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api<{ connections: Connection[] }>("/v1/connections").then(
      (answer) => setConnections(answer.connections),
      (failure: unknown) => (failure instanceof ApiError && failure.status === 404 ? setUnavailable(true) : setError(failure)),
    );
    api<{ connectors: Connector[] }>("/v1/connectors").then((answer) => setConnectors(answer.connectors), setError);
  }, []);

  return (
    <section aria-labelledby="connections-heading">
      <h1 id="connections-heading">Connections</h1>
      <ErrorNote error={error} />
      {connections ? (
        <table>
          <caption>Connected accounts</caption>
          <thead>
            <tr>
              <th scope="col">Connector</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((connection) => (
              <tr key={connection.id}>
                <th scope="row">{connection.connector}</th>
                <td>
                  <StatusBadge status={connection.status} />
                </td>
                <td>{connection.expiresAt ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {unavailable ? <p>This host has no connections API yet; the connector catalog is listed instead.</p> : null}
      <table>
        <caption>Connector catalog</caption>
        <thead>
          <tr>
            <th scope="col">Connector</th>
            <th scope="col">Mode</th>
            <th scope="col">Implemented</th>
          </tr>
        </thead>
        <tbody>
          {connectors.map((connector) => (
            <tr key={connector.id}>
              <th scope="row">{connector.displayName}</th>
              <td>{connector.mode}</td>
              <td>{connector.implemented ? "yes" : "no"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
