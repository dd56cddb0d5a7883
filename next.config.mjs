import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./app/_framework/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build folder per checkout user lets parallel work build and test side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Event streams must not be gzip-buffered; a reverse proxy may compress the dashboard.
  compress: false,
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ["better-sqlite3", "pg", "kysely"],
  // The build type-checks the app only; tests and scripts are checked by `npm run typecheck`.
  typescript: { ignoreBuildErrors: false, tsconfigPath: "tsconfig.build.json" },
  // On every response; the dashboard's Content-Security-Policy (with its nonce) is set in proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
