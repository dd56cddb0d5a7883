// Validates the environment before anything is built or started, and stops with one
// line naming the variable and the expected form.
import { ZodError } from "zod";
import { describeEnvError, parseEnv } from "../lib/env";

try {
  parseEnv(process.env);
} catch (error) {
  console.error(error instanceof ZodError ? describeEnvError(error) : String(error));
  process.exit(1);
}
