import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { AgentsPage } from "./agents-page";
import { api, rememberSession, type Agent, type Session } from "./api";
import { ConnectionsPage } from "./connections-page";
import { RunPage } from "./run-page";
import { RunsPage } from "./runs-page";
import { SignIn } from "./sign-in";
import "./styles.css";

const currentRoute = (): string => location.hash.replace(/^#/, "") || "/runs";

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [route, setRoute] = useState(currentRoute());
  const [agents, setAgents] = useState<Agent[]>([]);
  // The CSRF token is known before any page renders: the connections page may post at once (an OAuth confirmation).
  const enter = (found: Session | null) => {
    rememberSession(found);
    setSession(found);
  };

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    addEventListener("hashchange", onHash);
    api<Session>("/ui/session").then(
      (found) => enter(found),
      () => enter(null),
    );
    return () => removeEventListener("hashchange", onHash);
  }, []);

  const runMatch = /^\/runs\/([A-Za-z0-9_-]{1,64})$/.exec(route);
  const section = runMatch ? "runs" : route.split("/")[1];

  // Read again each time a page is opened, so the agents page shows the breakers as they are now, not at sign-in.
  useEffect(() => {
    if (!session) return;
    let current = true;
    api<{ agents: Agent[] }>("/v1/agents").then(
      (answer) => current && setAgents(answer.agents),
      () => current && setAgents([]),
    );
    return () => {
      current = false;
    };
  }, [session, section]);

  if (session === undefined) return <main>Loading…</main>;
  if (session === null) return <SignIn onSignedIn={enter} />;

  const signOut = async () => {
    await api("/ui/session", { method: "DELETE" }).catch(() => undefined);
    setSession(null);
  };
  return (
    <>
      <header class="top">
        <span class="brand">NeonHub inspector</span>
        <nav aria-label="Main">
          <a href="#/runs" aria-current={section === "runs" ? "page" : undefined}>
            Runs
          </a>
          <a href="#/agents" aria-current={section === "agents" ? "page" : undefined}>
            Agents
          </a>
          <a href="#/connections" aria-current={section === "connections" ? "page" : undefined}>
            Connections
          </a>
        </nav>
        <span class="who">
          {session.userId} · {session.organizationId}
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>
        {runMatch?.[1] ? (
          <RunPage runId={runMatch[1]} />
        ) : section === "agents" ? (
          <AgentsPage agents={agents} />
        ) : section === "connections" ? (
          <ConnectionsPage />
        ) : (
          <RunsPage agents={agents} />
        )}
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
