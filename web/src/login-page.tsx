/**
 * Login, two ways: a name and password of the config's `server.users` (POST /api/v1/login answers a 12 h
 * session token, revoked again at logout), or an API token (`epicenter token create --role viewer`), checked
 * against the API. Either is kept in sessionStorage for this tab only.
 */
import { useState } from "react";
import { ApiFailure, api, setToken, type TokenCreated } from "./api.js";
import { navigate, useLocation } from "./router.js";

type Way = "password" | "token";

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const { search } = useLocation();
  const [way, setWay] = useState<Way>("password");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [token, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const next = search.get("next");
  const done = (secret: string, session: boolean) => {
    setToken(secret, session);
    onLogin();
    navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/");
  };
  const attempt = (e: React.FormEvent, run: () => Promise<void>) => {
    e.preventDefault();
    setError(null);
    run().catch((err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)));
  };
  const withPassword = (e: React.FormEvent) =>
    attempt(e, async () => {
      const { secret } = await api<TokenCreated>("/api/v1/login", {
        method: "POST",
        body: { name: name.trim(), password },
        token: null,
      });
      setPassword("");
      done(secret, true);
    });
  const withToken = (e: React.FormEvent) =>
    attempt(e, async () => {
      await api("/api/v1/summary?limit=0", { token: token.trim() });
      done(token.trim(), false);
    });
  const tab = (id: Way, label: string) => (
    <button
      type="button"
      role="tab"
      id={`login-tab-${id}`}
      aria-selected={way === id}
      aria-controls={`login-${id}`}
      onClick={() => {
        setWay(id);
        setError(null);
      }}
    >
      {label}
    </button>
  );
  return (
    <section aria-labelledby="login-title" className="login">
      <h1 id="login-title">Log in</h1>
      <div role="tablist" aria-label="How to log in" className="chips">
        {tab("password", "Name and password")}
        {tab("token", "API token")}
      </div>
      {way === "password" ? (
        <form
          id="login-password"
          role="tabpanel"
          aria-labelledby="login-tab-password"
          onSubmit={withPassword}
        >
          <p>
            A user of the hub's config (epicenter.yaml, server.users). The session lasts 12 hours or until you
            log out.
          </p>
          <p>
            <label>
              Name{" "}
              <input
                autoComplete="username"
                value={name}
                onChange={(e) => setName(e.target.value)}
                required
              />
            </label>
          </p>
          <p>
            <label>
              Password{" "}
              <input
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
          </p>
          <button type="submit">Log in</button>
        </form>
      ) : (
        <form id="login-token" role="tabpanel" aria-labelledby="login-tab-token" onSubmit={withToken}>
          <p>
            Paste an API token (make one with <code>epicenter token create --role viewer</code>). It is kept
            for this tab only.
          </p>
          <p>
            <label>
              Token{" "}
              <input
                type="password"
                autoComplete="off"
                value={token}
                onChange={(e) => setValue(e.target.value)}
                required
              />
            </label>
          </p>
          <button type="submit">Log in</button>
        </form>
      )}
      {error ? (
        <p className="problem" role="alert">
          {error}
        </p>
      ) : null}
      <p className="muted">
        The public status page needs no login: <a href="/status">/status</a>.
      </p>
    </section>
  );
}
