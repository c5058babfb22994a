/**
 * People's updates to an incident over HTTP: POST /api/v1/incidents/{id}/updates (editors), and the updates
 * and human status that GET /api/v1/incidents/{id} shows beside the localizer's history.
 */
import type { Hub } from "../hub/hub-api.js";
import { humanStatus, MAX_UPDATES_PER_INCIDENT } from "../model/incident-update.js";
import type { StoredIncident } from "../store/store.js";
import { ApiError } from "./api-errors.js";
import {
  HUMAN_UPDATE_PREFIX,
  incidentUpdateBody,
  incidentUpdateResponse,
  renderIncidentUpdate,
} from "./incident-update-json.js";
import { defineRoute, type Route } from "./route-table.js";

/** An incident's updates, oldest first, and its human status (the latest one's), for the incident's JSON. */
export async function humanUpdatesJson(hub: Hub, incident: StoredIncident) {
  const updates = await hub.incidentUpdates.listIncidentUpdates([incident.id]);
  return { updates: updates.map(renderIncidentUpdate), humanStatus: humanStatus(updates) };
}

export const incidentUpdateRoutes: Route[] = [
  defineRoute({
    method: "POST",
    path: "/api/v1/incidents/{id}/updates",
    access: "editor",
    tag: "incidents",
    summary:
      "Post a person's update to an incident: {status: investigating|identified|monitoring|resolved, message, public}; public ones show on the status page. A person's \"resolved\" does not close the localizer's incident",
    params: { id: { description: "Incident id" } },
    body: incidentUpdateBody,
    bodyLimit: 32 * 1024,
    response: incidentUpdateResponse,
    responses: {
      201: "`{update: {id, at, status, message, public, author}}`",
      404: "No such incident",
      409: `The incident has ${MAX_UPDATES_PER_INCIDENT} updates already`,
    },
    handler: async ({ c, hub, params, body, caller, now }) => {
      const incident = await hub.incident(params.id!);
      if (!incident) throw new ApiError(404, "not_found", `no incident "${params.id}"`);
      const written = await hub.incidentUpdates.listIncidentUpdates([incident.id]);
      if (written.length >= MAX_UPDATES_PER_INCIDENT)
        throw new ApiError(
          409,
          "too_many_updates",
          `incident "${incident.id}" has ${written.length} updates, the most one incident takes (the status page lists them all); keep a longer log elsewhere and link it from the incident's channel`,
        );
      const update = {
        id: `${HUMAN_UPDATE_PREFIX}${crypto.randomUUID()}`,
        incidentId: incident.id,
        at: now(),
        status: body.status,
        message: body.message,
        public: body.public,
        author: caller!.name,
      };
      await hub.incidentUpdates.addIncidentUpdate(update);
      return c.json({ update: renderIncidentUpdate(update) }, 201);
    },
  }),
];
