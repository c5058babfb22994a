/**
 * Judges a live demo's incident lines against its chaos truth: what chaos failed, when, and what the localizer
 * said meanwhile. Each opened or renamed incident must name the active chaos target or a component no
 * observation can tell apart from it; no incident may outlive its cause by more than `maxRounds` rounds; a
 * re-opened incident must name the active target and affect only what that target impairs (not carry the old
 * episode's cause or affected list). Pure: the caller records the timeline (bench/live-truth-run.ts does).
 */
import type { Graph } from "../model/graph.js";
import { WhatIf } from "../whatif/what-if.js";
import type { ChaosKind } from "./demo-chaos.js";

/** One chaos fault as it happened, wall-clock ms; `end` null while it still held when the record ended. */
export interface ChaosSpan {
  target: string;
  kind: ChaosKind;
  start: number;
  end: number | null;
}

/** One incident line the hub printed, with what the incident held then. */
export interface IncidentLine {
  type: "opened" | "changed" | "resolved";
  /** Wall-clock ms when it was printed. */
  at: number;
  /** Start (ms) of the localizer round the line reports (the hub's rounds are `roundMs` buckets of the clock). */
  round: number;
  incident: string;
  /** First place of the ranked epicenter (what the line names); null when the incident names nothing. */
  epicenter: string | null;
  affected: readonly string[];
  /** The printed text, for reports. */
  text?: string;
}

export interface LiveTruthInput {
  chaos: readonly ChaosSpan[];
  lines: readonly IncidentLine[];
  /** The model the localizer knows (hidden dependencies left out): what observations can tell apart. */
  graph: Graph;
  vantages: readonly string[];
  roundMs: number;
  /**
   * How long after a fault ends an observation made during it may still arrive (a check's timeout): such an
   * observation reports the truth of its start, so the fault counts as observable until `end + lagMs`.
   */
  lagMs: number;
  /** Rounds an incident may outlive its cause (default 3). */
  maxRounds?: number;
  /** When the record ended (wall-clock ms): incidents open then past their deadline are judged too. */
  endedAt: number;
}

export type LiveTruthRule = "names-inactive" | "outlives" | "stale-reopen";

export interface LineVerdict {
  line: IncidentLine;
  right: boolean;
  /** Rules the line breaks (empty when right), with one reason each. */
  rules: LiveTruthRule[];
  reasons: string[];
  /** Index in `chaos` of the fault the incident belongs to (the one active when it opened), or null. */
  cause: number | null;
  /** This line reopened a resolved incident. */
  reopen: boolean;
  /** This line named (opened or renamed to) a new first place. */
  names: boolean;
}

/** What became of one chaos fault. */
export interface ChaosOutcome {
  span: ChaosSpan;
  /** Components no observation tells apart from the target (the target first). */
  equivalent: string[];
  /** Observed components the fault impairs (all of them for a blind vantage). */
  blast: string[];
  /** Incidents that opened (or reopened) while it was active. */
  incidents: string[];
  /** Wall-clock ms from its start to the first right line naming it; null when none did. */
  detectedAfterMs: number | null;
  /** Wall-clock ms from its end to the last resolve of its incidents; null when it had none or is still held. */
  resolvedAfterMs: number | null;
}

export interface LiveTruthVerdict {
  lines: LineVerdict[];
  /** Incidents still open when the record ended, past their cause's deadline (rule "outlives"). */
  lingering: { incident: string; cause: number | null; reason: string }[];
  chaos: ChaosOutcome[];
}

const DEFAULT_MAX_ROUNDS = 3;

/** Judges every line of `input` (in the order given, which must be the order printed). */
export function judgeLiveTruth(input: LiveTruthInput): LiveTruthVerdict {
  const maxRounds = input.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const truth = new ChaosTruth(input.graph, input.vantages);
  const roundOf = (t: number) => Math.floor(t / input.roundMs);
  const spans = input.chaos;
  const seenUntil = (s: ChaosSpan) => (s.end === null ? Number.POSITIVE_INFINITY : s.end + input.lagMs);
  /** Faults observable during the round starting at `round`. */
  const activeAt = (round: number): number[] =>
    spans.flatMap((s, i) => (s.start < round + input.roundMs && seenUntil(s) >= round ? [i] : []));
  /** The last round index an incident of fault `cause` (or opened at `openRound` with no cause) may be open. */
  const deadline = (cause: number | null, openRound: number): number => {
    if (cause === null) return roundOf(openRound) + maxRounds;
    const s = spans[cause]!;
    return s.end === null ? Number.POSITIVE_INFINITY : roundOf(seenUntil(s)) + maxRounds;
  };
  const describe = (i: number) => `${spans[i]!.target} (${spans[i]!.kind})`;

  interface Track {
    cause: number | null;
    openRound: number;
    epicenter: string | null;
    resolved: boolean;
  }
  const tracks = new Map<string, Track>();
  const verdicts: LineVerdict[] = [];
  for (const line of input.lines) {
    const rules: LiveTruthRule[] = [];
    const reasons: string[] = [];
    const fail = (rule: LiveTruthRule, reason: string) => {
      rules.push(rule);
      reasons.push(reason);
    };
    const active = activeAt(line.round);
    const naming = active.find(
      (i) => line.epicenter !== null && truth.equivalent(spans[i]!).has(line.epicenter),
    );
    const inactive = () =>
      active.length === 0
        ? `names ${line.epicenter ?? "nothing"} while no chaos fault is active`
        : `names ${line.epicenter ?? "nothing"}, but the active chaos fault is ${active.map(describe).join(", ")} (${[...truth.equivalent(spans[active[0]!]!)].join(", ")} cannot be told apart from it)`;
    let track = tracks.get(line.incident);
    let reopen = false;
    let names = false;
    if (line.type === "opened") {
      names = true;
      if (!track) {
        track = {
          cause: naming ?? active[0] ?? null,
          openRound: line.round,
          epicenter: null,
          resolved: false,
        };
        tracks.set(line.incident, track);
        if (naming === undefined) fail("names-inactive", inactive());
      } else {
        reopen = true;
        const staleName = track.resolved && naming === undefined;
        if (!track.resolved) fail("stale-reopen", "opened again while still open");
        if (staleName) fail("stale-reopen", `re-opened with a stale cause: ${inactive()}`);
        if (naming !== undefined) {
          const blast = new Set(truth.blast(spans[naming]!));
          const extra = line.affected.filter((a) => !blast.has(a));
          if (extra.length > 0)
            fail(
              "stale-reopen",
              `re-opened with stale state: ${line.affected.length} affected, but ${describe(naming)} impairs ${blast.size}; not impaired: ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ` and ${extra.length - 5} more` : ""}`,
            );
        }
        track.cause = naming ?? active[0] ?? null;
        track.openRound = line.round;
        track.resolved = false;
      }
    } else if (!track) {
      // A line for an incident the record never saw open (opened before it began): judged by its cause only.
      track = {
        cause: naming ?? active[0] ?? null,
        openRound: line.round,
        epicenter: line.epicenter,
        resolved: false,
      };
      tracks.set(line.incident, track);
    } else if (line.type === "changed" && line.epicenter !== track.epicenter) {
      names = true;
      if (naming === undefined) fail("names-inactive", `renamed: ${inactive()}`);
    }
    const last = deadline(track.cause, track.openRound);
    const r = roundOf(line.round);
    if (r > last && line.type !== "opened") {
      const cause =
        track.cause === null
          ? "its opening (no chaos fault behind it)"
          : `the end of ${describe(track.cause)}`;
      const by = r - (last - maxRounds);
      fail(
        "outlives",
        `${line.type === "resolved" ? "resolved" : "still open"} ${by} rounds after ${cause}; at most ${maxRounds} allowed`,
      );
    }
    track.epicenter = line.epicenter;
    if (line.type === "resolved") track.resolved = true;
    verdicts.push({ line, right: rules.length === 0, rules, reasons, cause: track.cause, reopen, names });
  }

  const lingering: LiveTruthVerdict["lingering"] = [];
  for (const [incident, t] of tracks) {
    if (t.resolved) continue;
    const last = deadline(t.cause, t.openRound);
    const r = roundOf(input.endedAt);
    if (r > last)
      lingering.push({
        incident,
        cause: t.cause,
        reason: `still open at the end, ${r - (last - maxRounds)} rounds after ${t.cause === null ? "its opening (no chaos fault behind it)" : `the end of ${describe(t.cause)}`}; at most ${maxRounds} allowed`,
      });
  }

  const chaos = spans.map((span, i): ChaosOutcome => {
    const own = verdicts.filter((v) => v.cause === i);
    const named = own.find((v) => v.right && v.names);
    const resolves = own.filter((v) => v.line.type === "resolved").map((v) => v.line.at);
    return {
      span,
      equivalent: [...truth.equivalent(span)],
      blast: truth.blast(span),
      incidents: [...new Set(own.filter((v) => v.line.type === "opened").map((v) => v.line.incident))],
      detectedAfterMs: named ? named.line.at - span.start : null,
      resolvedAfterMs: span.end !== null && resolves.length > 0 ? Math.max(...resolves) - span.end : null,
    };
  });
  return { lines: verdicts, lingering, chaos };
}

/**
 * What a chaos fault looks like from outside: the observed components it impairs and in which state (its
 * mark), and the components whose own failure would leave the same mark, so no observation can tell them
 * from it (a provider with a single product in the model and that product, say). A blind vantage is told
 * apart from everything else by its own observations: only its id names it.
 */
export class ChaosTruth {
  readonly #graph: Graph;
  readonly #vantages: ReadonlySet<string>;
  readonly #marks = new Map<string, string[]>();
  readonly #byComponent = new Map<string, string>();
  readonly #blast = new Map<string, string[]>();

  constructor(graph: Graph, vantages: readonly string[]) {
    this.#graph = graph;
    this.#vantages = new Set(vantages);
    const whatIf = new WhatIf(graph);
    for (let c = 0; c < graph.size; c++) {
      const hit: string[] = [];
      whatIf.forEachImpaired([c], (x, state) => {
        if (graph.observed[x]) hit.push(`${graph.ids[x]}=${state}`);
      });
      hit.sort();
      const mark = hit.join(",");
      this.#byComponent.set(graph.ids[c]!, mark);
      this.#blast.set(
        graph.ids[c]!,
        hit.map((h) => h.slice(0, h.lastIndexOf("="))),
      );
      this.#marks.set(mark, [...(this.#marks.get(mark) ?? []), graph.ids[c]!]);
    }
  }

  /** The target and every component no observation can tell apart from it, the target first. */
  equivalent(span: Pick<ChaosSpan, "target" | "kind">): Set<string> {
    const out = new Set([span.target]);
    if (span.kind === "vantage" || this.#vantages.has(span.target)) return out;
    const mark = this.#byComponent.get(span.target);
    if (mark === undefined || mark === "") return out;
    for (const id of this.#marks.get(mark) ?? []) out.add(id);
    return out;
  }

  /** Observed components the fault impairs, sorted; every observed component for a blind vantage. */
  blast(span: Pick<ChaosSpan, "target" | "kind">): string[] {
    if (span.kind === "vantage" || this.#vantages.has(span.target))
      return this.#graph.ids.filter((_, c) => this.#graph.observed[c]).sort();
    return [...(this.#blast.get(span.target) ?? [])];
  }
}
