/**
 * Email through SMTP (nodemailer): a plain-text part and an HTML part with every value HTML-escaped. STARTTLS is
 * required whenever a password is sent, so credentials never cross the network in clear.
 */
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { DeliveryError, type Notification, type NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage, escapeHtml } from "../message-format.js";
import { channelFilter, errorText } from "./http-post.js";

export type EmailConfig = Extract<ChannelConfig, { type: "email" }>;

interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

function emailMessage(n: Notification, config: EmailConfig): EmailMessage {
  const text = composeMessage(n.facts, config.template);
  const html = composeMessage(n.facts, config.template, escapeHtml);
  return {
    from: config.from,
    to: config.to,
    subject: text.title,
    text: text.body,
    html: `<p><strong>${html.title}</strong></p>\n<p>${html.body.split("\n").join("<br>\n")}</p>\n`,
  };
}

/** An e-mail as one SMTP transport sends it. */
export interface MailMessage extends EmailMessage {
  headers?: Record<string, string>;
}

/** One SMTP transport: one attempt per `send`, failures as DeliveryErrors (5xx replies not retryable). */
export interface SmtpSender {
  send(message: MailMessage, signal: AbortSignal): Promise<string>;
  close(): void;
}

/** The SMTP sender of a channel's `smtp:` block (also the status page's subscriptions, subscription-mail.ts). */
export function smtpSender(smtp: EmailConfig["smtp"]): SmtpSender {
  const { host, port, secure, user, pass } = smtp;
  const options: SMTPTransport.Options = {
    host,
    port,
    secure,
    requireTLS: !secure && pass !== undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  if (user !== undefined) options.auth = { user, ...(pass !== undefined ? { pass } : {}) };
  const transport = nodemailer.createTransport(options);
  return {
    async send(message, signal) {
      signal.throwIfAborted();
      const aborted = new Promise<never>((_, reject) => {
        signal.addEventListener("abort", () => reject(new DeliveryError("SMTP aborted", true)), {
          once: true,
        });
      });
      try {
        const info = await Promise.race([transport.sendMail(message), aborted]);
        return info.response;
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        // SMTP 5xx replies are permanent (bad address, refused); 4xx and network errors may pass later.
        const code = (error as { responseCode?: number }).responseCode;
        throw new DeliveryError(`SMTP: ${errorText(error)}`, code === undefined || code < 500, {
          cause: error,
        });
      }
    },
    close() {
      transport.close();
    },
  };
}

export function emailChannel(config: EmailConfig): NotifyChannel {
  const sender = smtpSender(config.smtp);
  return {
    name: config.name,
    type: config.type,
    filter: channelFilter(config),
    send: (n, signal) => sender.send(emailMessage(n, config), signal),
    async close() {
      sender.close();
    },
  };
}
