/** Small shared pieces: links, state badges, a data-loading hook, and plain formatting of times and confidences. */
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { ApiFailure } from "./api.js";
import type { ShownState, StateWord } from "./beliefs.js";
import { navigate, onLinkClick } from "./router.js";

export function Link(props: { href: string; children: ReactNode; className?: string }) {
  return (
    <a href={props.href} onClick={onLinkClick} className={props.className}>
      {props.children}
    </a>
  );
}

const STATUS_WORDS: Record<string, string> = {
  up: "up",
  degraded: "degraded",
  partial: "partly down",
  down: "down",
  unknown: "not checked yet",
  failing: "failing",
  affected: "affected",
};

export function Badge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge s-${status}`}>{label ?? STATUS_WORDS[status] ?? status}</span>;
}

function Word({ word }: { word: StateWord }) {
  return (
    <span className={`badge s-${word.status} ${word.source}`} data-source={word.source}>
      {word.word}
      <span className="how"> · {word.source}</span>
    </span>
  );
}

/** A component's state in words that say how it is known: "down · observed", "likely down · believed". */
export function StateBadge({ shown }: { shown: ShownState }) {
  return (
    <span className="state" data-testid="state">
      <Word word={shown.main} />
      {shown.belief ? (
        <>
          {" "}
          <Word word={shown.belief} />
        </>
      ) : null}
    </span>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/**
 * Loads `load()` now and whenever `key` changes; a 401 sends the reader to the login page. `keep`: the last
 * data stays shown while the next loads (a live view that redraws in place), instead of "Loading…".
 */
export function useLoad<T>(key: string, load: () => Promise<T>, keep = false): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    loadRef.current().then(
      (d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        if (e instanceof ApiFailure && e.status === 401) {
          navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
          return;
        }
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key is what decides a reload
  useEffect(() => {
    if (!keep) setData(null);
    reload();
  }, [key, reload, keep]);
  return { data, error, reload };
}

export function Problem({ error }: { error: string | null }) {
  return error ? (
    <p className="problem" role="alert">
      {error}
    </p>
  ) : null;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** "4 min", "1 h 12 min", "2 d 3 h". */
export function duration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function clock(isoTime: string): string {
  const d = new Date(isoTime);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

/** Re-renders every `ms` (for "how long" figures). */
export function useTick(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
