/** Every channel against a local stand-in for its API: the payload as the real service would receive it. */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import type { Notification } from "../src/notify/channel.js";
import { DeliveryError } from "../src/notify/channel.js";
import { type ChannelConfig, notificationsSchema } from "../src/notify/channel-schema.js";
import { createChannel } from "../src/notify/channels/create-channel.js";
import { messageFacts, type NotifyEvent } from "../src/notify/message-format.js";
import { incidentFixture, OPENED_AT, type Receiver, startReceiver } from "./notify-fixtures.js";

const SENT_AT = OPENED_AT + 120_000;
const hostile = incidentFixture({
  epicenter: [
    { component: "aws/us-east-1", confidence: 0.93 },
    { component: "<!channel> @everyone *bold*", confidence: 0.04 },
  ],
});

function notification(event: NotifyEvent, incident = hostile): Notification {
  const at = event === "resolved" ? OPENED_AT + 3_600_000 : SENT_AT;
  const inc = event === "resolved" ? { ...incident, resolvedAt: at } : incident;
  return {
    event,
    incident: inc,
    facts: messageFacts(event, inc, at, "https://epicenter.example/incidents/inc-1"),
    at,
  };
}

function channelOf(config: Record<string, unknown>): ReturnType<typeof createChannel> {
  const [parsed] = notificationsSchema({}).parse([config]) as ChannelConfig[];
  return createChannel(parsed!);
}

const signal = () => AbortSignal.timeout(10_000);
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("webhook channels against local receivers", () => {
  it("webhook: JSON signed with HMAC-SHA256 over the raw body, timestamp covered", async () => {
    receiver = await startReceiver();
    const channel = channelOf({
      name: "hook",
      type: "webhook",
      url: `${receiver.url}/hook`,
      secret: "s3cret",
      headers: { "X-Team": "sre", "X-Epicenter-Signature": "forged" },
    });
    expect(await channel.send(notification("opened"), signal())).toBe("HTTP 200: ok");
    const [req] = receiver.received;
    const expected = createHmac("sha256", "s3cret").update(req!.body).digest();
    const given = Buffer.from(String(req!.headers["x-epicenter-signature"]).replace(/^sha256=/, ""), "hex");
    expect(given.length).toBe(expected.length);
    expect(timingSafeEqual(given, expected)).toBe(true);
    expect(req!.headers["x-team"]).toBe("sre");
    const body = JSON.parse(req!.body);
    expect(req!.headers["x-epicenter-timestamp"]).toBe(String(body.sentAt));
    expect(body).toMatchObject({ event: "opened", incident: { id: "inc-1", epicenter: hostile.epicenter } });
    expect(body.title).toBe("aws/us-east-1 likely failing, confidence 0.93, 14 services affected");
  });

  it("slack: mrkdwn with the untrusted text escaped", async () => {
    receiver = await startReceiver();
    await channelOf({ name: "s", type: "slack", url: receiver.url }).send(notification("opened"), signal());
    const body = JSON.parse(receiver.received[0]!.body);
    expect(body.text).toMatch(/^\*aws\/us-east-1 likely failing, confidence 0\.93, 14 services affected\*\n/);
    expect(body.text).toContain("&lt;!channel&gt; @everyone \u200b*bold\u200b* 0.04");
    expect(body.text).not.toContain("<!channel>");
  });

  it("discord: markdown escaped and no mentions parsed", async () => {
    receiver = await startReceiver();
    await channelOf({ name: "d", type: "discord", url: receiver.url }).send(
      notification("changed"),
      signal(),
    );
    const body = JSON.parse(receiver.received[0]!.body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toContain("\\<!channel\\> \\@everyone \\*bold\\*");
    expect(body.content).toContain("https://epicenter.example/incidents/inc-1");
    expect(body.content.length).toBeLessThanOrEqual(2000);
  });

  it("teams: an Adaptive Card with an open-incident action", async () => {
    receiver = await startReceiver();
    await channelOf({ name: "t", type: "teams", url: receiver.url }).send(notification("opened"), signal());
    const body = JSON.parse(receiver.received[0]!.body);
    const card = body.attachments[0].content;
    expect(body.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.type).toBe("AdaptiveCard");
    expect(card.body[0].text).toBe("aws/us-east-1 likely failing, confidence 0.93, 14 services affected");
    expect(card.body[1].text).toContain("\\*bold\\*");
    expect(card.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open incident", url: "https://epicenter.example/incidents/inc-1" },
    ]);
  });

  it("ntfy: text body, title, priority, tags and token in headers", async () => {
    receiver = await startReceiver();
    const channel = channelOf({
      name: "n",
      type: "ntfy",
      url: `${receiver.url}/acme-outages`,
      token: "tk_1",
      priority: 5,
      template: { title: "Störung: {{epicenter}}" },
    });
    await channel.send(notification("opened"), signal());
    await channel.send(notification("resolved"), signal());
    const [opened, resolved] = receiver.received;
    expect(opened!.path).toBe("/acme-outages");
    expect(opened!.headers.priority).toBe("5");
    expect(opened!.headers.tags).toBe("rotating_light");
    expect(opened!.headers.authorization).toBe("Bearer tk_1");
    expect(opened!.headers.click).toBe("https://epicenter.example/incidents/inc-1");
    const encoded = String(opened!.headers.title).match(/^=\?UTF-8\?B\?(.*)\?=$/)?.[1];
    expect(Buffer.from(encoded!, "base64").toString("utf8")).toBe("Störung: aws/us-east-1");
    expect(opened!.body).toContain("Epicenter: aws/us-east-1, confidence 0.93.");
    expect(resolved!.headers.priority).toBe("3");
    expect(resolved!.headers.tags).toBe("white_check_mark");
  });

  it("pagerduty: trigger and resolve share the incident id as dedup_key", async () => {
    receiver = await startReceiver(() => 202);
    const channel = channelOf({
      name: "pd",
      type: "pagerduty",
      routingKey: "R0UT1NG",
      url: `${receiver.url}/v2/enqueue`,
    });
    await channel.send(notification("opened"), signal());
    await channel.send(notification("changed"), signal());
    await channel.send(notification("resolved"), signal());
    const [opened, changed, resolved] = receiver.received.map((r) => JSON.parse(r.body));
    expect(opened).toMatchObject({
      routing_key: "R0UT1NG",
      event_action: "trigger",
      dedup_key: "inc-1",
      payload: { source: "epicenter", severity: "critical", component: "aws/us-east-1" },
    });
    expect(opened.payload.summary).toBe(
      "aws/us-east-1 likely failing, confidence 0.93, 14 services affected",
    );
    expect(changed).toMatchObject({ event_action: "trigger", dedup_key: "inc-1" });
    expect(resolved).toEqual({ routing_key: "R0UT1NG", dedup_key: "inc-1", event_action: "resolve" });
  });

  it("tells a retryable failure from a permanent one, and does not follow redirects", async () => {
    const replies = [503, 400, 302];
    receiver = await startReceiver((n) => replies[n] ?? 200);
    const channel = channelOf({ name: "s", type: "slack", url: receiver.url });
    const failure = async () => channel.send(notification("opened"), signal()).catch((e: unknown) => e);
    expect(await failure()).toMatchObject({
      name: "DeliveryError",
      retryable: true,
      message: "HTTP 503: try later",
    });
    expect(await failure()).toMatchObject({ retryable: false, message: "HTTP 400: try later" });
    const redirected = await failure();
    expect(redirected).toBeInstanceOf(DeliveryError);
    expect(receiver.received).toHaveLength(3);
  });
});

describe("email against a local SMTP server", () => {
  it("sends a text and an HTML part, every value HTML-escaped", async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.server.address() as AddressInfo;
    const channel = channelOf({
      name: "mail",
      type: "email",
      smtp: { host: "127.0.0.1", port },
      from: "epicenter@example.com",
      to: ["oncall@example.com", "sre@example.com"],
    });
    try {
      const detail = await channel.send(notification("opened"), signal());
      expect(detail).toMatch(/^250/);
    } finally {
      await channel.close?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.from).toBe("epicenter@example.com");
    expect(mail.to).toEqual(["oncall@example.com", "sre@example.com"]);
    const unfolded = mail.data.replace(/=\r\n/g, "").replace(/\r\n[ \t]/g, " ");
    expect(unfolded).toContain(
      "Subject: aws/us-east-1 likely failing, confidence 0.93, 14 services affected",
    );
    expect(unfolded).toContain("Content-Type: text/plain");
    expect(unfolded).toContain("Content-Type: text/html");
    expect(unfolded).toContain("&lt;!channel&gt; @everyone *bold*");
    expect(unfolded).not.toMatch(/<p>[^\n]*<!channel>/);
  });
});
