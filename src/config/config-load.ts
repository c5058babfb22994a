/**
 * Loads epicenter.yaml into plain data for the parts that take it: the model (user components merged over the
 * built-in catalog), checks and the probe policy, notification channels, server logins, retention. Its inputs
 * are explicit: the environment for `${VAR}` references and the reader for files (the config, CA files).
 */
import { dirname, resolve } from "node:path";
import type * as z from "zod";
import { mergeCatalog } from "../catalog/catalog-merge.js";
import type { HubUser } from "../hub/hub-api.js";
import { normaliseComponent } from "../model/component-schema.js";
import { parseDuration } from "../model/duration.js";
import type { Env } from "../model/env-refs.js";
import { type GroupRule, groupOf } from "../model/group-rule.js";
import { latestMaintenanceEnd, type MaintenanceSpec } from "../model/maintenance-schedule.js";
import { checkModel } from "../model/model-check.js";
import { SourceError, type SourceIssue } from "../model/model-errors.js";
import type { ComponentSpec, Model } from "../model/model-types.js";
import { parseYamlSource, throwIfAny, type YamlSource, zodIssues } from "../model/yaml-source.js";
import type { ChannelConfig } from "../notify/channel-schema.js";
import type { SubscriptionSettings } from "../notify/subscription-schema.js";
import { normaliseCheck } from "../probe/check-normalise.js";
import { checkChecks } from "../probe/check-rules.js";
import { checkForTarget, TargetError } from "../probe/check-target.js";
import type { Check } from "../probe/check-types.js";
import type { NameServers } from "../probe/name-server.js";
import type { probesSchema } from "../probe/probes-schema.js";
import type { ProbePolicy } from "../probe/target-guard.js";
import { publicBase } from "../server/host-policy.js";
import { DEFAULT_RETENTION, type Retention } from "../store/store.js";
import { configSchema } from "./config-schema.js";
import { type ReadFile, readSource, readTextFile } from "./source-file.js";
import { type VantagePlace, vantageId, vantagePlaces } from "./vantage-schema.js";

/** What loading depends on besides the text: `${VAR}` values (default none) and a file reader (default node:fs). */
export interface ConfigInputs {
  env?: Env;
  readFile?: ReadFile;
  /** The time one-off maintenance windows are bounded from (default: the clock's). */
  now?: number;
}

export interface Config {
  file: string;
  vantages: string[];
  /** Where vantages run (`vantages: [{id, region}]` or `{id, location}`), for the world map. */
  vantagePlaces: Map<string, VantagePlace>;
  model: Model;
  /** How many components came from the user's file (the rest from the catalog). */
  userComponents: number;
  /** `allowEmpty: true`: a reload may leave no checks or no components (reload-guard.ts). */
  allowEmpty: boolean;
  /** Notification channels, secrets resolved from `${ENV_VAR}` references. */
  notifications: ChannelConfig[];
  /** Every component's checks, in file order, ids `<component>#<n>` unless named. */
  checks: Check[];
  /** The target guard's policy; extra CAs read (PEM text). */
  probes: ProbePolicy;
  /** `probes.resolver`: the DNS server each vantage's checks ask; absent: the system's resolver. */
  resolvers?: NameServers;
  /** `publicUrl`: where users reach the hub, without a trailing slash; absent: any Host is answered. */
  server: { anonymousRead: boolean; users: HubUser[]; publicUrl?: string };
  /** History kept, ms (DEFAULT_RETENTION where the file says nothing). */
  retention: Retention;
  /** What each vantage probes to judge its own health (`probes.anchors`); empty: no self-check. */
  anchors: Check[];
  /** `maintenance:`: planned windows, one-off or recurring, their components known to the model. */
  maintenance: MaintenanceSpec[];
  /** `status.subscriptions`: what the status page's subscriptions may do; null: they are off. */
  subscriptions: SubscriptionSettings | null;
  /** `groups:`: each named group's rule (group-rule.ts); a group not named follows `any`. */
  groups: Record<string, GroupRule>;
}

export function loadConfigFile(file: string, inputs: ConfigInputs = {}): Config {
  return parseConfig(file, readSource(file, inputs.readFile ?? readTextFile), inputs);
}

export function parseConfig(file: string, text: string, inputs: ConfigInputs = {}): Config {
  const source = parseYamlSource(file, text);
  return configFromSource(source, inputs);
}

export function configFromSource(source: YamlSource, inputs: ConfigInputs = {}): Config {
  const parsed = configSchema(inputs.env ?? {}).safeParse(source.value ?? {});
  if (!parsed.success) throw new SourceError(zodIssues(source, parsed.error.issues));
  const user = parsed.data.components.map((input) => {
    const spec = normaliseComponent(input);
    // A component with checks is observed unless the file says otherwise.
    if (input.observed === undefined && (input.checks?.length ?? 0) > 0) spec.observed = true;
    return spec;
  });
  const components = mergeCatalog(user, parsed.data.catalog ?? true);
  const vantageIds = (parsed.data.vantages ?? []).map(vantageId);
  throwIfAny(
    checkModel(components, vantageIds).map((p) => {
      const [i, ...rest] = p.path as [number, ...(string | number)[]];
      if (i < user.length) return source.issue(["components", i, ...rest], p.message);
      return { file: source.file, line: 0, path: `catalog ${components[i]!.id}`, message: p.message };
    }),
  );
  const where: (string | number)[][] = [];
  const defaults = { reuse: parsed.data.probes?.reuse };
  const checks = parsed.data.components.flatMap((c, i) =>
    (c.checks ?? []).map((input, j) => {
      where.push(["components", i, "checks", j]);
      return normaliseCheck(c.id, input, j + 1, defaults);
    }),
  );
  const ids = new Set(components.map((c) => c.id));
  throwIfAny(
    checkChecks(checks, ids, vantageIds).map((p) => source.issue([...where[p.check]!, ...p.path], p.message)),
  );
  const maintenance = parsed.data.maintenance ?? [];
  const latest = latestMaintenanceEnd(inputs.now ?? Date.now());
  throwIfAny(
    maintenance.flatMap((m, i) => [
      ...m.components.flatMap((c, j) =>
        ids.has(c) ? [] : [source.issue(["maintenance", i, "components", j], `unknown component "${c}"`)],
      ),
      ...(m.kind === "once" && m.end > latest
        ? [
            source.issue(
              ["maintenance", i, "end"],
              `ends more than two years from now (after ${new Date(latest).toISOString()}); a one-off window must end by then (for standing work use rrule and duration)`,
            ),
          ]
        : []),
    ]),
  );
  return {
    file: source.file,
    vantages: vantageIds,
    vantagePlaces: vantagePlaces(parsed.data.vantages ?? []),
    model: { components },
    userComponents: user.length,
    allowEmpty: parsed.data.allowEmpty ?? false,
    notifications: parsed.data.notifications ?? [],
    checks,
    probes: probePolicy(source, parsed.data.probes ?? {}, inputs.readFile ?? readTextFile),
    // Closed by default: a hub watching a team's own services should not show them to anyone who asks.
    server: {
      anonymousRead: parsed.data.server?.anonymousRead ?? false,
      users: parsed.data.server?.users ?? [],
      ...(parsed.data.server?.publicUrl === undefined
        ? {}
        : { publicUrl: publicBase(parsed.data.server.publicUrl) }),
    },
    anchors: anchorChecks(source, parsed.data.probes?.anchors ?? []),
    ...resolversOf(source, parsed.data.probes?.resolver, vantageIds),
    retention: retentionOf(source, parsed.data.storage?.retention),
    maintenance,
    subscriptions: parsed.data.status?.subscriptions ?? null,
    groups: groupsOf(source, parsed.data.groups ?? {}, components),
  };
}

/**
 * `groups:`: every group named must hold a monitored component (a typo would silently leave its rule unused),
 * and `atLeast` cannot ask for more members than it has (it could never be down).
 */
function groupsOf(
  source: YamlSource,
  rules: Record<string, GroupRule>,
  components: readonly ComponentSpec[],
): Record<string, GroupRule> {
  const members = new Map<string, number>();
  for (const c of components) if (c.observed) members.set(groupOf(c), (members.get(groupOf(c)) ?? 0) + 1);
  throwIfAny(
    Object.entries(rules).flatMap(([name, rule]) => {
      const n = members.get(name) ?? 0;
      if (n === 0) {
        const known = [...members.keys()].filter((g) => components.some((c) => c.group === g));
        return [
          source.issue(
            ["groups", name],
            `no monitored component is in group "${name}"; set \`group: ${name}\` on components` +
              (known.length > 0 ? ` (groups in use: ${known.join(", ")})` : ""),
          ),
        ];
      }
      if (rule.rule === "atLeast" && rule.k > n)
        return [
          source.issue(
            ["groups", name, "k"],
            `group "${name}" has ${n} monitored component${n === 1 ? "" : "s"}, so it can never have ${rule.k} down`,
          ),
        ];
      return [];
    }),
  );
  return rules;
}

/** `storage.retention`: each at least an hour (rollups are recomputed from the kind below over the last hour). */
function retentionOf(
  source: YamlSource,
  r: { raw?: string | number; minute?: string | number; hour?: string | number } = {},
): Retention {
  const issues: SourceIssue[] = [];
  const ms = (key: "raw" | "minute" | "hour", fallback: number) => {
    const v = r[key];
    if (v === undefined) return fallback;
    const value = Math.round(parseDuration(v)! * 1000);
    if (value < 3_600_000)
      issues.push(source.issue(["storage", "retention", key], `must be at least 1h, not "${v}"`));
    return value;
  };
  const retention = {
    rawMs: ms("raw", DEFAULT_RETENTION.rawMs),
    minuteMs: ms("minute", DEFAULT_RETENTION.minuteMs),
    hourMs: ms("hour", DEFAULT_RETENTION.hourMs),
  };
  throwIfAny(issues);
  return retention;
}

/** `probes.resolver` as NameServers; a vantage it names must be one of `vantages` (when the file lists them). */
function resolversOf(
  source: YamlSource,
  input: z.output<typeof probesSchema>["resolver"],
  vantages: string[],
): { resolvers?: NameServers } {
  if (input === undefined) return {};
  if (typeof input === "string") return { resolvers: { default: input, vantages: {} } };
  const named = input.vantages ?? {};
  throwIfAny(
    Object.keys(named)
      .filter((v) => vantages.length > 0 && !vantages.includes(v))
      .map((v) =>
        source.issue(
          ["probes", "resolver", "vantages", v],
          `unknown vantage "${v}"; the config's vantages are ${vantages.join(", ")}`,
        ),
      ),
  );
  return { resolvers: { ...(input.default ? { default: input.default } : {}), vantages: named } };
}

/** `probes.anchors` as checks, every 30 s; the agent reports their results on its own vantage. */
function anchorChecks(source: YamlSource, targets: string[]): Check[] {
  const issues: SourceIssue[] = [];
  const checks = targets.flatMap((target, i) => {
    try {
      return [{ ...checkForTarget(target, 5000, `anchor#${i + 1}`, "anchor"), intervalMs: 30_000 }];
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      issues.push(source.issue(["probes", "anchors", i], error.message));
      return [];
    }
  });
  throwIfAny(issues);
  return checks;
}

/** The probe policy, extra CAs given as file paths (relative to the config file) read into PEM text. */
function probePolicy(
  source: YamlSource,
  input: z.output<typeof probesSchema>,
  readFile: ReadFile,
): ProbePolicy {
  const issues: SourceIssue[] = [];
  const ca = (input.ca ?? []).map((anchor, i) => {
    if (anchor.includes("-----BEGIN CERTIFICATE-----")) return anchor;
    const path = resolve(dirname(resolve(source.file)), anchor);
    try {
      const pem = readFile(path);
      if (!pem.includes("-----BEGIN CERTIFICATE-----"))
        issues.push(source.issue(["probes", "ca", i], `${anchor} holds no PEM certificate`));
      return pem;
    } catch (error) {
      issues.push(
        source.issue(
          ["probes", "ca", i],
          `cannot read ${anchor}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        ),
      );
      return "";
    }
  });
  throwIfAny(issues);
  return { deny: input.deny ?? [], allow: input.allow ?? [], ca };
}
