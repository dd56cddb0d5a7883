// The production server, as built by `npm run build` from server/main.ts (typed code, see
// docs/architecture.md). Test, bench and cluster scripts start this file.
import { fileURLToPath, pathToFileURL } from "node:url";
import { serverBundlePath } from "./build-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.env.GATEWAY_ROOT ??= root;
await import(pathToFileURL(serverBundlePath(root, process.env.NEXT_DIST_DIR || ".next")).href);
