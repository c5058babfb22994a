/** checks: and probes: in epicenter.yaml: defaults, normalisation, and errors with file, line and key path. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { loadConfigFile, parseConfig } from "../src/config/config-load.js";
import { SourceError } from "../src/model/model-errors.js";
import { parseScenario } from "../src/simulate/scenario-load.js";
import { captureIo } from "./capture-io.js";

const yaml = (checks: string, extra = "") => `catalog: false
vantages: [probe/a, probe/b]
${extra}components:
  - id: acme/api
    checks:
${checks}
  - id: saas/vendor
  - id: saas/vendor/api
`;

function errors(text: string): string[] {
  try {
    parseConfig("epicenter.yaml", text);
  } catch (error) {
    if (error instanceof SourceError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("checks in epicenter.yaml", () => {
  it("normalises every type with defaults and ids", () => {
    const config = parseConfig(
      "epicenter.yaml",
      yaml(`      - http: https://api.acme.example/health
        expect: { status: "200-299,304", bodyContains: ok, json: { path: data.ok, equals: true } }
        degradedOver: 2s
      - tcp: db.acme.example:5432
        interval: 1m
        expect: { banner: "SSH-" }
        vantages: [probe/b]
      - dns: acme.example
        type: MX
        server: "[::1]:5353"
        expect: { contains: mx1 }
      - tls: acme.example
        degradedUnder: 21d
      - heartbeat: { token: 0123456789abcdef0123 }
        interval: 1h
        id: nightly
      - statuspage: https://status.vendor.example/api/v2/summary.json
        components: { API: saas/vendor/api }
      - statuspage: https://status.vendor.example/history.atom
        interval: 5s`),
    );
    expect(config.checks.map((c) => c.id)).toEqual([
      "acme/api#1",
      "acme/api#2",
      "acme/api#3",
      "acme/api#4",
      "nightly",
      "acme/api#6",
      "acme/api#7",
    ]);
    const [http, tcp, dns, tls, heartbeat, page, feed] = config.checks;
    expect(http).toMatchObject({
      type: "http",
      component: "acme/api",
      intervalMs: 30_000,
      timeoutMs: 10_000,
      confirm: 1,
      vantages: [],
      method: "GET",
      expectStatus: [
        [200, 299],
        [304, 304],
      ],
      bodyContains: "ok",
      jsonPath: { path: "data.ok", equals: true },
      degradedOverMs: 2000,
      followRedirects: true,
      maxRedirects: 5,
      tlsVerify: true,
    });
    expect(tcp).toMatchObject({
      host: "db.acme.example",
      port: 5432,
      expectBanner: "SSH-",
      intervalMs: 60_000,
      vantages: ["probe/b"],
    });
    expect(dns).toMatchObject({
      name: "acme.example",
      recordType: "MX",
      server: "[::1]:5353",
      expect: { contains: "mx1" },
    });
    expect(tls).toMatchObject({ host: "acme.example", port: 443, degradedUnderDays: 21 });
    expect(heartbeat).toMatchObject({ type: "heartbeat", intervalMs: 3_600_000, graceMs: 60_000 });
    // The format is read from the body when the check does not name it (issue 15: format auto by default).
    expect(page).toMatchObject({ format: "auto", components: { API: "saas/vendor/api" } });
    expect(feed).toMatchObject({ format: "auto", intervalMs: 5000, timeoutMs: 5000 });
    expect(config.model.components.find((c) => c.id === "acme/api")?.observed).toBe(true);
    expect(config.probes).toEqual({ deny: [], allow: [], ca: [] });
  });

  it("resolves environment references in header values, and names an unset one", () => {
    const unset = yaml(
      `      - http: https://a.example/\n        headers: { authorization: "Bearer \${EPICENTER_TEST_TOKEN}" }`,
    );
    expect(errors(unset)).toEqual([
      "epicenter.yaml:7 components[0].checks[0].headers.authorization: environment variable EPICENTER_TEST_TOKEN is not set",
    ]);
    const config = parseConfig(
      "e.yaml",
      yaml(
        `      - http: https://a.example/\n        headers: { authorization: "Bearer \${EPICENTER_TEST_TOKEN}" }`,
      ),
      { env: { EPICENTER_TEST_TOKEN: "s3cret" } },
    );
    expect(config.checks[0]).toMatchObject({ headers: { authorization: "Bearer s3cret" } });
  });

  it("reports errors with line and key path, with did-you-mean hints", () => {
    const text = yaml(`      - http: https://api.acme.example/health
        degradedover: 2s
      - htpp: https://typo.example/
      - tcp: no-port.example
      - dns: acme.example
        type: AA
      - http: ftp://files.example/
        expect: { status: "200-700" }
      - heartbeat: { token: short }`);
    const lines = errors(text);
    expect(lines).toContain(
      'epicenter.yaml:7 components[0].checks[0].degradedover: unknown key "degradedover" for a http check; did you mean "degradedOver"?',
    );
    expect(lines).toContain(
      'epicenter.yaml:8 components[0].checks[1].htpp: a check needs one of http, tcp, dns, tls, heartbeat, statuspage; did you mean "http" instead of "htpp"?',
    );
    expect(lines.find((l) => l.includes("checks[2].tcp"))).toMatch(/^epicenter.yaml:9 .*must be host:port/);
    expect(lines.find((l) => l.includes("checks[3].type"))).toMatch(/^epicenter.yaml:11 /);
    expect(lines.find((l) => l.includes("checks[4].http"))).toMatch(
      /^epicenter.yaml:12 .*http:\/\/ or https:\/\//,
    );
    expect(lines.find((l) => l.includes("checks[4].expect.status"))).toMatch(/^epicenter.yaml:13 /);
    expect(lines.find((l) => l.includes("checks[5].heartbeat.token"))).toMatch(/openssl rand -hex 16/);
    // Rules across checks are reported once the shapes are right.
    const later = errors(
      yaml(`      - tls: acme.example:443
        interval: 10s
        timeout: 20s
      - statuspage: https://status.vendor.example/api/v2/summary.json
        components: { API: saas/vendor/apl }
        vantages: [probe/c]
      - id: a
        http: https://a.example/
      - id: a
        tcp: a.example:1`),
    );
    expect(later).toEqual([
      "epicenter.yaml:8 components[0].checks[0].timeout: timeout 20000ms is longer than the interval 10000ms",
      'epicenter.yaml:11 components[0].checks[1].vantages[0]: unknown vantage "probe/c"; did you mean "probe/a"?',
      'epicenter.yaml:10 components[0].checks[1].components.API: unknown component "saas/vendor/apl"; did you mean "saas/vendor/api"?',
      'epicenter.yaml:14 components[0].checks[3].id: duplicate check id "a" (also check 3)',
    ]);
  });

  it("reads probes: deny, allow, ca (PEM files relative to the config)", () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-config-"));
    writeFileSync(join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const file = join(dir, "epicenter.yaml");
    const config = parseConfig(
      file,
      `probes: { deny: [private, loopback], allow: [10.1.0.0/16], ca: [ca.pem] }\ncomponents: []\n`,
    );
    expect(config.probes).toMatchObject({ deny: ["private", "loopback"], allow: ["10.1.0.0/16"] });
    expect(config.probes.ca[0]).toContain("BEGIN CERTIFICATE");
    expect(errors("probes: { deny: [privat], allow: [10.1.0.0/33] }\n")).toEqual([
      expect.stringMatching(/^epicenter.yaml:1 probes.deny\[0\]: /),
      expect.stringMatching(/^epicenter.yaml:1 probes.allow\[0\]: must be a CIDR/),
    ]);
    expect(errors("probes: { ca: [missing.pem] }\n")[0]).toMatch(
      /probes.ca\[0\]: cannot read missing.pem: ENOENT/,
    );
  });

  it("http checks connect afresh each run unless reuse: true (on the check or probes.reuse)", () => {
    const checks = `      - http: https://a.acme.example/
      - http: https://b.acme.example/
        reuse: true
      - http: https://c.acme.example/
        reuse: false
`;
    const fresh = parseConfig("epicenter.yaml", yaml(checks)).checks;
    expect(fresh.map((c) => c.type === "http" && c.reuse)).toEqual([undefined, true, undefined]);
    const pooled = parseConfig("epicenter.yaml", yaml(checks, "probes: { reuse: true }\n")).checks;
    // A check's own `reuse: false` wins over probes.reuse.
    expect(pooled.map((c) => c.type === "http" && c.reuse)).toEqual([true, true, undefined]);
    expect(errors(yaml(`      - http: https://a.acme.example/\n        reuse: yes please\n`))).toEqual([
      expect.stringMatching(/^epicenter.yaml:\d+ components\[0\].checks\[0\].reuse: /),
    ]);
  });

  it("scenarios keep rejecting checks on components", () => {
    const scenario = `name: s\nseed: 1\nduration: 1m\ncomponents:\n  - id: a\n    checks: [{ tcp: "a:1" }]\nvantages: [{ id: v }]\n`;
    expect(() => parseScenario("s.yaml", scenario)).toThrow(/unknown key "checks"/);
  });

  it("epicenter schema describes checks and probes", async () => {
    const { io, out } = captureIo();
    expect(await run(["schema"], io)).toBe(0);
    const schema = JSON.parse(out.join("\n"));
    const component = schema.properties.components.items;
    expect(component.properties.checks.items.anyOf.map((b: { required: string[] }) => b.required[0])).toEqual(
      ["http", "tcp", "dns", "tls", "heartbeat", "statuspage"],
    );
    expect(schema.properties.probes.properties.deny.items.enum).toEqual(["private", "loopback"]);
  });
});

describe("probes.anchors", () => {
  it("reads each anchor as a check the agent runs for its own health", () => {
    const config = parseConfig(
      "epicenter.yaml",
      "probes:\n  anchors: [https://one.example/, tcp://192.0.2.1:443]\ncomponents: []\n",
    );
    expect(config.anchors.map((a) => [a.id, a.type, a.intervalMs])).toEqual([
      ["anchor#1", "http", 30_000],
      ["anchor#2", "tcp", 30_000],
    ]);
  });

  it("names the file, line and anchor that is not a target", () => {
    expect(() =>
      parseConfig(
        "epicenter.yaml",
        "probes:\n  anchors:\n    - https://ok.example/\n    - ftp://nope\ncomponents: []\n",
      ),
    ).toThrow(/epicenter\.yaml:4 probes\.anchors\[1\]: unsupported scheme "ftp:"/);
  });
});

describe("examples/watch-vendors.yaml", () => {
  it("loads: real checks and status pages on catalog vendors, anchors, reads open", () => {
    const file = fileURLToPath(new URL("../examples/watch-vendors.yaml", import.meta.url));
    const config = loadConfigFile(file);
    expect(config.checks.map((c) => c.type).sort()).toEqual([
      "dns",
      "http",
      "http",
      "http",
      "http",
      "http",
      "statuspage",
      "statuspage",
      "tls",
    ]);
    expect(config.anchors).toHaveLength(3);
    expect(config.server.anonymousRead).toBe(true);
    const dns = config.model.components.find((c) => c.id === "cloudflare/dns");
    expect(dns).toMatchObject({
      kind: "dns",
      observed: true,
      requires: [{ type: "hard", id: "cloudflare" }],
    });
  });
});
