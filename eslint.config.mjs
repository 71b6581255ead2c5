import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["node_modules/", ".medusa/", "dist/", "admin/dist/", ".demo/", "test-artifacts/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URL: "readonly", URLSearchParams: "readonly", fetch: "readonly", Headers: "readonly", require: "readonly", module: "writable", __dirname: "readonly", setInterval: "readonly", clearInterval: "readonly", document: "readonly", window: "readonly", AbortController: "readonly", TextEncoder: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/ban-ts-comment": "error",
    },
  },
  { files: ["**/*.js", "**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  {
    files: ["demo/storefront/**/*.js"],
    languageOptions: { sourceType: "module", globals: { localStorage: "readonly", location: "readonly", Intl: "readonly" } },
  }
)
