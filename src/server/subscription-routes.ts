/**
 * The status page's subscriptions over HTTP, public by design (no token): which kinds are taken, subscribe
 * (throttled per client address and per target, bounded in size by the service), and the two links sent
 * by mail, confirm and unsubscribe, which answer small HTML pages so they work from any mail client.
 * The work is the notifier's (src/notify/subscriptions.ts); without it every subscription is refused.
 */
import type { Context } from "hono";
import * as z from "zod";
import { emailAddress } from "../notify/channel-schema.js";
import { SubscriptionError, type Subscriptions } from "../notify/subscriptions.js";
import { ApiError } from "./api-errors.js";
import { clientAddress } from "./login-routes.js";
import { LoginThrottle } from "./login-throttle.js";
import { defineRoute, type Route } from "./route-table.js";
import { services } from "./status-page-data.js";
import { xmlText as escapeXml } from "./xml-text.js";

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol, username, password } = new URL(text);
  return (protocol === "https:" || protocol === "http:") && username === "" && password === "";
}

const subscribeBody = z
  .strictObject({
    email: emailAddress.optional(),
    webhook: z
      .string()
      .max(2048)
      .refine(isHttpUrl, { error: "must be an http:// or https:// URL without a user or password" })
      .optional(),
    /** Status-page components to follow; absent or empty: all. */
    components: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .refine((b) => (b.email === undefined) !== (b.webhook === undefined), {
    error: "give either email or webhook (one of them)",
  });

export const subscriptionKindsResponse = z.strictObject({ email: z.boolean(), webhook: z.boolean() });
export const subscribeResponse = z.strictObject({
  subscription: z.strictObject({
    id: z.string(),
    kind: z.enum(["email", "webhook"]),
    status: z.enum(["pending", "confirmed"]),
    components: z.array(z.string()),
  }),
  message: z.string(),
  unsubscribeUrl: z.string().optional(),
});

const STATUS_OF: Record<SubscriptionError["code"], number> = {
  E_SUBSCRIPTIONS_OFF: 404,
  E_SUBSCRIPTIONS_FULL: 503,
  E_CONFIRMATION_MAIL: 502,
  E_WEBHOOK_CHALLENGE: 400,
};

/** A token from a link: base64url, as the service makes them; anything else cannot match one. */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

function page(c: Context, status: 200 | 400 | 404, title: string, text: string): Response {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title></head>
<body><main><h1>${escapeXml(title)}</h1><p>${escapeXml(text)}</p><p><a href="/status">Back to the status page</a></p></main></body></html>
`;
  return c.html(body, status);
}

function linkRoute(
  method: "GET" | "POST",
  path: string,
  summary: string,
  act: (s: Subscriptions, token: string) => Promise<boolean>,
  words: { done: [string, string]; gone: [string, string] },
  subscriptions: Subscriptions | undefined,
): Route {
  return defineRoute({
    method,
    path,
    access: "public",
    tag: "status page",
    summary,
    produces: "text/html",
    responses: {
      200: "An HTML page saying it is done",
      400: "No token, or not one",
      404: "The link is unknown, used or expired",
    },
    handler: async ({ c }) => {
      const token = c.req.query("token") ?? "";
      if (!TOKEN.test(token))
        return page(
          c,
          400,
          "Not a subscription link",
          "This link has no valid token; copy the whole link from the e-mail.",
        );
      if (!subscriptions || !(await act(subscriptions, token)))
        return page(c, 404, words.gone[0], words.gone[1]);
      return page(c, 200, words.done[0], words.done[1]);
    },
  });
}

/** Subscribe attempts allowed per hour: per address and target, per address, per target (mail bombing). */
const HOUR = 3_600_000;
const subscribeThrottle = () =>
  new LoginThrottle({ limits: { addressName: 3, address: 10, name: 5 }, windowMs: HOUR, maxKeys: 10_000 });

export function subscriptionRoutes(
  subscriptions: Subscriptions | undefined,
  throttle = subscribeThrottle(),
): Route[] {
  const unsubscribe = (method: "GET" | "POST") =>
    linkRoute(
      method,
      "/status/subscriptions/unsubscribe",
      method === "GET"
        ? "Public, no token: the link in every message; removes that subscription"
        : "Public, no token: the same, for mail clients' one-click unsubscribe (RFC 8058)",
      (s, token) => s.unsubscribe(token),
      {
        done: ["Unsubscribed", "You will get no more messages from this status page."],
        gone: ["Already unsubscribed", "This link matches no subscription: it was removed already."],
      },
      subscriptions,
    );
  return [
    defineRoute({
      method: "GET",
      path: "/status/api/subscriptions",
      access: "public",
      tag: "status page",
      summary: "Public, no token: which subscriptions the status page takes (both false when they are off)",
      response: subscriptionKindsResponse,
      responses: { 200: "`{email, webhook}`" },
      handler: ({ c }) => c.json(subscriptions?.kinds ?? { email: false, webhook: false }),
    }),
    defineRoute({
      method: "POST",
      path: "/status/api/subscriptions",
      access: "public",
      tag: "status page",
      summary:
        "Public, no token: subscribe an e-mail address (pending until its confirmation link is followed) or a webhook (confirmed when it answers the challenge POST with the challenge value), to some components or all",
      body: subscribeBody,
      bodyLimit: 8192,
      response: subscribeResponse,
      responses: {
        201: "A webhook subscription, confirmed: `{subscription, message, unsubscribeUrl}`",
        202: "An e-mail subscription, pending: `{subscription, message}`; the confirmation mail is on its way",
        400: "Bad body, unknown component, or a webhook that did not answer the challenge",
        404: "Subscriptions (or this kind) are off on this status page",
        429: "Too many subscriptions from this address or to this target within an hour; Retry-After says when",
        502: "The confirmation e-mail could not be sent",
        503: "The status page holds as many subscriptions as it takes",
      },
      handler: async ({ c, hub, body, now }) => {
        const components = body.components ?? [];
        const known = new Set(services(hub).map((s) => s.spec.id));
        const unknown = components.findIndex((id) => !known.has(id));
        if (unknown >= 0)
          throw new ApiError(
            400,
            "invalid_request",
            `unknown status-page component "${components[unknown]}"`,
            {
              path: `components[${unknown}]`,
            },
          );
        if (!subscriptions)
          throw new ApiError(
            404,
            "subscriptions_off",
            "subscriptions are off on this status page (status.subscriptions in the config turns them on)",
          );
        const at = now();
        const target = (body.email ?? body.webhook ?? "").toLowerCase();
        const attempt = { address: clientAddress(c), name: target };
        const wait = throttle.retryAfterMs(attempt, at);
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          throw new ApiError(429, "too_many_requests", `too many subscriptions; try again in ${seconds} s`, {
            headers: { "Retry-After": String(seconds) },
          });
        }
        throttle.fail(attempt, at);
        try {
          const request =
            body.email !== undefined
              ? { email: body.email, components }
              : { webhook: body.webhook!, components };
          const made = await subscriptions.subscribe(request);
          const subscription = {
            id: made.id,
            kind: body.email !== undefined ? ("email" as const) : ("webhook" as const),
            status: made.status,
            components: [...new Set(components)].sort(),
          };
          if (made.status === "pending")
            return c.json(
              {
                subscription,
                message: "Check your mailbox: follow the link in the e-mail to confirm the subscription.",
              },
              202,
            );
          return c.json(
            {
              subscription,
              message: "The webhook answered the challenge: it is subscribed.",
              ...(made.unsubscribeUrl ? { unsubscribeUrl: made.unsubscribeUrl } : {}),
            },
            201,
          );
        } catch (error) {
          if (error instanceof SubscriptionError)
            throw new ApiError(
              STATUS_OF[error.code],
              error.code.replace(/^E_/, "").toLowerCase(),
              error.message,
              {
                ...(error.code === "E_WEBHOOK_CHALLENGE" ? { path: "webhook" } : {}),
              },
            );
          throw error;
        }
      },
    }),
    linkRoute(
      "GET",
      "/status/subscriptions/confirm",
      "Public, no token: the link in a confirmation e-mail; confirms that subscription (once, within 24 hours)",
      (s, token) => s.confirm(token),
      {
        done: [
          "Subscription confirmed",
          "You will hear from this status page when an incident opens, changes or ends.",
        ],
        gone: [
          "Link expired or used",
          "This confirmation link is unknown, was used already or is older than 24 hours; subscribe again.",
        ],
      },
      subscriptions,
    ),
    unsubscribe("GET"),
    unsubscribe("POST"),
  ];
}
