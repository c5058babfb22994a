import { defineConfig } from "vitest/config";

// .ci/run sets EPICENTER_TEST_REPORT to collect exact counts for its closing line.
const report = process.env.EPICENTER_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    ...(report ? { reporters: ["default", "json"], outputFile: { json: report } } : {}),
  },
});
