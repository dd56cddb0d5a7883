import "server-only";

// The logic lives in lib/secrets-file.ts so the CLI can share it without `server-only`.
export { loadSecrets } from "../secrets-file";
export type { Secrets } from "../secrets-file";
