/**
 * The incident page's form for a person's update (POST /api/v1/incidents/{id}/updates): a status, a message
 * and whether the status page shows it. Editors only: anyone else gets the hub's refusal, shown in words.
 */
import { type FormEvent, useState } from "react";
import { api } from "./api.js";
import { Problem } from "./ui.js";

const STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
/** As the API bounds it (src/model/incident-update.ts). */
const MAX_MESSAGE = 5000;

export function IncidentUpdateForm({ id, onPosted }: { id: string; onPosted: () => void }) {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("investigating");
  const [message, setMessage] = useState("");
  const [shown, setShown] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    api(`/api/v1/incidents/${encodeURIComponent(id)}/updates`, {
      method: "POST",
      body: { status, message, public: shown },
    }).then(
      () => {
        setBusy(false);
        setError(null);
        setMessage("");
        onPosted();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  };
  return (
    <form className="update-form" onSubmit={submit} aria-labelledby="update-form-title">
      <h3 id="update-form-title">Post an update</h3>
      <p className="legend">
        Editors only. A person's “resolved” is what the team says; the incident itself resolves when its
        checks recover.
      </p>
      <label htmlFor="update-status">Status</label>{" "}
      <select
        id="update-status"
        value={status}
        onChange={(e) => setStatus(e.target.value as (typeof STATUSES)[number])}
      >
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <label htmlFor="update-message">Message</label>
      <textarea
        id="update-message"
        value={message}
        maxLength={MAX_MESSAGE}
        rows={3}
        required
        onChange={(e) => setMessage(e.target.value)}
      />
      <label>
        <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} /> Show on the
        public status page
      </label>{" "}
      <button type="submit" disabled={busy}>
        Post update
      </button>
      <Problem error={error} />
    </form>
  );
}
