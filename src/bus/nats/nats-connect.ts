/**
 * Connecting to NATS: the URL, the credentials file, reconnect forever. Also the one mapping from a vantage
 * id to a subject token (observation subjects and key-value keys), so permissions can name it.
 */
import { readFileSync } from "node:fs";
import {
  type Authenticator,
  connect,
  credsAuthenticator,
  type NatsConnection,
  usernamePasswordAuthenticator,
} from "@nats-io/transport-node";
import { BusError } from "../bus-errors.js";

export interface NatsConnectOptions {
  /** `nats://host:4222` (several: comma-separated). User and password in the URL work but show in `ps`. */
  url: string;
  /**
   * A credentials file: a NATS `.creds` file (user JWT and NKey seed, from `nsc`), or a file whose first
   * line is `user:password`. Keep it readable by the agent only.
   */
  credentials?: string;
  /** Shown in the server's connection list (`epicenter agent probe/eu-west`). */
  name?: string;
  /**
   * Wait for the first connection instead of failing at once when the server is away (agents: true, so an
   * agent started during an outage keeps checking and spools).
   */
  waitOnFirstConnect?: boolean;
}

/** Opens a connection that reconnects forever (every second) after it was once established. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = options.url.split(",").map((s) => s.trim());
  const users: { user: string; pass: string }[] = [];
  for (const s of servers) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new BusError("E_BUS_URL", `bus URL "${s}" is not a URL; use nats://host:4222`);
    }
    if (url.protocol !== "nats:" && url.protocol !== "tls:")
      throw new BusError("E_BUS_URL", `bus URL "${s}" must start with nats:// (or tls://)`);
    if (url.username)
      users.push({ user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) });
  }
  const authenticator = options.credentials ? readCredentials(options.credentials) : undefined;
  const fromUrl = users[0];
  try {
    return await connect({
      servers,
      name: options.name ?? "epicenter",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      ...(authenticator ? { authenticator } : fromUrl ? { user: fromUrl.user, pass: fromUrl.pass } : {}),
    });
  } catch (error) {
    const text = String((error as Error).message ?? error);
    if (/authoriz|authenticat|permission/i.test(text))
      throw new BusError(
        "E_BUS_REFUSED",
        `the NATS server at ${options.url} refused our credentials (${text}); check --credentials`,
        { cause: error },
      );
    throw new BusError(
      "E_BUS_UNREACHABLE",
      `cannot reach the NATS server at ${options.url} (${text}); is nats-server running with -js?`,
      { cause: error },
    );
  }
}

/** A `.creds` file, or `user:password` on the first line. */
function readCredentials(file: string): Authenticator {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new BusError(
      "E_BUS_CREDENTIALS",
      `cannot read credentials file ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (text.includes("-----BEGIN NATS USER JWT-----"))
    return credsAuthenticator(new TextEncoder().encode(text));
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  const colon = line?.indexOf(":") ?? -1;
  if (!line || colon <= 0)
    throw new BusError(
      "E_BUS_CREDENTIALS",
      `credentials file ${file} is neither a NATS .creds file nor "user:password" on one line`,
    );
  return usernamePasswordAuthenticator(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
}

/**
 * A vantage id as one subject token and key-value key: characters other than letters, digits, `/`, `_`
 * and `-` become `=XX` (hex), so `probe/eu.west` is `probe/eu=2Ewest`. Injective, and legal in both.
 */
export function vantageToken(vantage: string): string {
  let token = "";
  for (const byte of new TextEncoder().encode(vantage)) {
    const c = String.fromCharCode(byte);
    token += /[A-Za-z0-9/_-]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return token;
}
