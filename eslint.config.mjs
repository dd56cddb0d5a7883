// Lint rules for the whole tree (run by `npm test` and `npm run lint`). Formatting is Prettier's.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layers (docs/architecture.md): db/ knows nothing of lib/, and neither db/ nor lib/
// knows the web framework or React.
const noFramework = [
  {
    group: ["next", "next/*", "next-auth", "next-auth/*", "next-intl", "next-intl/*"],
    message: "lib/ and db/ stay framework-free.",
  },
  { group: ["react", "react-dom", "react/*"], message: "lib/ and db/ stay free of React." },
];

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "data/**",
      "coverage/**",
      "next-env.d.ts",
      "**/*.d.ts",
      "tests/**/fixtures/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: { "no-undef": "off" },
  },
  {
    files: ["app/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  {
    files: ["lib/**/*.ts", "db/**/*.ts"],
    ignores: ["lib/**/*.tsx"],
    rules: { "no-restricted-imports": ["error", { patterns: noFramework }] },
  },
  {
    files: ["db/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...noFramework,
            { group: ["@/lib/*", "../lib/*", "../../lib/*"], message: "db/ imports nothing from lib/." },
          ],
        },
      ],
    },
  },
  prettier,
);
