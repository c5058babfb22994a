/** `epicenter check TARGET` through run(argv, io): readable and --json output, exit statuses. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { captureIo } from "./capture-io.js";
import { close, closedPort, dnsServer, httpServer, listen } from "./probe-fixtures.js";

async function check(...argv: string[]) {
  const { io, out, err } = captureIo();
  const code = await run(["check", ...argv], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("epicenter check", () => {
  const server = httpServer((req, res) => (req.url === "/ok" ? res.end("ok") : res.writeHead(500).end()));
  let port = 0;
  let dns: { server: string; close: () => void };
  beforeAll(async () => {
    port = await listen(server);
    dns = await dnsServer({ "api.acme.test": { A: ["192.0.2.10"] } });
  });
  afterAll(async () => {
    dns.close();
    await close(server);
  });

  it("prints status and phases readably; exit 0 when up", async () => {
    const r = await check(`http://127.0.0.1:${port}/ok`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/ok: up \(HTTP 200\)\n {2}connect [\d.]+ ms {2}first byte [\d.]+ ms {2}total [\d.]+ ms$/,
    );
  });

  it("--json gives status, error class, latency and phases; exit 1 when down", async () => {
    const r = await check(`http://127.0.0.1:${port}/fail`, "--json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({
      status: "down",
      errorClass: "http-5xx",
      message: expect.stringContaining("HTTP 500"),
    });
    expect(typeof json.latencyMs).toBe("number");
    expect(json.phases.total).toBe(json.latencyMs);
    const up = JSON.parse((await check(`http://127.0.0.1:${port}/ok`, "--json")).out);
    expect(up).toMatchObject({ status: "up", errorClass: null });
  });

  it("a target refused by the guard is down with error class blocked", async () => {
    const r = await check("http://169.254.169.254/latest/meta-data/", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ status: "down", errorClass: "blocked" });
    const text = await check("tcp://[fd00:ec2::254]:80");
    expect(text.out).toMatch(
      /: down, blocked \(target refused by the probe policy: fd00:ec2::254 is AWS IPv6 instance metadata/,
    );
  });

  it("runs tcp, dns and tls targets", async () => {
    expect(JSON.parse((await check(`tcp://127.0.0.1:${port}`, "--json")).out)).toMatchObject({
      status: "up",
    });
    const refused = await check(`tcp://127.0.0.1:${await closedPort()}`, "--json");
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ errorClass: "connect-refused" });
    const dnsUp = await check(`dns://api.acme.test?type=A&server=${dns.server}`, "--json");
    expect(JSON.parse(dnsUp.out)).toMatchObject({ status: "up", message: "192.0.2.10" });
    const nx = await check(`dns://nope.acme.test?server=${dns.server}`, "--json");
    expect(JSON.parse(nx.out)).toMatchObject({
      status: "down",
      errorClass: "dns",
      message: expect.stringMatching(/^NXDOMAIN/),
    });
    const notTls = await check(`tls://127.0.0.1:${port}`, "--json", "--timeout", "2s");
    expect(JSON.parse(notTls.out)).toMatchObject({ status: "down", errorClass: "tls" });
  });

  it("exits 2 on bad usage", async () => {
    for (const argv of [
      [],
      ["ftp://x.example/"],
      ["not a url"],
      ["tcp://host-without-port"],
      ["http://a.example/", "--timeout", "soon"],
      ["dns://a.example?type=XX"],
    ]) {
      const r = await check(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(/^epicenter check: /);
    }
  });

  it("prints help", async () => {
    const r = await check("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("dns://NAME?type=A&server=HOST:PORT");
  });
});
