import createNextIntlPlugin from "next-intl/plugin";
import responseHeaders from "./lib/http/response-headers.json" with { type: "json" };

const withNextIntl = createNextIntlPlugin("./app/_framework/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build folder per checkout user lets parallel work build and test side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Event streams must not be gzip-buffered; a reverse proxy may compress the dashboard.
  compress: false,
  poweredByHeader: false,
  reactStrictMode: true,
  // Another gateway's database or config.yaml is uploaded through a server action (16 MB, see
  // lib/config-transfer/sources/upload.ts); every other action stays far below this.
  experimental: { serverActions: { bodySizeLimit: "17mb" } },
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "mysql2",
    "kysely",
    "pino",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/core",
  ],
  // The build type-checks the app only; tests and scripts are checked by `npm run typecheck`.
  typescript: { ignoreBuildErrors: false, tsconfigPath: "tsconfig.build.json" },
  // On every response (the fast lane for /v1 sends the same list); the dashboard's
  // Content-Security-Policy (with its nonce) is set in proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: Object.entries(responseHeaders).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default withNextIntl(nextConfig);
