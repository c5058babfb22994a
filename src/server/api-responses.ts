/**
 * The zod schemas of the API's JSON answers: one source for the OpenAPI document (`z.toJSONSchema`, output
 * side), the dashboard's types (web/ infers them with `z.output` through type-only imports, so nothing of the
 * server is bundled) and the contract test that parses every route's real answer. Pure: zod and constants only.
 */
import * as z from "zod";
import { INCIDENT_UPDATE_STATUSES } from "../model/incident-update.js";
import type { Status } from "../model/model-types.js";
import { ERROR_CLASSES } from "../model/observation.js";
import type { StatuspageCheck } from "../probe/check-types.js";
import type { TokenRole } from "../store/store.js";
import { incidentUpdateJson } from "./incident-update-json.js";
import type { ServiceStatus } from "./service-status.js";

/** Responses write times as ISO 8601 in UTC (`2021-12-07T15:30:00.000Z`). */
const isoTime = z.iso.datetime().meta({ description: "ISO 8601, UTC" });
const status = z.enum({ up: "up", degraded: "degraded", down: "down" } satisfies { [S in Status]: S });
const errorClass = z.enum(ERROR_CLASSES).nullable();
const belief = z.enum(["up", "failing", "affected"]).meta({
  description: "The localizer's view: up, failing as an epicenter, or affected by one",
});
const ids = z.array(z.string());
/** Every role a token may have, and only those (the object must name each TokenRole once). */
const role = z.enum({
  viewer: "viewer",
  editor: "editor",
  admin: "admin",
  agent: "agent",
} satisfies { [R in TokenRole]: R });

/** The app's one error shape; `refusals` lists each refused observation of an ingest (422). */
export const errorResponse = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    path: z.string().optional().meta({ description: "The bad field, like observations[3].status" }),
    refusals: z
      .array(
        z.strictObject({ index: z.number().int(), path: z.string(), code: z.string(), message: z.string() }),
      )
      .optional(),
  }),
});

export const healthResponse = z.strictObject({ status: z.literal("ok") });

/** The OpenAPI document itself (described loosely: it describes itself). */
export const openApiResponse = z.looseObject({ openapi: z.literal("3.1.0") });

const requireItem = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("hard"), id: z.string(), hidden: z.boolean() }),
  z.strictObject({ type: z.literal("soft"), id: z.string(), hidden: z.boolean() }),
  z.strictObject({ type: z.literal("anyOf"), of: ids, hidden: z.boolean() }),
  z.strictObject({ type: z.literal("atLeast"), k: z.number().int(), of: ids, hidden: z.boolean() }),
]);

export const componentSpec = z.strictObject({
  id: z.string(),
  kind: z.string(),
  name: z.string().optional(),
  observed: z.boolean(),
  requires: z.array(requireItem),
  tags: z.array(z.string()).optional(),
  group: z.string().optional(),
});

export const componentsResponse = z.strictObject({ components: z.array(componentSpec) });

/** A component's latest status from one vantage. */
export const vantageState = z.strictObject({
  vantage: z.string(),
  status,
  at: isoTime,
  errorClass,
});

export const componentState = z.strictObject({
  component: z.string(),
  observed: z.array(vantageState),
  belief,
  incidentId: z.string().nullable(),
});

export const statesResponse = z.strictObject({ states: z.array(componentState) });

const phases = z.strictObject({
  dns: z.number().optional(),
  connect: z.number().optional(),
  tls: z.number().optional(),
  firstByte: z.number().optional(),
  total: z.number(),
});

/** A vantage's last down or degraded check, as the hub keeps it in memory (with its phases, ms). */
export const lastFailure = z.strictObject({
  vantage: z.string(),
  at: isoTime,
  check: z.string(),
  status,
  errorClass,
  message: z.string().optional(),
  phases: phases.optional(),
});

export const componentResponse = z.strictObject({
  component: componentSpec,
  dependencies: ids,
  dependents: ids,
  state: componentState.nullable(),
  lastFailures: z.array(lastFailure),
});

export const graphResponse = z.strictObject({
  nodes: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.string(),
      name: z.string().nullable(),
      observed: z.boolean(),
      belief,
      incidentId: z.string().nullable(),
    }),
  ),
  edges: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      type: z.enum(["hard", "soft", "anyOf", "atLeast"]),
      group: z.string().meta({ description: "Members of one anyOf/atLeast item share it" }),
      k: z.number().int().optional(),
    }),
  ),
});

const checkBase = {
  id: z.string(),
  component: z.string(),
  intervalMs: z.number(),
  timeoutMs: z.number(),
  vantages: ids,
  confirm: z.number().int(),
};

/** A status-page check's feed format: every one the check reads (the type keeps this list whole). */
const feedFormat = z.enum({
  auto: "auto",
  statuspage: "statuspage",
  rss: "rss",
  feed: "feed",
  "aws-health": "aws-health",
  "gcp-incidents": "gcp-incidents",
  "azure-rss": "azure-rss",
} satisfies { [F in StatuspageCheck["format"]]: F });

/** A configured check; for non-admins its secrets are masked (same shape). */
export const check = z.discriminatedUnion("type", [
  z.strictObject({
    ...checkBase,
    type: z.literal("http"),
    url: z.string(),
    method: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
    expectStatus: z.array(z.tuple([z.number().int(), z.number().int()])),
    bodyContains: z.string().optional(),
    bodyRegex: z.string().optional(),
    jsonPath: z.strictObject({ path: z.string(), equals: z.unknown() }).optional(),
    degradedOverMs: z.number().optional(),
    followRedirects: z.boolean(),
    maxRedirects: z.number().int(),
    tlsVerify: z.boolean(),
    reuse: z.boolean().optional(),
  }),
  z.strictObject({
    ...checkBase,
    type: z.literal("tcp"),
    host: z.string(),
    port: z.number().int(),
    expectBanner: z.string().optional(),
  }),
  z.strictObject({
    ...checkBase,
    type: z.literal("dns"),
    name: z.string(),
    recordType: z.enum(["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA"]),
    server: z.string().optional(),
    expect: z.union([
      z.literal("non-empty"),
      z.strictObject({ exact: ids.optional(), contains: z.string().optional() }),
    ]),
  }),
  z.strictObject({
    ...checkBase,
    type: z.literal("tls"),
    host: z.string(),
    port: z.number().int(),
    servername: z.string().optional(),
    degradedUnderDays: z.number(),
  }),
  z.strictObject({ ...checkBase, type: z.literal("heartbeat"), token: z.string(), graceMs: z.number() }),
  z.strictObject({
    ...checkBase,
    type: z.literal("statuspage"),
    url: z.string(),
    format: feedFormat,
    components: z.record(z.string(), z.string()),
  }),
]);

export const checksResponse = z.strictObject({ checks: z.array(check) });

export const whatIfResponse = z.strictObject({
  failed: ids,
  down: ids,
  degraded: ids,
  observedHit: ids.meta({ description: "Observed (monitored) components hit: your own services" }),
});

export const observation = z.strictObject({
  id: z.string(),
  at: isoTime,
  vantage: z.string(),
  component: z.string(),
  check: z.string(),
  status,
  latencyMs: z.number().nullable(),
  errorClass,
  message: z.string().optional(),
  phases: phases.optional(),
});

export const observationsResponse = z.strictObject({ observations: z.array(observation) });

export const ingestResponse = z.strictObject({ accepted: z.number().int() });

export const heartbeatResponse = z.strictObject({ ok: z.literal(true), at: isoTime });

export const rollup = z.strictObject({
  component: z.string(),
  vantage: z.string(),
  resolution: z.enum(["1m", "1h"]),
  at: isoTime.meta({ description: "Start of the bucket" }),
  up: z.number().int(),
  degraded: z.number().int(),
  down: z.number().int(),
  latencyMeanMs: z.number().nullable(),
  latencyMaxMs: z.number().nullable(),
});

export const rollupsResponse = z.strictObject({ rollups: z.array(rollup) });

const ranked = z.strictObject({ component: z.string(), confidence: z.number() });

/** An incident as lists show it (no history). */
export const incident = z.strictObject({
  id: z.string(),
  openedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  epicenter: z.array(ranked).meta({ description: "Ranked hypotheses, most likely first" }),
  affected: ids,
  suspected: ids.meta({
    description: "Affected components with no path to the cause in the model: probably a dependency it lacks",
  }),
  vantage: z.boolean().meta({ description: "The epicenter is a vantage: the watcher itself is blind" }),
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  updatedAt: isoTime,
});

/** How late the vendor said so (incident-vendor.ts). */
const incidentVendor = z
  .strictObject({
    source: z.string().meta({ description: "The feed's host (status.aws.amazon.com)" }),
    admittedAt: isoTime.nullable().meta({ description: "When the feed first said it; null: it never did" }),
    resolvedAt: isoTime.nullable().meta({
      description: "When everything the feed named during the incident was up again; null: not yet",
    }),
    leadMs: z.number().nullable().meta({
      description: "admittedAt − openedAt: how far Epicenter was ahead (negative: the vendor first)",
    }),
  })
  .nullable()
  .meta({
    description: "How late the vendor's status feed said so; null: no statuspage check covers the epicenter",
  });

/** An incident with its history: each change of the ranked epicenters. */
export const incidentDetail = incident.extend({
  history: z.array(z.strictObject({ at: isoTime, epicenter: z.array(ranked) })),
  vendor: incidentVendor,
  updates: z
    .array(incidentUpdateJson)
    .meta({ description: "What people wrote (POST …/updates), oldest first" }),
  humanStatus: z.enum(INCIDENT_UPDATE_STATUSES).nullable().meta({
    description: "The latest update's status; null: none. A person's resolved does not resolve the incident",
  }),
  maintenance: z.array(z.strictObject({ id: z.string(), title: z.string() })).meta({
    description:
      "Maintenance windows on when it opened that cover its cause or an affected component (it happened during planned work)",
  }),
});

export const incidentsResponse = z.strictObject({ incidents: z.array(incident) });

export const incidentResponse = z.strictObject({ incident: incidentDetail });

export const suspectedDependency = z.strictObject({
  component: z.string(),
  cause: z.string(),
  incidents: ids,
  onsets: z.number().int(),
  recoveries: z.number().int(),
  score: z.number(),
  firstSeen: isoTime,
  lastSeen: isoTime,
});

export const suspectedResponse = z.strictObject({ suspected: z.array(suspectedDependency) });

/** One word for a service's state (service-status.ts decides it). */
const serviceStatus = z.enum({
  up: "up",
  degraded: "degraded",
  partial: "partial",
  down: "down",
  unknown: "unknown",
} satisfies { [S in ServiceStatus]: S });

export const serviceRow = z.strictObject({
  id: z.string(),
  name: z.string().nullable(),
  status: serviceStatus,
  belief,
  incidentId: z.string().nullable(),
  observed: z.array(vantageState),
  /** Its group (its `group`, else the first segment of its id) and tags. */
  group: z.string(),
  tags: ids,
});

/** A group of monitored services, its state by its rule (group-status.ts). */
export const serviceGroup = z.strictObject({
  name: z.string(),
  status: serviceStatus,
  rule: z.enum(["any", "all", "atLeast"]),
  k: z.number().int().optional(),
  services: z.number().int(),
});

export const summaryIncident = incident.extend({ servicesHit: z.number().int() });

export const summaryResponse = z.strictObject({
  at: isoTime,
  counts: z.strictObject({
    services: z.number().int(),
    up: z.number().int(),
    degraded: z.number().int(),
    partial: z.number().int(),
    down: z.number().int(),
    unknown: z.number().int(),
  }),
  vantages: ids,
  incidents: z.array(summaryIncident),
  /** Every group of monitored services (whatever the filters), worst first. */
  groups: z.array(serviceGroup),
  services: z.strictObject({
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
    items: z.array(serviceRow),
  }),
});

export const concentrationResponse = z.strictObject({
  observed: z.number().int(),
  candidateCount: z.number().int(),
  spofCount: z.number().int(),
  candidates: z.array(
    z.strictObject({ id: z.string(), kind: z.string(), down: z.number().int(), degraded: z.number().int() }),
  ),
  hosting: z.strictObject({
    hhi: z.number(),
    hosted: z.number().int(),
    unhosted: z.number().int(),
    providers: z.array(z.strictObject({ id: z.string(), share: z.number(), observed: z.number().int() })),
  }),
});

export const token = z.strictObject({
  id: z.string(),
  name: z.string(),
  role,
  vantage: z
    .string()
    .nullable()
    .meta({ description: "The one vantage an agent token posts observations as; null for other roles" }),
  createdAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  invalid: z
    .array(z.enum(["createdAt", "expiresAt", "revokedAt"]))
    .optional()
    .meta({ description: "Stored times that are no date (shown as null)" }),
});

export const tokensResponse = z.strictObject({ tokens: z.array(token) });

/** A new token (POST /api/v1/tokens) or a login's session: the only time the secret is shown. */
export const tokenCreatedResponse = z.strictObject({
  token,
  secret: z.string().meta({ description: "Send it as `Authorization: Bearer <secret>`" }),
});

const requireOut = z.union([
  z.string(),
  z.strictObject({ id: z.string(), soft: z.literal(true) }),
  z.strictObject({ anyOf: ids }),
]);

const discoveredComponent = z.strictObject({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  requires: z.array(requireOut),
});

export const discoverResponse = z.strictObject({
  domains: z.array(
    z.strictObject({
      domain: z.string(),
      requires: z.array(requireOut),
      evidence: z.array(z.strictObject({ component: z.string(), record: z.string(), reason: z.string() })),
      via: z
        .string()
        .optional()
        .meta({ description: "Set on indirect results: the provider whose own DNS this is" }),
      depth: z.number().int().optional(),
    }),
  ),
  components: z.array(discoveredComponent),
});

const place = z.strictObject({
  lat: z.number().min(-90).max(90).meta({ description: "Degrees north (negative: south)" }),
  lon: z.number().min(-180).max(180).meta({ description: "Degrees east (negative: west)" }),
});

/** GET /api/v1/world: what the dashboard's world map draws (world-map.ts). */
export const worldResponse = z.strictObject({
  regions: z
    .array(
      z.strictObject({
        id: z.string(),
        name: z.string().nullable(),
        provider: z.string(),
        lat: z.number(),
        lon: z.number(),
        state: z.enum(["epicenter", "down", "degraded", "up"]).meta({
          description:
            "epicenter: an open incident's named cause is or lies in it; down, degraded: in the causes' blast radius (believed, regions are never checked)",
        }),
        incidentId: z.string().nullable(),
      }),
    )
    .meta({ description: "Regions of the model with a place on Earth, worst first" }),
  vantages: z.array(
    z.strictObject({
      id: z.string(),
      place: place.nullable().meta({ description: "Where it runs; null: not said" }),
      region: z.string().nullable().meta({ description: "The region it runs in, when said" }),
      blind: z.boolean().meta({ description: "An open incident names this vantage: it sees nothing" }),
    }),
  ),
  epicenters: z.array(
    z.strictObject({
      component: z.string(),
      confidence: z.number(),
      incidentId: z.string(),
      region: z.string().nullable().meta({ description: "The placed region the cause is or lies in" }),
    }),
  ),
});
