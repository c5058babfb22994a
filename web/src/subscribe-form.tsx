/**
 * The status page's subscription form (POST /status/api/subscriptions): an e-mail address and, optionally,
 * the services to hear about (none ticked: all). Shown only when the hub takes e-mail subscriptions
 * (GET /status/api/subscriptions); the answer, or the hub's refusal, is said in words where screen readers
 * hear it.
 */
import { type FormEvent, useState } from "react";
import { api } from "./api.js";
import { Problem, useLoad } from "./ui.js";

/** As GET /status/api/subscriptions answers (src/server/subscription-routes.ts). */
interface Kinds {
  email: boolean;
  webhook: boolean;
}

const loadKinds = () => api<Kinds>("/status/api/subscriptions", { token: null });

export function SubscribeForm({ services }: { services: readonly { id: string; name: string }[] }) {
  const kinds = useLoad("status-subscriptions", loadKinds);
  const [email, setEmail] = useState("");
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  if (!kinds.data?.email) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setSaid(null);
    api<{ message: string }>("/status/api/subscriptions", {
      method: "POST",
      token: null,
      body: { email: email.trim(), components: chosen },
    }).then(
      (answer) => {
        setBusy(false);
        setSaid({ ok: true, text: answer.message });
        setEmail("");
      },
      (failure: unknown) => {
        setBusy(false);
        const why = failure instanceof Error ? failure.message : String(failure);
        setSaid({ ok: false, text: `Not subscribed: ${why}` });
      },
    );
  };
  const toggle = (id: string, on: boolean) =>
    setChosen((list) => (on ? [...list, id] : list.filter((x) => x !== id)));
  return (
    <form className="card subscribe-form" onSubmit={submit} aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Get incident e-mails</h2>
      <p className="legend">We send a link to confirm first; every mail has a link to unsubscribe.</p>
      <label htmlFor="subscribe-email">E-mail address</label>{" "}
      <input
        id="subscribe-email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      {services.length > 0 ? (
        <fieldset>
          <legend>Only these services (optional; none ticked: all)</legend>
          {services.map((s) => (
            <label key={s.id} className="subscribe-choice">
              <input
                type="checkbox"
                checked={chosen.includes(s.id)}
                onChange={(e) => toggle(s.id, e.target.checked)}
              />{" "}
              {s.name}
            </label>
          ))}
        </fieldset>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Subscribing…" : "Subscribe"}
      </button>
      {/* Always in the page, so a screen reader announces what lands in it; a refusal is an alert. */}
      <p role="status" data-testid="subscribe-said">
        {said?.ok ? said.text : ""}
      </p>
      <Problem error={said && !said.ok ? said.text : null} />
    </form>
  );
}
