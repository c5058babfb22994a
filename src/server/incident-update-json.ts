/**
 * What people wrote about an incident, as JSON: the API's body and answer, and the Statuspage
 * `incident_updates` entries the status page shows for the public ones. Messages are plain text here (JSON
 * escapes them); the pages render them as text and the feeds through xmlText, never as markup.
 */
import * as z from "zod";
import { INCIDENT_UPDATE_STATUSES, MAX_UPDATE_MESSAGE } from "../model/incident-update.js";
import type { StoredIncidentUpdate } from "../store/incident-update-store.js";
import { iso } from "./api-render.js";

/** Ids of people's updates start so; the localizer's Statuspage updates are `<incident>-<n>`. */
export const HUMAN_UPDATE_PREFIX = "upd-";

// Control characters other than tab and newlines have no place in a status post, and PostgreSQL's text takes no NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const incidentUpdateBody = z.strictObject({
  status: z.enum(INCIDENT_UPDATE_STATUSES),
  message: z
    .string()
    .trim()
    .min(1, "message is empty")
    .max(MAX_UPDATE_MESSAGE, `message is longer than ${MAX_UPDATE_MESSAGE} characters`)
    .refine((m) => !CONTROL.test(m), "message holds a control character"),
  public: z
    .boolean()
    .default(false)
    .meta({ description: "Shown on the public status page and its JSON (default false: the team only)" }),
});

export const incidentUpdateJson = z.strictObject({
  id: z.string(),
  at: z.iso.datetime(),
  status: z.enum(INCIDENT_UPDATE_STATUSES),
  message: z.string(),
  public: z.boolean(),
  author: z.string().meta({ description: "The name of the token or user that wrote it" }),
});

export const incidentUpdateResponse = z.strictObject({ update: incidentUpdateJson });

export function renderIncidentUpdate(u: StoredIncidentUpdate): z.output<typeof incidentUpdateJson> {
  return {
    id: u.id,
    at: iso(u.at),
    status: u.status,
    message: u.message,
    public: u.public,
    author: u.author,
  };
}
