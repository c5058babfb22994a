/**
 * What people wrote about an incident (POST /api/v1/incidents/{id}/updates): a status and a message each,
 * public (shown on the status page) or not. Kept beside the localizer's own history, never merged into it:
 * a person saying "resolved" does not close the localizer's incident. Shared by every replica.
 */
import type { Kysely } from "kysely";
import { INCIDENT_UPDATE_STATUSES, type IncidentUpdateStatus } from "../model/incident-update.js";
import type { IncidentUpdatesTable, StoreDatabase } from "./store-tables.js";

/** One stored update; times epoch ms. */
export interface StoredIncidentUpdate {
  id: string;
  incidentId: string;
  at: number;
  status: IncidentUpdateStatus;
  message: string;
  /** Shown on the public status page and in its Statuspage JSON. */
  public: boolean;
  /** The name of the token or user that wrote it (never the token itself). */
  author: string;
}

/** The store's incident updates. */
export interface IncidentUpdateLog {
  /** Inserts one update; an id stored already is left as it was. */
  addIncidentUpdate(update: StoredIncidentUpdate): Promise<void>;
  /** The updates of these incidents, oldest first (ties by id); none for an empty list. */
  listIncidentUpdates(incidentIds: readonly string[]): Promise<StoredIncidentUpdate[]>;
}

const statusOf = (s: string): IncidentUpdateStatus =>
  (INCIDENT_UPDATE_STATUSES as readonly string[]).includes(s) ? (s as IncidentUpdateStatus) : "investigating";

function fromRow(r: IncidentUpdatesTable): StoredIncidentUpdate {
  return {
    id: r.id,
    incidentId: r.incident_id,
    at: Number(r.at),
    status: statusOf(r.status),
    message: r.message,
    public: Number(r.public) === 1,
    author: r.author,
  };
}

/** PostgreSQL and SQLite both take this many bound parameters in one IN list with room to spare. */
const IDS_PER_QUERY = 500;

/** The Kysely implementation, one for every engine (the SQL is plain). */
export class KyselyIncidentUpdateLog implements IncidentUpdateLog {
  readonly #db: Kysely<StoreDatabase>;

  constructor(db: Kysely<StoreDatabase>) {
    this.#db = db;
  }

  async addIncidentUpdate(u: StoredIncidentUpdate): Promise<void> {
    await this.#db
      .insertInto("incident_updates")
      .values({
        id: u.id,
        incident_id: u.incidentId,
        at: u.at,
        status: u.status,
        message: u.message,
        public: u.public ? 1 : 0,
        author: u.author,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }

  async listIncidentUpdates(incidentIds: readonly string[]): Promise<StoredIncidentUpdate[]> {
    const ids = [...new Set(incidentIds)];
    const found: StoredIncidentUpdate[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const rows = await this.#db
        .selectFrom("incident_updates")
        .selectAll()
        .where("incident_id", "in", ids.slice(i, i + IDS_PER_QUERY))
        .execute();
      found.push(...rows.map(fromRow));
    }
    return found.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
