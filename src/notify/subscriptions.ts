/**
 * The status page's subscriptions: takes a subscription (an e-mail address waits for its confirmation link;
 * a webhook URL must answer a challenge first), confirms and removes them by their tokens, and tells the
 * confirmed subscribers who follow an incident's components when it opens, changes its named cause or
 * resolves. Each notice goes through the notifier's own delivery (channel-delivery.ts: decision, claim,
 * retries with backoff, records, alert state), the subscriber being a channel named `subscription/<id>`, so a
 * restart neither repeats an opening nor forgets a resolve. Webhook targets are reached through the probes'
 * target guard: no cloud metadata or link-local address unless `probes.allow` reopens it.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import { HttpAgents } from "../probe/http-agent.js";
import { DEFAULT_PROBE_POLICY, type ProbePolicy } from "../probe/target-guard.js";
import type { StoredIncident } from "../store/store.js";
import type { StoredSubscription, SubscriptionLog } from "../store/subscription-store.js";
import type { NotifyChannel } from "./channel.js";
import {
  type Backoff,
  DEFAULT_BACKOFF,
  type DeliveryContext,
  type DeliveryOutcome,
  deliver,
  type NotifyLog,
} from "./channel-delivery.js";
import { type SmtpSender, smtpSender } from "./channels/email-channel.js";
import { httpPost, JSON_HEADERS } from "./channels/http-post.js";
import { NOTIFY_EVENTS } from "./message-format.js";
import type { IncidentNotice } from "./notifier.js";
import {
  challengeBody,
  confirmationMail,
  follows,
  noticeBody,
  noticeMail,
  publicIncident,
  type SubscriberLinks,
} from "./subscription-message.js";
import type { SubscriptionSettings } from "./subscription-schema.js";

/** A confirmation link works this long. */
export const CONFIRM_WITHIN_MS = 24 * 3_600_000;
/** A subscriber's channel name in deliveries and alert states: this and its id. */
const CHANNEL = "subscription/";
/** How long a webhook target has to answer its challenge. */
const CHALLENGE_TIMEOUT_MS = 5000;

export type SubscriptionErrorCode =
  | "E_SUBSCRIPTIONS_OFF"
  | "E_SUBSCRIPTIONS_FULL"
  | "E_CONFIRMATION_MAIL"
  | "E_WEBHOOK_CHALLENGE";

/** A subscription that could not be taken; `code` says why (the API turns it into a status). */
export class SubscriptionError extends Error {
  override readonly name = "SubscriptionError";
  constructor(
    readonly code: SubscriptionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SubscriptionsOptions {
  settings: SubscriptionSettings;
  store: { subscriptions: SubscriptionLog } & NotifyLog;
  /** Where people reach the hub, no trailing slash: the base of every link sent (read when sending). */
  baseUrl: () => string;
  /** The status page's name in mails. */
  pageName?: string;
  /** The probes' target policy, for webhook targets (read when sending). */
  policy?: () => ProbePolicy;
  clock?: () => number;
  backoff?: Partial<Backoff>;
  onStoreError?: (error: unknown) => void;
  /** The status page's services (read per event): messages list only these as affected; absent: all. */
  shown?: () => ReadonlySet<string>;
}

/** What a new subscription became. */
export interface SubscribeResult {
  id: string;
  status: "pending" | "confirmed";
  /** Only for a webhook (an e-mail's arrives with the confirmation). */
  unsubscribeUrl?: string;
}

export type SubscribeRequest =
  | { email: string; components: string[] }
  | { webhook: string; components: string[] };

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

export class Subscriptions {
  readonly #settings: SubscriptionSettings;
  readonly #store: SubscriptionsOptions["store"];
  readonly #baseUrl: () => string;
  readonly #pageName: string;
  readonly #policy: () => ProbePolicy;
  readonly #clock: () => number;
  readonly #shown: (() => ReadonlySet<string>) | undefined;
  readonly #sender: SmtpSender | null;
  readonly #http = new HttpAgents();
  readonly #delivery: DeliveryContext;
  readonly #hurry = new AbortController();
  readonly #stop = new AbortController();
  /** The last delivery queued per subscriber: one subscriber's notices stay in order. */
  readonly #tails = new Map<string, Promise<unknown>>();

  constructor(options: SubscriptionsOptions) {
    this.#settings = options.settings;
    this.#store = options.store;
    this.#baseUrl = options.baseUrl;
    this.#pageName = options.pageName ?? "the Epicenter status page";
    this.#policy = options.policy ?? (() => DEFAULT_PROBE_POLICY);
    this.#clock = options.clock ?? Date.now;
    this.#shown = options.shown;
    this.#sender = options.settings.email ? smtpSender(options.settings.email.smtp) : null;
    this.#delivery = {
      log: options.store,
      now: this.#clock,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      incidentUrl: () => this.#statusUrl(),
      onStoreError: options.onStoreError ?? (() => {}),
      hurry: this.#hurry.signal,
      stop: this.#stop.signal,
    };
  }

  /** Which kinds are taken (the status page shows the form only when one is). */
  get kinds(): { email: boolean; webhook: boolean } {
    return { email: this.#settings.email !== null, webhook: this.#settings.webhooks };
  }

  /** Takes a subscription; throws a SubscriptionError when it cannot. Components are checked by the caller. */
  async subscribe(request: SubscribeRequest): Promise<SubscribeResult> {
    const at = this.#clock();
    const log = this.#store.subscriptions;
    await log.removePendingSubscriptions(at - CONFIRM_WITHIN_MS);
    if ("email" in request ? !this.#settings.email : !this.#settings.webhooks)
      throw new SubscriptionError(
        "E_SUBSCRIPTIONS_OFF",
        `${"email" in request ? "e-mail" : "webhook"} subscriptions are off on this status page`,
      );
    if ((await log.countSubscriptions()) >= this.#settings.max)
      throw new SubscriptionError(
        "E_SUBSCRIPTIONS_FULL",
        "this status page takes no more subscriptions now; follow its Atom or RSS feed instead",
      );
    const unsubscribeToken = newToken();
    const base = {
      id: randomUUID(),
      components: [...new Set(request.components)].sort(),
      unsubscribeToken,
      createdAt: at,
    };
    if ("email" in request) {
      const confirmToken = newToken();
      const row: StoredSubscription = {
        ...base,
        kind: "email",
        // Mail systems treat addresses without regard to case: one subscriber per mailbox.
        target: request.email.toLowerCase(),
        confirmHash: hashToken(confirmToken),
        confirmedAt: null,
      };
      await log.saveSubscription(row);
      const url = `${this.#baseUrl()}/status/subscriptions/confirm?token=${confirmToken}`;
      const mail = confirmationMail(
        this.#settings.email!.from,
        request.email,
        url,
        row.components,
        this.#pageName,
      );
      try {
        await this.#sender!.send(mail, AbortSignal.timeout(15_000));
      } catch (error) {
        await log.removeSubscription(unsubscribeToken);
        throw new SubscriptionError(
          "E_CONFIRMATION_MAIL",
          "the confirmation e-mail could not be sent; check the address or try again later",
          { cause: error },
        );
      }
      return { id: row.id, status: "pending" };
    }
    const challenge = randomBytes(16).toString("hex");
    let answer: string;
    try {
      answer = await httpPost(
        request.webhook,
        challengeBody(challenge, { status: this.#statusUrl() }),
        { ...JSON_HEADERS, "x-epicenter-event": "subscription.challenge" },
        AbortSignal.timeout(CHALLENGE_TIMEOUT_MS),
        this.#dispatcher(),
      );
    } catch (error) {
      throw new SubscriptionError(
        "E_WEBHOOK_CHALLENGE",
        `the webhook did not take the challenge: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!answer.includes(challenge))
      throw new SubscriptionError(
        "E_WEBHOOK_CHALLENGE",
        "the webhook answered without the challenge value: answer the challenge POST with its `challenge` in the body",
      );
    const row: StoredSubscription = {
      ...base,
      kind: "webhook",
      target: request.webhook,
      confirmHash: null,
      confirmedAt: at,
    };
    await log.saveSubscription(row);
    await log.removeOtherSubscriptions("webhook", row.target, row.id);
    return { id: row.id, status: "confirmed", unsubscribeUrl: this.#unsubscribeUrl(row) };
  }

  /** Follows a confirmation link: true when it confirmed a pending subscription (a link works once). */
  async confirm(token: string): Promise<boolean> {
    const at = this.#clock();
    const log = this.#store.subscriptions;
    const confirmed = await log.confirmSubscription(hashToken(token), at, at - CONFIRM_WITHIN_MS);
    // Subscribing again (other components, say) replaces the address's earlier subscription: one mail each.
    if (confirmed) await log.removeOtherSubscriptions("email", confirmed.target, confirmed.id);
    return confirmed !== null;
  }

  /** Follows an unsubscribe link: true when it removed a subscription. */
  async unsubscribe(token: string): Promise<boolean> {
    return (await this.#store.subscriptions.removeSubscription(token)) !== null;
  }

  /**
   * Queues the event for every confirmed subscriber who follows the incident; the promise settles with the
   * outcomes once each is done (delivered, given up or decided not to send). Never rejects.
   */
  async notify(notice: IncidentNotice): Promise<DeliveryOutcome[]> {
    if (this.#hurry.signal.aborted) return [];
    // Subscribers follow, and hear of, the incident as the public page shows it.
    const copy = structuredClone(notice.incident);
    const incident = this.#shown ? publicIncident(copy, this.#shown()) : copy;
    let subscribers: StoredSubscription[];
    try {
      subscribers = await this.#store.subscriptions.listConfirmedSubscriptions();
    } catch (error) {
      this.#delivery.onStoreError(error);
      return [];
    }
    return Promise.all(
      subscribers
        .filter((s) => follows(s.components, incident))
        .map((s) => this.#enqueue(this.#channel(s), notice, incident)),
    );
  }

  /**
   * On start, or on taking the lead: for each subscriber left with an open alert, delivers the resolve it is
   * owed when the incident resolved meanwhile, or the change when its named cause moved (as the notifier's
   * `resume`); an opening already delivered is never sent again. Never rejects.
   */
  async resume(): Promise<DeliveryOutcome[]> {
    const { log, onStoreError } = this.#delivery;
    try {
      const states = (await log.listUnresolvedAlertStates()).filter((s) => s.channel.startsWith(CHANNEL));
      if (states.length === 0) return [];
      const byId = new Map(
        (await this.#store.subscriptions.listConfirmedSubscriptions()).map((s) => [s.id, s]),
      );
      const jobs: Promise<DeliveryOutcome>[] = [];
      for (const state of states) {
        const subscriber = byId.get(state.channel.slice(CHANNEL.length));
        if (!subscriber) continue; // unsubscribed since: nobody left to tell
        const stored = await log.getIncident(state.incidentId);
        if (!stored) continue;
        const incident = this.#shown ? publicIncident(stored, this.#shown()) : stored;
        const type = incident.resolvedAt === null ? "changed" : "resolved";
        jobs.push(this.#enqueue(this.#channel(subscriber), { type, incident }, incident));
      }
      return await Promise.all(jobs);
    } catch (error) {
      onStoreError(error);
      return [];
    }
  }

  /** For shutdown: lets queued notices finish for at most `deadlineMs`, then abandons the rest and closes. */
  async drain(deadlineMs: number): Promise<boolean> {
    this.#hurry.abort(new Error("subscriptions draining"));
    const all = Promise.all([...this.#tails.values()]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const finished = await Promise.race([all.then(() => true as const), late]);
    clearTimeout(timer);
    if (!finished) {
      this.#stop.abort(new Error("subscriptions shut down before delivery"));
      await all;
    }
    this.#sender?.close();
    await this.#http.close();
    return finished;
  }

  #enqueue(
    channel: NotifyChannel,
    notice: IncidentNotice,
    incident: StoredIncident,
  ): Promise<DeliveryOutcome> {
    const job = () => deliver(this.#delivery, channel, notice.type, incident);
    const run = (this.#tails.get(channel.name) ?? Promise.resolve()).then(job, job);
    this.#tails.set(channel.name, run);
    void run.finally(() => {
      if (this.#tails.get(channel.name) === run) this.#tails.delete(channel.name);
    });
    return run;
  }

  /** A subscriber as a channel of the notifier's delivery. */
  #channel(s: StoredSubscription): NotifyChannel {
    const links: SubscriberLinks = { status: this.#statusUrl(), unsubscribe: this.#unsubscribeUrl(s) };
    const email = this.#settings.email;
    return {
      name: `${CHANNEL}${s.id}`,
      type: s.kind,
      filter: { events: NOTIFY_EVENTS, minConfidence: 0 },
      send: (n, signal) =>
        s.kind === "email" && email && this.#sender
          ? this.#sender.send(noticeMail(n, email.from, s.target, links), signal)
          : httpPost(
              s.target,
              noticeBody(n, links),
              { ...JSON_HEADERS, "x-epicenter-event": n.event },
              signal,
              this.#dispatcher(),
            ),
    };
  }

  #dispatcher(): Dispatcher {
    return this.#http.agentFor({ policy: this.#policy(), tlsVerify: true, reuse: true });
  }

  #statusUrl(): string {
    return `${this.#baseUrl()}/status`;
  }

  #unsubscribeUrl(s: StoredSubscription): string {
    return `${this.#baseUrl()}/status/subscriptions/unsubscribe?token=${s.unsubscribeToken}`;
  }
}
