/** Checks as non-admins see them: credentials in URL user info and in secret-named query parameters are hidden. */
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import type { Check } from "../src/probe/check-types.js";
import { redactCheck } from "../src/server/api-render.js";

const httpCheck = (url: string): Check => ({
  id: "acme/api#1",
  component: "acme/api",
  type: "http",
  url,
  method: "GET",
  headers: {},
  expectStatus: [[200, 399]],
  followRedirects: false,
  maxRedirects: 0,
  tlsVerify: true,
  intervalMs: 30_000,
  timeoutMs: 5_000,
  vantages: [],
  confirm: 0,
});

const secretName = fc.constantFrom(
  "api_key",
  "apiKey",
  "token",
  "key",
  "secret",
  "password",
  "X-Api-Key",
  "sig",
);

test.prop([secretName, fc.stringMatching(/^[A-Za-z0-9]{8,20}$/), fc.boolean()])(
  "hides every secret-named query value, whatever its place",
  (name, value, first) => {
    const secret = `zq${value}`;
    const query = first ? `${name}=${secret}&page=main` : `page=main&${name}=${secret}`;
    const shown = redactCheck(httpCheck(`https://status.acme.example/api?${query}`));
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect(shown.type === "http" && new URL(shown.url).searchParams.get("page")).toBe("main");
  },
);
