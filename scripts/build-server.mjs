// Builds the production server (server/*.ts and the lib/ code it calls) into one ES module
// beside Next's build. Packages stay in node_modules; `server-only` (which only guards
// against client bundles) becomes an empty module.
import { build } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export function serverBundlePath(root, distDir) {
  return join(root, distDir, "gateway-server", "main.mjs");
}

const emptyServerOnly = {
  name: "server-only",
  setup(builder) {
    builder.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    builder.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "" }));
  },
};

export async function buildServer({ root, distDir }) {
  await build({
    entryPoints: [join(root, "server", "main.ts")],
    outfile: serverBundlePath(root, distDir),
    bundle: true,
    platform: "node",
    target: "node20",
    // ESM, so packages load as Next's server bundles load them (`import`): a package with
    // both builds (Kysely) is then one module instance, shared with Next, not two.
    format: "esm",
    packages: "external",
    sourcemap: "linked",
    tsconfig: join(root, "tsconfig.json"),
    plugins: [emptyServerOnly],
    logLevel: "warning",
  });
}

// `node scripts/build-server.mjs` (npm run build, and ensureBuild after `next build`).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  await buildServer({ root, distDir: process.env.NEXT_DIST_DIR || ".next" });
}
