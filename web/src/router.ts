/** A small history router: the path is the page, links push state, Back works, every page has a URL to share. */
import { useEffect, useState } from "react";

const listeners = new Set<() => void>();

export function navigate(to: string): void {
  history.pushState(null, "", to);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

/** The current path (null when malformed: a Not found page) and query; re-renders on navigation. */
export function useLocation(): { path: string | null; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((t) => t + 1);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return { path: decodedPath(location.pathname), search: new URLSearchParams(location.search) };
}

/**
 * The path as the pages match it, or null when its percent-encoding is malformed (`/components/%E0%A4%A`):
 * decodeURIComponent throws on those, and an exception while rendering blanks the whole app.
 */
function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** Follows same-origin links without a reload (modified clicks open tabs as usual). */
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = e.currentTarget.getAttribute("href");
  if (!href?.startsWith("/")) return;
  e.preventDefault();
  navigate(href);
}

export const componentPath = (id: string) => `/components/${id.split("/").map(encodeURIComponent).join("/")}`;
export const incidentPath = (id: string) => `/incidents/${encodeURIComponent(id)}`;
