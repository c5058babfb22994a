/**
 * What the leader writes of the model it runs, for people and tools reading the store: the components (a
 * snapshot under the hash of their JSON) and the checks, each masked: secrets stay in the config, and
 * nothing runs a check from the table.
 */
import { createHash } from "node:crypto";
import type { ComponentSpec } from "../model/model-types.js";
import { redactCheck } from "../probe/check-redaction.js";
import type { Check } from "../probe/check-types.js";
import type { Store } from "../store/store.js";

export async function saveModelSnapshot(
  store: Pick<Store, "saveModelSnapshot" | "replaceChecks">,
  model: { components: ComponentSpec[]; checks: Check[] },
  now: number,
): Promise<void> {
  const json = JSON.stringify(model.components);
  const hash = createHash("sha256").update(json).digest("hex").slice(0, 16);
  await store.saveModelSnapshot(hash, model.components, now);
  await store.replaceChecks(
    model.checks.map((c) => ({
      id: c.id,
      component: c.component,
      type: c.type,
      spec: redactCheck(c),
      updatedAt: now,
    })),
  );
}
