/**
 * `epicenter import`: an Uptime Kuma backup and a Gatus config, written from those projects' documented
 * formats (test/fixtures), become an epicenter.yaml that loads; what cannot come over is listed on stderr and
 * in the file's comments; broken input is refused with its file and line. Properties: any monitor list
 * converts to a config that validates, and every monitor is either a component or listed as not imported.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { type Config, configFromSource } from "../src/config/config-load.js";
import { importGatus } from "../src/import/gatus-import.js";
import { renderImport } from "../src/import/import-plan.js";
import { importUptimeKuma } from "../src/import/uptime-kuma-import.js";
import { parseYamlSource } from "../src/model/yaml-source.js";
import { captureIo } from "./capture-io.js";

const KUMA = join(import.meta.dirname, "fixtures", "uptime-kuma-backup.json");
const GATUS = join(import.meta.dirname, "fixtures", "gatus-config.yaml");

async function imported(tool: string, file: string, env: Record<string, string> = {}) {
  const { io, out, err } = captureIo(process.cwd(), env);
  const code = await run(["import", tool, file], io);
  const text = out.join("\n");
  return { code, text, err, config: code === 0 ? load(text, env) : undefined };
}

function load(text: string, env: Record<string, string> = {}): Config {
  return configFromSource(parseYamlSource("epicenter.yaml", text), { env });
}

const check = (config: Config, id: string) => config.checks.find((c) => c.id === id);

describe("epicenter import uptime-kuma", () => {
  it("turns http, keyword, json-query, port, dns, push and group monitors into components and checks", async () => {
    const { code, config, text } = await imported("uptime-kuma", KUMA);
    expect(code).toBe(0);
    const user = config!.model.components.slice(0, config!.userComponents);
    expect(user.map((c) => c.id)).toEqual([
      "shop-front",
      "checkout-api",
      "status-json",
      "postgres-port",
      "acme.example-mx",
      "nightly-backup",
      "storefront",
      "aws-monitor", // "AWS" would have replaced the catalog's provider
    ]);
    expect(check(config!, "shop-front#1")).toMatchObject({
      type: "http",
      url: "https://shop.acme.example/",
      intervalMs: 60_000,
      timeoutMs: 48_000,
      headers: { Accept: "text/html", "X-Probe": "kuma" },
      expectStatus: [[200, 299]],
      maxRedirects: 10,
      tlsVerify: true,
    });
    expect(check(config!, "checkout-api#1")).toMatchObject({
      method: "POST",
      body: '{"ping":true}',
      bodyContains: '"status":"ok"',
      expectStatus: [
        [200, 299],
        [304, 304],
      ],
      followRedirects: false,
      tlsVerify: false,
      intervalMs: 30_000,
      timeoutMs: 24_000,
    });
    expect(check(config!, "status-json#1")).toMatchObject({
      jsonPath: { path: "database.healthy", equals: true },
    });
    expect(check(config!, "postgres-port#1")).toMatchObject({
      type: "tcp",
      host: "db.acme.example",
      port: 5432,
    });
    expect(check(config!, "acme.example-mx#1")).toMatchObject({
      type: "dns",
      name: "acme.example",
      recordType: "MX",
      server: "9.9.9.9:53",
    });
    expect(check(config!, "nightly-backup#1")).toMatchObject({
      type: "heartbeat",
      token: "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56",
      intervalMs: 86_400_000,
    });
    // A Kuma group is down when a member is: a component that requires its members.
    const group = user.find((c) => c.id === "storefront")!;
    expect(group.kind).toBe("group");
    expect(group.requires.map((r) => (r.type === "hard" ? r.id : r.type))).toEqual([
      "shop-front",
      "checkout-api",
    ]);
    expect(check(config!, "aws-monitor#1")).toMatchObject({ intervalMs: 300_000, timeoutMs: 300_000 });
    expect(text).toContain("# tags: production, team:payments");
    expect(text).toContain("# timeout 400s cut to 300s (at most the interval)");
  });

  it("lists what it did not import on stderr and in the file, with the reason", async () => {
    const { text, err } = await imported("uptime-kuma", KUMA);
    const expected = [
      '"Office router" (ping): Epicenter has no ICMP ping check',
      '"Orders DB" (postgres): Epicenter has no database checks',
      '"Old blog" (http): paused in Uptime Kuma',
      '"Maintenance page gone" (http): upside down mode',
    ];
    for (const line of expected) {
      expect(err.some((l) => l.startsWith(`not imported: ${line}`))).toBe(true);
      expect(text).toContain(`#   - ${line}`);
    }
    expect(text).toContain("# Not imported (4):");
    expect(err).toContain(
      "1 notification channel not imported: declare them under notifications: (README, Notifications)",
    );
    expect(err.at(-1)).toBe("8 imported, 4 not imported");
  });

  it("writes --out atomically, and epicenter validate accepts the file; an existing file needs --force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-import-"));
    const first = captureIo(dir);
    expect(await run(["import", "uptime-kuma", KUMA, "--out", "epicenter.yaml"], first.io)).toBe(0);
    expect(first.out).toEqual([]);
    expect(first.err.at(-1)).toBe(
      "epicenter.yaml: 8 imported, 4 not imported; check it with: epicenter validate epicenter.yaml",
    );
    const validate = captureIo(dir);
    expect(await run(["validate", "epicenter.yaml"], validate.io)).toBe(0);
    expect(validate.out[0]).toMatch(/^epicenter\.yaml: ok \(config: 8 components/);
    const again = captureIo(dir);
    expect(await run(["import", "gatus", GATUS, "--out", "epicenter.yaml"], again.io)).toBe(2);
    expect(again.err.join("\n")).toContain("epicenter.yaml exists; give --force");
    expect(await run(["import", "gatus", GATUS, "--out", "epicenter.yaml", "--force"], again.io)).toBe(0);
    expect(readFileSync(join(dir, "epicenter.yaml"), "utf8")).toContain("Imported from a Gatus config");
  });

  it("refuses malformed JSON with the file and line, and a file that is not a backup, with exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-import-"));
    writeFileSync(
      join(dir, "broken.json"),
      '{\n  "version": "1.23.16",\n  "monitorList": [\n    {"id": 1,, "name": "x"}\n  ]\n}\n',
    );
    writeFileSync(join(dir, "other.json"), '{"version": "1.23.16", "monitorList": {"id": 1}}\n');
    writeFileSync(join(dir, "list.json"), '[{"id": 1}]\n');
    const broken = captureIo(dir);
    expect(await run(["import", "uptime-kuma", "broken.json"], broken.io)).toBe(1);
    expect(broken.err.join("\n")).toMatch(/^broken\.json:4: .*YAML syntax/m);
    const other = captureIo(dir);
    expect(await run(["import", "uptime-kuma", "other.json"], other.io)).toBe(1);
    expect(other.err.join("\n")).toMatch(
      /^other\.json:1 monitorList: monitorList must be a list of monitors/m,
    );
    const list = captureIo(dir);
    expect(await run(["import", "uptime-kuma", "list.json"], list.io)).toBe(1);
    expect(list.err.join("\n")).toContain("an Uptime Kuma backup is a JSON object with a monitorList");
    const missing = captureIo(dir);
    expect(await run(["import", "uptime-kuma", "nope.json"], missing.io)).toBe(1);
    expect(missing.err.join("\n")).toContain("cannot read: file not found");
    const usage = captureIo(dir);
    expect(await run(["import", "nagios", "x.cfg"], usage.io)).toBe(2);
    expect(usage.err.join("\n")).toContain('unknown tool "nagios"; use uptime-kuma or gatus');
  });
});

describe("epicenter import gatus", () => {
  it("maps urls, intervals, client options and conditions to checks and expectations", async () => {
    const { code, config, text } = await imported("gatus", GATUS, { API_TOKEN: "t0ken" });
    expect(code).toBe(0);
    const user = config!.model.components.slice(0, config!.userComponents);
    expect(user.map((c) => c.id)).toEqual([
      "front-end",
      "back-end",
      "example-dns-query",
      "redis",
      "nightly-backup",
    ]);
    expect(check(config!, "front-end#1")).toMatchObject({
      type: "http",
      intervalMs: 300_000,
      expectStatus: [[200, 200]],
      jsonPath: { path: "status", equals: "UP" },
      degradedOverMs: 150,
    });
    expect(check(config!, "back-end#1")).toMatchObject({
      method: "POST",
      body: '{"query": "ping"}',
      headers: { "Content-Type": "application/json", Authorization: "Bearer t0ken" },
      tlsVerify: false,
      timeoutMs: 20_000,
      expectStatus: [
        [200, 200],
        [201, 201],
      ],
      bodyContains: "pong",
    });
    // [CERTIFICATE_EXPIRATION] > 48h: a tls check on the same host, degraded under two days.
    expect(check(config!, "back-end#2")).toMatchObject({
      type: "tls",
      host: "api.twin.example",
      port: 443,
      degradedUnderDays: 2,
    });
    expect(check(config!, "example-dns-query#1")).toMatchObject({
      type: "dns",
      name: "example.com",
      recordType: "A",
      server: "8.8.8.8:53",
      expect: { contains: "93.184.216.34" },
    });
    expect(check(config!, "redis#1")).toMatchObject({
      type: "tcp",
      host: "redis.internal.example",
      port: 6379,
    });
    expect(check(config!, "nightly-backup#1")).toMatchObject({ type: "heartbeat", intervalMs: 86_400_000 });
    expect(text).toContain("# group: core");
    expect(text).toContain("# condition not imported: len([BODY].items) > 0");
    expect(text).toContain("# [RESPONSE_TIME] < 150: slower is degraded here, not down");
  });

  it("lists endpoints it has no check for, disabled ones, and conditions left behind", async () => {
    const { text, err } = await imported("gatus", GATUS, { API_TOKEN: "t0ken" });
    for (const line of [
      '"icmp-ping" (endpoint): Epicenter has no ICMP ping check',
      '"old-site" (endpoint): disabled in Gatus (enabled: false)',
      '"ssh-gateway" (endpoint): Epicenter has no check for ssh:// endpoints',
    ]) {
      expect(err.some((l) => l.startsWith(`not imported: ${line}`))).toBe(true);
      expect(text).toContain(`#   - ${line}`);
    }
    expect(err).toContain("back-end: condition not imported: len([BODY].items) > 0");
    expect(err).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${NAME} syntax is what is tested
      "back-end: header Authorization reads ${API_TOKEN}: set API_TOKEN in the hub's environment",
    );
    expect(err.at(-1)).toBe("5 imported, 3 not imported");
  });

  it("refuses malformed YAML with the file and line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-import-"));
    writeFileSync(join(dir, "config.yaml"), "endpoints:\n  - name: a\n    url: [unclosed\n");
    writeFileSync(join(dir, "scalar.yaml"), "endpoints: 3\n");
    const broken = captureIo(dir);
    expect(await run(["import", "gatus", "config.yaml"], broken.io)).toBe(1);
    expect(broken.err.join("\n")).toMatch(/^config\.yaml:\d+: .*YAML syntax/m);
    const scalar = captureIo(dir);
    expect(await run(["import", "gatus", "scalar.yaml"], scalar.io)).toBe(1);
    expect(scalar.err.join("\n")).toMatch(/^scalar\.yaml:1 endpoints: endpoints must be a list/m);
  });
});

const anyText = fc.oneof(
  fc.string({ maxLength: 30 }),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${NAME} syntax is what is tested
  fc.constantFrom("", " ", "AWS", "hub", "a/b", "${HOME}", "Ünïcødé", "x".repeat(100)),
);
const anyNumber = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, 20, 60, 1e300),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const kumaMonitor = fc.record(
  {
    id: fc.integer({ min: 1, max: 50 }),
    name: anyText,
    type: fc.constantFrom(
      "http",
      "keyword",
      "json-query",
      "port",
      "dns",
      "push",
      "group",
      "ping",
      "docker",
      "mqtt",
      "weird",
    ),
    url: fc.oneof(anyText, fc.webUrl(), fc.constantFrom("https://a.example/x", "ftp://a.example")),
    method: fc.oneof(fc.constantFrom("GET", "post", "DELETE"), anyText),
    hostname: fc.oneof(fc.domain(), anyText, fc.constantFrom("::1", "192.0.2.1")),
    port: maybe(anyNumber),
    active: fc.oneof(fc.boolean(), fc.constantFrom(0, 1)),
    interval: maybe(anyNumber),
    timeout: maybe(anyNumber),
    keyword: maybe(anyText),
    invertKeyword: fc.boolean(),
    upsideDown: fc.boolean(),
    maxredirects: maybe(anyNumber),
    accepted_statuscodes: maybe(
      fc.array(fc.oneof(fc.constantFrom("200-299", "300-399", "404"), anyText), { maxLength: 3 }),
    ),
    ignoreTls: fc.boolean(),
    dns_resolve_type: fc.constantFrom("A", "AAAA", "MX", "CAA", "SRV", "TXT"),
    dns_resolve_server: maybe(fc.oneof(fc.ipV4(), fc.ipV6(), anyText)),
    pushToken: maybe(fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{32}$/), anyText)),
    jsonPath: maybe(fc.oneof(fc.constantFrom("$.status", "data[0].ok", "$count(items)"), anyText)),
    expectedValue: maybe(anyText),
    headers: maybe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${NAME} syntax is what is tested
      fc.oneof(fc.json(), anyText, fc.constant('{"X-A": "1", "Bad Name": "2", "X-E": "${SECRET}"}')),
    ),
    body: maybe(anyText),
    parent: maybe(fc.integer({ min: 1, max: 50 })),
    tags: maybe(fc.array(fc.record({ name: anyText, value: anyText }), { maxLength: 2 })),
  },
  { requiredKeys: ["id", "type"] },
);

const gatusEndpoint = fc.record(
  {
    name: anyText,
    group: maybe(anyText),
    url: fc.oneof(
      fc.webUrl(),
      anyText,
      fc.constantFrom(
        "tcp://db.example:5432",
        "tls://a.example:443",
        "icmp://a.example",
        "udp://a.example:53",
        "8.8.8.8",
        "tcp://nope",
      ),
    ),
    interval: maybe(fc.oneof(fc.constantFrom("30s", "5m", "1h30m", "500ms", "0s", "9999999h"), anyText)),
    method: maybe(fc.oneof(fc.constantFrom("GET", "POST"), anyText)),
    enabled: maybe(fc.boolean()),
    headers: maybe(fc.dictionary(anyText, fc.oneof(anyText, fc.integer()), { maxKeys: 3 })),
    client: maybe(
      fc.record({ timeout: maybe(fc.constantFrom("10s", "1h", "x")), insecure: maybe(fc.boolean()) }),
    ),
    dns: maybe(fc.record({ "query-name": anyText, "query-type": fc.constantFrom("A", "AAAA", "MX", "PTR") })),
    conditions: maybe(
      fc.array(
        fc.oneof(
          fc.constantFrom(
            "[STATUS] == 200",
            "[STATUS] < 300",
            "[STATUS] > 599",
            "[STATUS] == any(200, 404)",
            "[STATUS] == any(1, 2)",
            "[BODY].status == UP",
            "[BODY].data[0].n == 3",
            "[BODY] == pat(*ok*)",
            "[BODY] == pat(a*b)",
            "[RESPONSE_TIME] < 150",
            "[CERTIFICATE_EXPIRATION] > 48h",
            "[CONNECTED] == true",
            "[DNS_RCODE] == NOERROR",
            "len([BODY].items) > 0",
          ),
          anyText,
        ),
        { maxLength: 5 },
      ),
    ),
  },
  { requiredKeys: ["url"] },
);

/** Every `${NAME}` the file reads, set: the property is about the file's shape, not about an environment. */
function envFor(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/\$\{([A-Za-z_]\w*)\}/g)].map((m) => [m[1]!, "x"]));
}

describe("import properties", () => {
  test.prop([fc.array(kumaMonitor, { maxLength: 12 })], { numRuns: 150 })(
    "any Uptime Kuma monitor list converts to a config that validates, and no monitor disappears unlisted",
    (monitors) => {
      const text = JSON.stringify({ version: "1.23.0", monitorList: monitors });
      const plan = importUptimeKuma(parseYamlSource("backup.json", text));
      const yaml = renderImport(plan);
      const config = load(yaml, envFor(yaml));
      expect(config.userComponents).toBe(plan.components.length);
      expect(plan.components.length + plan.notImported.length).toBe(monitors.length);
    },
  );

  test.prop([fc.array(gatusEndpoint, { maxLength: 10 })], { numRuns: 150 })(
    "any Gatus endpoint list converts to a config that validates, and no endpoint disappears unlisted",
    (endpoints) => {
      const text = JSON.stringify({ endpoints });
      const plan = importGatus(parseYamlSource("config.yaml", text));
      const yaml = renderImport(plan);
      const config = load(yaml, envFor(yaml));
      expect(config.userComponents).toBe(plan.components.length);
      expect(plan.components.length + plan.notImported.length).toBe(endpoints.length);
    },
  );
});
