// Test tiers are jest projects: `unit` (pure code), `integration` (the gateway client against a
// real sandbox over HTTP, Redis/PostgreSQL where used), `medusa` (test/integration/medusa: a real Medusa app
// through @medusajs/test-utils: run apart, one process per tier, see scripts/test.mjs), `install` (the
// packed plugin in a new store, test/install), `e2e` (browser).
const transform = {
  "^.+\\.[jt]sx?$": [
    "@swc/jest",
    { jsc: { parser: { syntax: "typescript", decorators: true, tsx: true }, target: "es2022" } },
  ],
}
const base = {
  transform,
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "tsx", "json"],
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.medusa/"],
}
module.exports = {
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    {
      ...base,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/integration/medusa/"],
    },
    // Real Medusa apps (one database per file): always in a jest process of their own.
    { ...base, displayName: "medusa", testMatch: ["<rootDir>/test/integration/medusa/**/*.test.ts"] },
    // The packed plugin installed into a throw-away store (test/install): its own process too.
    { ...base, displayName: "install", testMatch: ["<rootDir>/test/install/**/*.test.ts"] },
    { ...base, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
  ],
}
