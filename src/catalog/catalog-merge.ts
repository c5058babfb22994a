/** The model a config describes: its own components over the built-in catalog. */
import type { ComponentSpec } from "../model/model-types.js";
import { catalogComponents } from "./catalog-data.js";

/** User components first (file order, so error paths stay true), then catalog entries the user did not override. */
export function mergeCatalog(user: ComponentSpec[], includeCatalog: boolean): ComponentSpec[] {
  if (!includeCatalog) return user;
  const declared = new Set(user.map((c) => c.id));
  return [...user, ...catalogComponents().filter((c) => !declared.has(c.id))];
}
