/**
 * The dashboard's one way to the hub: JSON over fetch with the session's API token as a Bearer header, and the
 * live stream (EventSource cannot send headers, so the token goes in ?access_token=, which only the stream accepts).
 * The token lives in sessionStorage: it goes when the tab closes.
 */

import type * as z from "zod";
import type * as contract from "../../src/server/api-responses.js";
import type * as statusContract from "../../src/server/status-responses.js";
import type * as stream from "../../src/server/stream-responses.js";

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
      const body = (await res.json()) as Partial<ErrorAnswer>;
      if (body.error?.message) message = body.error.message;
    } catch {}
    throw new ApiFailure(res.status, message);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The live events a page hears (`closed` ends the stream; EventSource's reconnect then gets the 401). */
type LiveEventType = Exclude<stream.StreamEventType, "closed">;
const LIVE_EVENTS: readonly LiveEventType[] = ["incident", "state", "config"];

/** One live event: its name and the data the server sent with it (src/server/stream-responses.ts). */
export type LiveEvent = { [K in LiveEventType]: { type: K; data: stream.StreamData[K] } }[LiveEventType];

/** Subscribes to the hub's live events; returns the close function. EventSource reconnects by itself. */
export function openStream(onEvent: (event: LiveEvent) => void): () => void {
  const token = getToken();
  const source = new EventSource(
    `/api/v1/stream${token ? `?access_token=${encodeURIComponent(token)}` : ""}`,
  );
  for (const type of LIVE_EVENTS)
    source.addEventListener(type, (e) =>
      // The server writes each frame through streamFrame, typed by the same schemas.
      onEvent({ type, data: JSON.parse((e as MessageEvent<string>).data) } as LiveEvent),
    );
  return () => source.close();
}

/*
 * The API's answers, inferred from the server's response schemas (src/server/api-responses.ts and
 * status-responses.ts, the ones the OpenAPI document is made of and test/api-contract.test.ts holds to the real
 * answers): no hand copies to drift. Type-only imports: nothing of the server is bundled.
 */
type Answer<S extends z.ZodType> = z.output<S>;

export type Status = Answer<typeof contract.serviceRow>["status"];
export type Incident = Answer<typeof contract.incident>;
/** An incident with its history (GET /api/v1/incidents/{id}). */
export type IncidentDetail = Answer<typeof contract.incidentDetail>;
/** An open incident on the Now page, with how many of your services it hits. */
export type SummaryIncident = Answer<typeof contract.summaryIncident>;
/** A dependency the model probably lacks (GET /api/v1/suspected-dependencies). */
export type SuspectedDependency = Answer<typeof contract.suspectedDependency>;
export type Summary = Answer<typeof contract.summaryResponse>;
export type ComponentState = Answer<typeof contract.componentState>;
export type ComponentSpec = Answer<typeof contract.componentSpec>;
/** GET /api/v1/components/{id}. */
export type ComponentDetail = Answer<typeof contract.componentResponse>;
export type LastFailure = Answer<typeof contract.lastFailure>;
export type Observation = Answer<typeof contract.observation>;
export type Rollup = Answer<typeof contract.rollup>;
export type GraphData = Answer<typeof contract.graphResponse>;
export type WhatIfAnswer = Answer<typeof contract.whatIfResponse>;
export type Concentration = Answer<typeof contract.concentrationResponse>;
/** GET /api/v1/world: regions with places and states, the named causes, the vantages where they run. */
export type World = Answer<typeof contract.worldResponse>;
export type TokenCreated = Answer<typeof contract.tokenCreatedResponse>;
export type ErrorAnswer = Answer<typeof contract.errorResponse>;
export type StatusSummary = Answer<typeof statusContract.statusSummaryResponse>;
export type StatusIncidents = Answer<typeof statusContract.statusIncidentsResponse>;

/** The server's rule for one word of state (down, partly down, …), for states read from /api/v1/states. */
export { serviceStatus as statusOf } from "../../src/server/service-status.js";
