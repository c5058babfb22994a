/**
 * The dashboard's one way to the hub: JSON over fetch with the session's API token as a Bearer header, and the
 * live stream (EventSource cannot send headers, so the token goes in ?access_token=, which only the stream accepts).
 * The token lives in sessionStorage: it goes when the tab closes.
 */

const TOKEN_KEY = "epicenter.token";
/** Set when the token is a session from a password login, which logout revokes on the hub. */
const SESSION_KEY = "epicenter.session";

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps `token` for this tab; `session`: it came from POST /api/v1/login (not a pasted API token). */
export function setToken(token: string | null, session = false): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  if (token && session) sessionStorage.setItem(SESSION_KEY, "1");
  else sessionStorage.removeItem(SESSION_KEY);
}

/**
 * Forgets the token; a password session is also revoked on the hub (POST /api/v1/logout). A pasted API token
 * is only forgotten here: it may be an agent's or the first admin's, which logging out of a tab must not kill.
 */
export async function logout(): Promise<void> {
  const token = getToken();
  const session = sessionStorage.getItem(SESSION_KEY) === "1";
  setToken(null);
  if (token && session) await api("/api/v1/logout", { method: "POST", token }).catch(() => {});
}

/** An API answer other than 2xx, with the API's error message. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<T> {
  const token = init.token === undefined ? getToken() : init.token;
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {}
    throw new ApiFailure(res.status, message);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Subscribes to the hub's live events; returns the close function. EventSource reconnects by itself. */
export function openStream(onEvent: (type: string, data: unknown) => void): () => void {
  const token = getToken();
  const source = new EventSource(
    `/api/v1/stream${token ? `?access_token=${encodeURIComponent(token)}` : ""}`,
  );
  for (const type of ["incident", "state", "config"])
    source.addEventListener(type, (e) => onEvent(type, JSON.parse((e as MessageEvent<string>).data)));
  return () => source.close();
}

export type Status = "up" | "degraded" | "partial" | "down" | "unknown";

export interface Ranked {
  component: string;
  confidence: number;
}

export interface Incident {
  id: string;
  openedAt: string;
  resolvedAt: string | null;
  epicenter: Ranked[];
  affected: string[];
  /** Affected components with no path to the cause in the model: probably through a dependency it lacks. */
  suspected?: string[];
  vantage: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  updatedAt: string;
  history?: { at: string; epicenter: Ranked[] }[];
  servicesHit?: number;
}

/** A dependency the model probably lacks (GET /api/v1/suspected-dependencies). */
export interface SuspectedDependency {
  component: string;
  cause: string;
  incidents: string[];
  onsets: number;
  recoveries: number;
  score: number;
  firstSeen: string;
  lastSeen: string;
}

export interface VantageState {
  vantage: string;
  status: "up" | "degraded" | "down";
  at: string;
  errorClass: string | null;
}

export interface ServiceRow {
  id: string;
  name: string | null;
  status: Status;
  belief: "up" | "failing" | "affected";
  incidentId: string | null;
  observed: VantageState[];
}

export interface Summary {
  at: string;
  counts: Record<Status, number> & { services: number };
  vantages: string[];
  incidents: Incident[];
  services: { total: number; offset: number; limit: number; items: ServiceRow[] };
}

export interface ComponentState {
  component: string;
  observed: VantageState[];
  belief: "up" | "failing" | "affected";
  incidentId: string | null;
}

export interface ComponentSpec {
  id: string;
  kind: string;
  name?: string;
  observed: boolean;
}

export interface GraphData {
  nodes: {
    id: string;
    kind: string;
    name: string | null;
    observed: boolean;
    belief: string;
    incidentId: string | null;
  }[];
  edges: { from: string; to: string; type: string; group: string }[];
}

export interface WhatIfAnswer {
  failed: string[];
  down: string[];
  degraded: string[];
  observedHit: string[];
}

/** The server's rule for one word of state (down, partly down, …), for states read from /api/v1/states. */
export { serviceStatus as statusOf } from "../../src/server/service-status.js";
