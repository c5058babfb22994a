/**
 * Login with an API token (`epicenter token create --role viewer`): checked against the API, then kept in
 * sessionStorage for this tab. User/password login is not built yet.
 */
import { useState } from "react";
import { ApiFailure, api, setToken } from "./api.js";
import { navigate, useLocation } from "./router.js";

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const { search } = useLocation();
  const [token, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const next = search.get("next");
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api("/api/v1/summary?limit=0", { token: token.trim() });
      setToken(token.trim());
      onLogin();
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/");
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="login-title" className="login">
      <h1 id="login-title">Log in</h1>
      <p>
        Paste an API token (make one with <code>epicenter token create --role viewer</code>). It is kept for
        this tab only.
      </p>
      <form onSubmit={submit}>
        <label>
          API token{" "}
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setValue(e.target.value)}
            required
          />
        </label>{" "}
        <button type="submit">Log in</button>
      </form>
      {error ? (
        <p className="problem" role="alert">
          {error}
        </p>
      ) : null}
      <p className="muted">
        User and password login is not available yet. The public status page needs no login:{" "}
        <a href="/status">/status</a>.
      </p>
    </section>
  );
}
