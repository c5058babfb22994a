/**
 * The hub's former name: bench/ still imports it from here (outside this change). New code imports
 * `ReplicatedHub` from hub.ts; this file goes once bench/ does too.
 */
export { type HubModel, ReplicatedHub as EmbeddedHub } from "./hub.js";
