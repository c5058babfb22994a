/**
 * A model in which one site (LONE) depends on cloud/r1 through an edge the model lacks: when cloud/r1 fails
 * with its modelled sites and LONE at the same moment, the localizer suspects LONE of depending on it.
 */
import type { HubModel } from "../src/hub/embedded-hub.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Check } from "../src/probe/check-types.js";

export const SITES = ["shop/a", "shop/b", "shop/c", "shop/d", "shop/e", "shop/f"];
export const LONE = "blog/www";

const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});
const httpCheck = (component: string): Check => ({
  type: "http",
  id: `${component}#1`,
  component,
  intervalMs: 10_000,
  timeoutMs: 3000,
  vantages: [],
  confirm: 0,
  url: `http://127.0.0.1:1/${component}`,
  method: "GET",
  headers: {},
  expectStatus: [[200, 399]],
  followRedirects: true,
  maxRedirects: 5,
  tlsVerify: true,
});

export const suspectedModel: HubModel = {
  components: [
    comp("cloud/r1"),
    comp("cloud/r2"),
    ...SITES.map((s) => comp(s, ["cloud/r1"], true)),
    comp(LONE, ["cloud/r2"], true),
  ],
  vantages: ["vantage/x", "vantage/y"],
  checks: [...SITES, LONE].map(httpCheck),
};
