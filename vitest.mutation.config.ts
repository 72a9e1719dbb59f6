import { defineConfig } from "vitest/config";

// The unit tests of the pure modules: mutation testing runs the covering ones once per mutant, and
// the integration suites (a real Probot per test) would take hours on two cores. A score here is what
// the unit tests alone pin down.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    testTimeout: 20_000,
  },
});
