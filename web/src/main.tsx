/** The dashboard's shell: navigation, the theme toggle, login state, and the page for the current path. */
import { lazy, StrictMode, Suspense, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { getToken, logout } from "./api.js";
import { IncidentPage } from "./incident-page.js";
import { LoginPage } from "./login-page.js";
import { prefetchMap } from "./map-data.js";
import { NowPage } from "./now-page.js";
import { navigate, onLinkClick, useLocation } from "./router.js";
import { SlaPage } from "./sla-page.js";
import { StatusPage } from "./status-page.js";
import { Link } from "./ui.js";
import { WhatIfPage } from "./whatif-page.js";
import "./styles.css";

// cytoscape and uPlot load only with the pages that draw: the Now page stays small.
// Its data is asked for as its chunk starts loading (map-data.ts), not after the chunk has run.
const MapPage = lazy(() => {
  prefetchMap();
  return import("./map-page.js").then((m) => ({ default: m.MapPage }));
});
const ComponentPage = lazy(() => import("./component-page.js").then((m) => ({ default: m.ComponentPage })));
// The World page brings the country shapes (world-atlas, about 100 kB): only when it is opened.
const WorldPage = lazy(() => import("./world-page.js").then((m) => ({ default: m.WorldPage })));

type Theme = "light" | "dark";

function initialTheme(): Theme {
  const saved = localStorage.getItem("epicenter.theme");
  if (saved === "light" || saved === "dark") return saved;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function Page({ path, onLogin }: { path: string | null; onLogin: () => void }) {
  if (path === null) return <NotFound path={location.pathname} />;
  if (path === "/" || path === "") return <NowPage />;
  if (path === "/map") return <MapPage />;
  if (path === "/world") return <WorldPage />;
  if (path === "/whatif") return <WhatIfPage />;
  if (path === "/status") return <StatusPage />;
  if (path === "/reports/sla") return <SlaPage />;
  if (path === "/login") return <LoginPage onLogin={onLogin} />;
  if (path.startsWith("/components/")) return <ComponentPage id={path.slice("/components/".length)} />;
  if (path.startsWith("/incidents/")) return <IncidentPage id={path.slice("/incidents/".length)} />;
  return <NotFound path={path} />;
}

function NotFound({ path }: { path: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <Link href="/">Go to Now</Link>.
      </p>
    </section>
  );
}

const NAV: [string, string][] = [
  ["/", "Now"],
  ["/map", "Map"],
  ["/world", "World"],
  ["/whatif", "What-if"],
  ["/reports/sla", "SLA"],
  ["/status", "Status page"],
];

function App() {
  const { path } = useLocation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [loggedIn, setLoggedIn] = useState(getToken() !== null);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const publicOnly = path === "/status";
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href={publicOnly ? "/status" : "/"} className="brand">
          Epicenter
        </Link>
        {publicOnly ? null : (
          <nav aria-label="Pages">
            {NAV.map(([href, label]) => (
              <a
                key={href}
                href={href}
                aria-current={path === href ? "page" : undefined}
                onClick={onLinkClick}
              >
                {label}
              </a>
            ))}
          </nav>
        )}
        <span className="spacer" />
        <button
          type="button"
          onClick={() => {
            const next = theme === "dark" ? "light" : "dark";
            localStorage.setItem("epicenter.theme", next);
            setTheme(next);
          }}
          aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}
        >
          {theme === "dark" ? "☀ Light" : "☾ Dark"}
        </button>
        {publicOnly ? null : loggedIn ? (
          <button
            type="button"
            onClick={() => {
              setLoggedIn(false);
              void logout().then(() => navigate("/login"));
            }}
          >
            Log out
          </button>
        ) : (
          <Link href="/login">Log in</Link>
        )}
      </header>
      <main id="main">
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <Page path={path} onLogin={() => setLoggedIn(true)} />
        </Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
