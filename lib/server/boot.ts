import "server-only";
import { ZodError } from "zod";
import { describeEnvError } from "../env";
import { getServerState } from "./state";

const SHUTDOWN_KEY = Symbol.for("ai-provider-api-server.shutdown");

export async function bootOrExit(): Promise<void> {
  try {
    const state = await getServerState();
    (globalThis as Record<symbol, unknown>)[SHUTDOWN_KEY] = state.shutdown;
  } catch (error) {
    const line =
      error instanceof ZodError ? describeEnvError(error) : error instanceof Error ? error.message : String(error);
    console.error(`Cannot start: ${line}`);
    process.exit(1);
  }
}
