/**
 * What-if: pick components, see what would go down or degrade (your services first), and the concentration
 * ranking: which shared components and providers most of your services hang on, drawn as a bar chart of the
 * largest blast radii and a treemap of hosting shares over the tables that list them. The URL keeps the pick.
 */
import { useState } from "react";
import { api, type ComponentSpec, type Concentration, type WhatIfAnswer } from "./api.js";
import { BlastChart } from "./blast-chart.js";
import { HostingTreemap } from "./hosting-treemap.js";
import { componentPath, navigate, useLocation } from "./router.js";
import { Link, Problem, useLoad } from "./ui.js";

function IdList({ ids, observed }: { ids: string[]; observed: Set<string> }) {
  const mine = ids.filter((id) => observed.has(id));
  const rest = ids.filter((id) => !observed.has(id));
  return (
    <>
      {mine.length > 0 ? (
        <ul className="related">
          {mine.map((id) => (
            <li key={id}>
              <Link href={componentPath(id)}>{id}</Link>
            </li>
          ))}
        </ul>
      ) : null}
      {rest.length > 0 ? (
        <details>
          <summary>{rest.length} shared components (not monitored)</summary>
          <ul className="related">
            {rest.map((id) => (
              <li key={id}>
                <Link href={componentPath(id)}>{id}</Link>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

export function WhatIfPage() {
  const { search } = useLocation();
  const failed = search.getAll("failed");
  const [adding, setAdding] = useState("");
  const components = useLoad("components", () => api<{ components: ComponentSpec[] }>("/api/v1/components"));
  const conc = useLoad("concentration", () => api<Concentration>("/api/v1/concentration?limit=15"));
  const key = failed.join(",");
  const answer = useLoad(`whatif:${key}`, () =>
    failed.length === 0
      ? Promise.resolve(null)
      : api<WhatIfAnswer>("/api/v1/whatif", { method: "POST", body: { failed } }),
  );
  const known = new Set((components.data?.components ?? []).map((c) => c.id));
  const observed = new Set((components.data?.components ?? []).filter((c) => c.observed).map((c) => c.id));
  const go = (ids: string[]) =>
    navigate(
      `/whatif${ids.length ? `?${ids.map((id) => `failed=${encodeURIComponent(id)}`).join("&")}` : ""}`,
    );
  const add = (e: React.FormEvent) => {
    e.preventDefault();
    const id = adding.trim();
    if (!id || failed.includes(id)) return;
    setAdding("");
    go([...failed, id]);
  };
  const a = answer.data;
  return (
    <section aria-labelledby="whatif-title">
      <h1 id="whatif-title">What if…</h1>
      <form className="toolbar" onSubmit={add}>
        <label>
          Component{" "}
          <input
            list="component-ids"
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
            placeholder="aws/us-east-1"
          />
        </label>
        <datalist id="component-ids">
          {(components.data?.components ?? [])
            .filter((c) => c.kind !== "cloud-service" || adding.length > 2)
            .slice(0, 2000)
            .map((c) => (
              <option key={c.id} value={c.id} />
            ))}
        </datalist>
        <button
          type="submit"
          disabled={adding.trim() !== "" && components.data !== null && !known.has(adding.trim())}
        >
          Add
        </button>
      </form>
      {failed.length > 0 ? (
        <p className="chips">
          Failing:{" "}
          {failed.map((id) => (
            <button
              key={id}
              type="button"
              className="chip s-down"
              onClick={() => go(failed.filter((x) => x !== id))}
              aria-label={`Remove ${id}`}
            >
              {id} ✕
            </button>
          ))}
        </p>
      ) : (
        <p>Pick one or more components to see their blast radius.</p>
      )}
      <Problem error={answer.error} />
      {a ? (
        <div className="card" data-testid="whatif-answer">
          <h2>
            If {a.failed.join(" and ")} fail{a.failed.length === 1 ? "s" : ""}: {a.observedHit.length} of your
            services are hit
          </h2>
          <p>
            <strong>{a.down.length}</strong> components go down, <strong>{a.degraded.length}</strong> degrade.
          </p>
          <h3>Down ({a.down.length})</h3>
          <IdList ids={a.down} observed={observed} />
          <h3>Degraded ({a.degraded.length})</h3>
          <IdList ids={a.degraded} observed={observed} />
        </div>
      ) : null}
      <h2>Concentration</h2>
      <Problem error={conc.error} />
      {conc.data ? (
        <>
          <p>
            Of {conc.data.observed} monitored services, {conc.data.spofCount} shared components are single
            points of failure. Hosting concentration (HHI): {Math.round(conc.data.hosting.hhi)} of 10,000.
          </p>
          <div className="two">
            <BlastChart candidates={conc.data.candidates} />
            <HostingTreemap providers={conc.data.hosting.providers} hosted={conc.data.hosting.hosted} />
          </div>
          <div className="two">
            <table>
              <caption>Shared components your services hang on</caption>
              <thead>
                <tr>
                  <th scope="col">Component</th>
                  <th scope="col">Down</th>
                  <th scope="col">Degraded</th>
                </tr>
              </thead>
              <tbody>
                {conc.data.candidates.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link href={`/whatif?failed=${encodeURIComponent(c.id)}`}>{c.id}</Link>{" "}
                      <small>{c.kind}</small>
                    </td>
                    <td>{c.down}</td>
                    <td>{c.degraded}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <caption>Providers by share of hosting</caption>
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Share</th>
                  <th scope="col">Services</th>
                </tr>
              </thead>
              <tbody>
                {conc.data.hosting.providers.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link href={componentPath(p.id)}>{p.id}</Link>
                    </td>
                    <td>{Math.round(p.share * 100)}%</td>
                    <td>{p.observed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
