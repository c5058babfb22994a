/**
 * The `notifications:` list of epicenter.yaml: where incident notifications go. Each entry is one channel:
 *
 *   notifications:
 *     - { name: ops-slack, type: slack, url: "${SLACK_WEBHOOK_URL}" }
 *     - { name: pager, type: pagerduty, routingKey: "${PD_ROUTING_KEY}", events: [opened, resolved] }
 *     - name: mail
 *       type: email
 *       smtp: { host: smtp.example.com, port: 587, user: alerts, pass: "${SMTP_PASS}" }
 *       from: epicenter@example.com
 *       to: [oncall@example.com]
 *       minConfidence: 0.8
 *
 * Secrets (urls, secrets, tokens, passwords, routing keys, header values) may be written as `${ENV_VAR}`
 * references, resolved from the environment the loader is given (`notificationsSchema(env)`), so they stay out
 * of the file; a reference to an unset variable is a config error naming its line.
 */
import * as z from "zod";
import { type Env, resolveEnvRefs } from "../model/env-refs.js";
import { tagSchema } from "../model/group-rule.js";
import { NOTIFY_EVENTS, type NotifyEvent, PLACEHOLDERS, unknownPlaceholders } from "./message-format.js";

/** A string that may hold `${ENV_VAR}` references, resolved from `env` at load. */
const secretStringIn = (env: Env) =>
  z
    .string()
    .min(1)
    .transform((text, ctx) => {
      const { value, missing } = resolveEnvRefs(text, env);
      for (const name of missing) {
        ctx.addIssue({ code: "custom", message: `environment variable ${name} is not set`, input: text });
      }
      return value;
    });

function isHttpsOrLoopback(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === "https:" || ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

const templateText = z.string().superRefine((text, ctx) => {
  for (const name of unknownPlaceholders(text)) {
    ctx.addIssue({
      code: "custom",
      message: `unknown placeholder {{${name}}}; known: ${Object.keys(PLACEHOLDERS).join(", ")}`,
      input: text,
    });
  }
});

/** An e-mail address as the channels and the status page's subscriptions take it (no display name, no list). */
export const emailAddress = z
  .string()
  .max(254)
  .regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+$/, { error: "must be an email address" });

/** An SMTP server: `port` default 465 when `secure`, else 587 (see `normaliseSmtp`). */
export function smtpSchema(env: Env) {
  const secretString = secretStringIn(env);
  return z.strictObject({
    host: z.string().min(1),
    /** Default 465 when `secure`, else 587. */
    port: z.number().int().min(1).max(65535).optional(),
    /** TLS from the first byte (port 465); otherwise STARTTLS, required whenever a password is sent. */
    secure: z.boolean().optional(),
    user: secretString.optional(),
    pass: secretString.optional(),
  });
}

type SmtpInput = z.output<ReturnType<typeof smtpSchema>>;

/** An SMTP block with its defaults: TLS from the first byte on port 465, else STARTTLS on 587. */
export function normaliseSmtp(smtp: SmtpInput): SmtpInput & { secure: boolean; port: number } {
  const secure = smtp.secure ?? smtp.port === 465;
  return { ...smtp, secure, port: smtp.port ?? (secure ? 465 : 587) };
}

const common = {
  /** Unique among channels; names deliveries and alert state, so renaming a channel forgets its state. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, { error: "channel names use [A-Za-z0-9._-]" }),
  /** Which events this channel wants (default all three). */
  events: z
    .array(z.enum(NOTIFY_EVENTS as [NotifyEvent, ...NotifyEvent[]]))
    .min(1)
    .optional(),
  /** Only incidents whose named cause or affected components carry one of these tags (default: every incident). */
  tags: z.array(tagSchema).min(1).optional(),
  /** Incidents whose top confidence stays below this are not sent to this channel (default 0). */
  minConfidence: z.number().min(0).max(1).optional(),
  /** Own wording; `{{placeholder}}` substitution only. Missing parts use the default wording. */
  template: z.strictObject({ title: templateText.optional(), body: templateText.optional() }).optional(),
  /** A notice when a maintenance window begins and when it ends (default false; webhook channels only). */
  maintenance: z.boolean().optional(),
};

/** The channel types that send maintenance notices (the others would need a wording of their own). */
const MAINTENANCE_TYPES: readonly string[] = ["webhook"];

/** One entry of `notifications:`, its `${ENV_VAR}` references resolved from `env`. */
function channelSchema(env: Env) {
  const secretString = secretStringIn(env);
  const httpUrl = secretString.refine(isHttpUrl, {
    error: "must be an http:// or https:// URL",
    abort: true,
  });
  /** Hosted APIs (Slack, Discord, Teams, PagerDuty): the URL carries the credential, so plain http only to loopback. */
  const apiUrl = httpUrl.refine(isHttpsOrLoopback, {
    error: "must be an https:// URL (http:// only to a loopback address)",
  });
  const webhook = z.strictObject({
    ...common,
    type: z.literal("webhook"),
    url: httpUrl,
    /** Signs each body with HMAC-SHA256 (header X-Epicenter-Signature), so the receiver can trust it. */
    secret: secretString,
    headers: z.record(z.string(), secretString).optional(),
  });
  const slack = z.strictObject({ ...common, type: z.literal("slack"), url: apiUrl });
  const discord = z.strictObject({ ...common, type: z.literal("discord"), url: apiUrl });
  const teams = z.strictObject({ ...common, type: z.literal("teams"), url: apiUrl });
  const emailChannel = z.strictObject({
    ...common,
    type: z.literal("email"),
    smtp: smtpSchema(env),
    from: emailAddress,
    to: z.array(emailAddress).min(1),
  });
  const ntfy = z.strictObject({
    ...common,
    type: z.literal("ntfy"),
    /** Server and topic, e.g. https://ntfy.sh/acme-outages. */
    url: httpUrl,
    token: secretString.optional(),
    /** ntfy priority 1 (min) to 5 (max) for opened and changed; resolved is sent at 3 (default). */
    priority: z.number().int().min(1).max(5).optional(),
  });
  const pagerduty = z.strictObject({
    ...common,
    type: z.literal("pagerduty"),
    routingKey: secretString,
    url: apiUrl.optional(),
  });

  return z.discriminatedUnion("type", [webhook, slack, discord, teams, emailChannel, ntfy, pagerduty]);
}

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

type ChannelInput = z.output<ReturnType<typeof channelSchema>>;
type Normalised<T> = Omit<T, "events" | "minConfidence" | "maintenance"> & {
  events: NotifyEvent[];
  minConfidence: number;
  maintenance: boolean;
};

/** One configured channel after loading: secrets resolved, defaults filled in. */
export type ChannelConfig = {
  [K in ChannelInput["type"]]: Normalised<Extract<ChannelInput, { type: K }>>;
}[ChannelInput["type"]];

/** The `notifications:` list: unique names, defaults filled in, secrets resolved from `env`. */
export function notificationsSchema(env: Env) {
  return z
    .array(channelSchema(env))
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((c, i) => {
        if (seen.has(c.name)) {
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate channel name "${c.name}"` });
        }
        seen.add(c.name);
        if (c.maintenance && !MAINTENANCE_TYPES.includes(c.type))
          ctx.addIssue({
            code: "custom",
            path: [i, "maintenance"],
            message: `maintenance notices go to ${MAINTENANCE_TYPES.join(", ")} channels only, not ${c.type}; remove maintenance: true`,
          });
      });
    })
    .transform((list) => list.map(normaliseChannel));
}

function normaliseChannel(c: ChannelInput): ChannelConfig {
  const filled = {
    ...c,
    events: c.events ?? [...NOTIFY_EVENTS],
    minConfidence: c.minConfidence ?? 0,
    maintenance: c.maintenance ?? false,
  };
  if (filled.type === "pagerduty") return { ...filled, url: filled.url ?? PAGERDUTY_EVENTS_URL };
  if (filled.type === "email") return { ...filled, smtp: normaliseSmtp(filled.smtp) };
  return filled;
}
