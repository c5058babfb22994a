/** tags, group and groups: in epicenter.yaml: what they load to, and errors with file, line and key path. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { SourceError } from "../src/model/model-errors.js";

const yaml = (extra: string) => `catalog: false
components:
  - { id: acme/api, observed: true, group: Payments, tags: [team-pay, tier:1, team-pay] }
  - { id: acme/db, observed: true, group: Payments, tags: [db] }
  - { id: acme/web, observed: true }
${extra}`;

function errors(text: string): string[] {
  try {
    parseConfig("epicenter.yaml", text);
  } catch (error) {
    if (error instanceof SourceError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("groups and tags in epicenter.yaml", () => {
  it("keeps tags (deduplicated) and group on the components, and each named group's rule", () => {
    const config = parseConfig(
      "epicenter.yaml",
      yaml("groups:\n  Payments: { rule: atLeast, k: 2 }\n  acme: { rule: all }\n"),
    );
    const [api, db, web] = config.model.components;
    expect(api).toMatchObject({ id: "acme/api", group: "Payments", tags: ["team-pay", "tier:1"] });
    expect(db).toMatchObject({ group: "Payments", tags: ["db"] });
    expect(web!.group).toBeUndefined();
    expect(web!.tags).toBeUndefined();
    expect(config.groups).toEqual({ Payments: { rule: "atLeast", k: 2 }, acme: { rule: "all" } });
    expect(parseConfig("epicenter.yaml", yaml("")).groups).toEqual({});
  });

  it("names the file, line and key of a bad tag, group or rule", () => {
    expect(errors(yaml('  - { id: acme/x, tags: ["has space"] }'))).toEqual([
      expect.stringMatching(/^epicenter\.yaml:6 components\[3\]\.tags\[0\]: invalid tag "has space"/),
    ]);
    expect(errors(yaml('  - { id: acme/x, group: "" }'))).toEqual([
      expect.stringMatching(/^epicenter\.yaml:6 components\[3\]\.group: a group name cannot be empty/),
    ]);
    expect(errors(yaml("groups:\n  Payments: { rule: most }\n"))[0]).toMatch(
      /^epicenter\.yaml:\d+ groups\.Payments/,
    );
    expect(errors(yaml("groups:\n  Payments: { rule: atLeast }\n"))[0]).toMatch(
      /^epicenter\.yaml:\d+ groups\.Payments/,
    );
  });

  it("refuses a rule for a group no monitored component is in, and more than its members for atLeast", () => {
    expect(errors(yaml("groups:\n  Paymnets: { rule: all }\n"))).toEqual([
      'epicenter.yaml:7 groups.Paymnets: no monitored component is in group "Paymnets"; set `group: Paymnets` on components (groups in use: Payments)',
    ]);
    expect(errors(yaml("groups:\n  Payments: { rule: atLeast, k: 3 }\n"))).toEqual([
      'epicenter.yaml:7 groups.Payments.k: group "Payments" has 2 monitored components, so it can never have 3 down',
    ]);
  });
});
