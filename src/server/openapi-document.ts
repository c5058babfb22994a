/**
 * The OpenAPI 3.1 document, assembled from the route table (paths, roles, parameters, bodies as
 * `z.toJSONSchema` of the very schemas that validate them, answers as that of the route's response schema,
 * which test/api-contract.test.ts holds to the real answers), so document and server cannot drift.
 */
import * as z from "zod";
import { errorResponse as errorBody } from "./api-responses.js";
import type { Route } from "./route-table.js";

type Json = Record<string, unknown>;

/**
 * JSON Schema without the `$schema` key: input side for what a client sends (before transforms), output side
 * for what the server answers.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    // zod spells out its ISO 8601 check as a 700-character pattern on every time; `format` says it to readers.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
    },
  }) as Json;
  return rest;
}

function errorResponse(description: string): Json {
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

function operation(route: Route): Json {
  const parameters: Json[] = Object.entries(route.params ?? {}).map(([name, p]) => ({
    name,
    in: "path",
    required: true,
    description: p.description,
    schema: { type: "string" },
  }));
  if (route.query) {
    const q = jsonSchema(route.query, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: "query",
        required: q.required?.includes(name) ?? false,
        ...(description !== undefined ? { description } : {}),
        schema: rest,
      });
    }
  }
  const responses: Json = {};
  for (const [status, description] of Object.entries(route.responses)) {
    const ok = Number(status) < 300;
    responses[status] = ok
      ? status === "204"
        ? { description }
        : {
            description,
            content: {
              [route.produces ?? "application/json"]: route.response
                ? { schema: jsonSchema(route.response, "output") }
                : {},
            },
          }
      : errorResponse(description);
  }
  if (route.query || route.body)
    responses["400"] = errorResponse("Malformed input; `path` names the bad field");
  if (route.body) {
    responses["413"] = errorResponse(`Body larger than ${route.bodyLimit ?? 65536} bytes`);
    responses["415"] = errorResponse("Body not sent as application/json");
  }
  if (route.access !== "public") {
    responses["401"] = errorResponse(
      "No token (and no anonymous access here), or a bad, expired or revoked one",
    );
    responses["403"] = errorResponse(`The token's role is below ${route.access}`);
  }
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By-$1").replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    "x-epicenter-access": route.access,
    security:
      route.access === "public" ? [] : route.access === "viewer" ? [{ bearer: [] }, {}] : [{ bearer: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

/** The document for `routes`. */
export function openApiDocument(routes: readonly Route[]): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    item[route.method.toLowerCase()] = operation(route);
    paths[route.path] = item;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Epicenter API",
      version: "1",
      description:
        "Where the quake started: the model, checks, observations, incidents, what-if and a live stream. " +
        "Times are ISO 8601 in responses; queries take ISO 8601 or epoch milliseconds. Errors are " +
        '`{"error": {"code", "message", "path"?}}`. Viewer routes (`x-epicenter-access: viewer`) admit ' +
        "anonymous callers only when the server is configured for anonymous reads; writes never do.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API token (ept_…), made with `epicenter token create --role viewer|editor|admin`",
        },
      },
      schemas: { Error: jsonSchema(errorBody, "output") },
    },
    paths,
  };
}
