/** What the hub runs and how: the model, its store and bus, its clock, and the hooks it tells. */

import type { Bus, LeaderLock } from "../bus/bus.js";
import type { GroupRule } from "../model/group-rule.js";
import type { MaintenanceSpec } from "../model/maintenance-schedule.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { Observation } from "../model/observation.js";
import type { Check } from "../probe/check-types.js";
import type { Store } from "../store/store.js";
import type { HubUser } from "./hub-api.js";
import type { LedgerEvent } from "./incident-ledger.js";
import type { MaintenanceNotice } from "./maintenance-book.js";

export interface HubModel {
  components: ComponentSpec[];
  vantages: string[];
  checks: Check[];
  /** Who may log in with a password (the config's `server.users`); none when absent. */
  users?: HubUser[];
  /** The config's maintenance windows (`maintenance:`); none when absent. */
  maintenance?: MaintenanceSpec[];
  /** The config's `groups:` rules; a group not named (or all, when absent) follows `any`. */
  groups?: Record<string, GroupRule>;
}

export interface ReplicatedHubOptions {
  store: Store;
  bus: Bus;
  model: HubModel;
  clock?: () => number;
  /** Localizer round; default: the most common check interval, within 5 s .. 60 s. */
  roundMs?: number;
  /** How long after a round's end its late observations are still counted (default 2 s). */
  graceMs?: number;
  /** How often the ticker runs (default 1 s). */
  tickMs?: number;
  /** How long an incident left open by a previous run waits for its successor (default 6 rounds). */
  adoptWithinMs?: number;
  /** Called after each incident event is stored, in order. */
  onIncident?: (event: LedgerEvent) => void | Promise<void>;
  /** Called by the leader when a maintenance window begins or ends (the notifier's maintenance notices). */
  onMaintenance?: (notice: MaintenanceNotice) => void | Promise<void>;
  /** Reports trouble the hub survives (a failed rollup, a failed publish). */
  onWarning?: (message: string) => void;
  /**
   * Hub replicas sharing a durable bus and a store: only the holder of this lock stores incidents and calls
   * `onIncident`; every replica ingests, serves and runs its localizer (so a standby is warm). Absent: this
   * hub always leads.
   */
  leaderLock?: LeaderLock;
  /** Names this replica's own consumer group on a durable bus (default: random). */
  replicaId?: string;
  /** Told when this replica starts or stops leading. */
  onLeadership?: (leading: boolean) => void;
  /** Back-pressure bound on observations in flight (see HubIngestOptions.maxBacklog; default 50,000). */
  maxIngestBacklog?: number;
  /** Measurement hook: told when the localizer takes a batch (`at` = the hub's clock then). */
  onTaken?: (batch: Observation[], at: number) => void;
}
