// Runs once when the server starts: migrate the store, seed defaults and the admin,
// and load the configuration before the first request. A failure stops the start.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootOrExit } = await import("./lib/server/boot");
  await bootOrExit();
}
