/** `epicenter check --statuspage URL` through run(argv, io): what a real captured feed says, readable and --json. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { captureIo } from "./capture-io.js";
import { close, httpServer, listen } from "./probe-fixtures.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

const snapshot = "aws-health/2021-12-07/2021-12-07T23-39-40Z.data.json.gz";
const missing = realDataMissing(snapshot);

async function check(...argv: string[]) {
  const { io, out, err } = captureIo();
  const code = await run(["check", ...argv], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe.skipIf(missing !== null)(
  `epicenter check --statuspage${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    const aws = missing ? "" : gunzipSync(readFileSync(SHARED_REAL_DATA + snapshot)).toString("utf8");
    const server = httpServer((req, res) => {
      if (req.url === "/data.json") return res.setHeader("content-type", "application/json").end(aws);
      if (req.url === "/html") return res.end("<html>maintenance</html>");
      res.writeHead(404).end();
    });
    let base = "";
    beforeAll(async () => {
      base = `http://127.0.0.1:${await listen(server)}`;
    });
    afterAll(() => close(server));

    it("--json gives the format, each service with its catalog id, and the incidents with their times", async () => {
      const r = await check("--statuspage", `${base}/data.json`, "--json");
      expect(r.code).toBe(0);
      const view = JSON.parse(r.out);
      expect(view.format).toBe("aws-health");
      // AWS's 23:39:40Z data.json: ec2 resolved, dynamodb still degraded, management-console not in the catalog.
      expect(view.components).toEqual(
        expect.arrayContaining([
          { name: "ec2-us-east-1", id: "aws/us-east-1/ec2", status: "up" },
          { name: "dynamodb-us-east-1", id: "aws/us-east-1/dynamodb", status: "degraded" },
          { name: "apigateway-us-east-1", id: "aws/us-east-1/api-gateway", status: "degraded" },
          { name: "management-console", id: null, status: "degraded" },
        ]),
      );
      expect(view.components).toHaveLength(8);
      // Its last update is stamped " 3:31 PM PST"; its text quotes "Between 7:32 AM and 3:10 PM PST", no stamp.
      expect(view.incidents).toContainEqual({
        title: "[RESOLVED] Increased API Error Rates",
        status: "resolved",
        impact: "none",
        components: ["ec2-us-east-1"],
        updatedAt: "2021-12-07T23:31:00.000Z",
      });
    });

    it("prints a readable table of components and incidents", async () => {
      const r = await check("--statuspage", `${base}/data.json`, "--format", "aws-health");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/: aws-health, 8 components, 8 incidents/);
      expect(r.out).toMatch(/ec2-us-east-1\s+up\s+aws\/us-east-1\/ec2/);
      expect(r.out).toMatch(/management-console\s+degraded\s+-/);
    });

    it("refuses cloud metadata through the target guard, says why a body is no feed, and checks its usage", async () => {
      const metadata = await check("--statuspage", "http://169.254.169.254/latest/meta-data/", "--json");
      expect(metadata).toMatchObject({ code: 1, out: "" });
      expect(metadata.err).toMatch(/status feed not read \(blocked: /);
      const html = await check("--statuspage", `${base}/html`);
      expect(html.code).toBe(1);
      expect(html.err).toMatch(
        /status feed not read \(protocol: not an RSS or Atom feed \(root element html\)\)/,
      );
      expect((await check("--statuspage", `${base}/data.json`, "--format", "xml")).code).toBe(2);
      expect((await check("--statuspage", "ftp://x.example/")).code).toBe(2);
      expect((await check("--format", "rss", "https://x.example/")).code).toBe(2);
    });
  },
);
