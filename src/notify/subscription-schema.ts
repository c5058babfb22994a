/**
 * `status.subscriptions:` of epicenter.yaml: whether the public status page takes e-mail and webhook
 * subscriptions. Off without the block. E-mail needs its own `smtp` and `from` (the status page's sender is
 * usually not the on-call mailbox a channel writes from); webhooks need `webhooks: true`.
 *
 *   status:
 *     subscriptions:
 *       smtp: { host: smtp.example.com, port: 587, user: status, pass: "${SMTP_PASS}" }
 *       from: status@example.com
 *       webhooks: true
 */
import * as z from "zod";
import type { Env } from "../model/env-refs.js";
import { emailAddress, normaliseSmtp, smtpSchema } from "./channel-schema.js";
import type { EmailConfig } from "./channels/email-channel.js";

/** Subscribers kept at most (pending and confirmed) unless `max` says otherwise. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 10_000;

/** What the status page's subscriptions may do, defaults filled in. */
export interface SubscriptionSettings {
  /** E-mail subscriptions: the SMTP server and sender; null when they are off. */
  email: { smtp: EmailConfig["smtp"]; from: string } | null;
  webhooks: boolean;
  /** Subscribers kept at most; a subscription beyond it is refused (503). */
  max: number;
}

export function subscriptionsSchema(env: Env) {
  return z
    .strictObject({
      smtp: smtpSchema(env).optional(),
      /** The sender of confirmations and notices. */
      from: emailAddress.optional(),
      /** Take webhook subscriptions (default false). */
      webhooks: z.boolean().optional(),
      /** Subscribers kept at most (default 10,000). */
      max: z.number().int().min(1).max(1_000_000).optional(),
    })
    .superRefine((s, ctx) => {
      if (s.smtp && !s.from)
        ctx.addIssue({
          code: "custom",
          path: ["from"],
          message: "from is needed with smtp (the sender's address)",
        });
      if (s.from && !s.smtp)
        ctx.addIssue({
          code: "custom",
          path: ["smtp"],
          message: "smtp is needed with from (the server that sends)",
        });
      if (!s.smtp && !s.webhooks)
        ctx.addIssue({
          code: "custom",
          message: "give smtp and from (e-mail subscriptions), webhooks: true, or both; or remove the block",
        });
    })
    .transform(
      (s): SubscriptionSettings => ({
        email: s.smtp && s.from ? { smtp: normaliseSmtp(s.smtp), from: s.from } : null,
        webhooks: s.webhooks ?? false,
        max: s.max ?? DEFAULT_MAX_SUBSCRIPTIONS,
      }),
    );
}
