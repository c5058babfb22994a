/**
 * The status page's list of what the team wrote about an incident: the public updates people posted
 * (Statuspage ids `upd-…`, src/server/incident-update-json.ts), oldest first, as text.
 */
import type { StatusIncidents } from "./api.js";
import { clock } from "./ui.js";

type Update = StatusIncidents["incidents"][number]["incident_updates"][number];

/** Ids of people's updates start so (HUMAN_UPDATE_PREFIX on the server). */
const PERSON = "upd-";

export function StatusUpdates({ updates }: { updates: readonly Update[] }) {
  const written = updates.filter((u) => u.id.startsWith(PERSON)).reverse();
  if (written.length === 0) return null;
  return (
    <ol className="status-updates" aria-label="Updates from the team">
      {written.map((u) => (
        <li key={u.id}>
          <strong>{u.status}</strong> <time dateTime={u.display_at}>{clock(u.display_at)}</time>:{" "}
          <span className="update-message">{u.body}</span>
        </li>
      ))}
    </ol>
  );
}
