import { loadConfigSnapshot } from "../../lib/server/config-snapshot";
import { BreakerBoard } from "../../lib/gateway/breaker";
import type { GatewayRuntime, ProviderConfig } from "../../lib/gateway/types";
import { createOutboundClient } from "../../lib/http/outbound";
import { runProviderTest, type ProviderTestResult } from "../../lib/server/provider-test";
import { flagOption, type Command } from "./command";
import { CliError, formatTable } from "./output";

function describeResult(result: ProviderTestResult): string {
  if (result.isOk) return "ok";
  return [result.problem, result.detail].filter((part) => part !== null && part !== "").join(": ");
}

export const providersTest: Command = {
  name: "providers test",
  summary: "Send a minimal request to providers",
  usage: "[name] [--json]",
  description: [
    "Sends the dashboard's test request (one user message, max_tokens 1) to one provider, or to",
    "every provider, through the gateway's own upstream path: same URL, headers, timeouts and",
    "answer check. Disabled providers are tested too. Nothing is logged or counted against a",
    "breaker. Exits 1 when any test fails.",
  ].join("\n"),
  options: { json: { type: "boolean" } },
  optionHelp: [["--json", "print JSON instead of a table"]],
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, context) {
    const db = await context.db();
    const snapshot = await loadConfigSnapshot(db, await context.cipher());
    const name = positionals[0];
    let providers: ProviderConfig[] = [...snapshot.providers.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (name !== undefined) providers = providers.filter((provider) => provider.name === name);
    if (providers.length === 0) {
      throw new CliError(
        name === undefined
          ? "No providers yet: add one in the dashboard or with `config import`"
          : `No provider named "${name}"`,
      );
    }
    const outbound = createOutboundClient();
    const runtime: GatewayRuntime = {
      getSnapshot: () => snapshot,
      send: outbound.send,
      now: Date.now,
      random: Math.random,
      breakers: new BreakerBoard(),
      logSink: { push: () => undefined },
      keywordHits: { recordHit: () => undefined },
      keyUsage: { touch: () => undefined },
      maxBodyBytes: context.env().MAX_REQUEST_BYTES,
    };
    const results: { provider: ProviderConfig; result: ProviderTestResult }[] = [];
    try {
      // One at a time: a test is a probe, not a load test, and the output stays in order.
      for (const provider of providers)
        results.push({ provider, result: await runProviderTest(provider, outbound.send, { runtime }) });
    } finally {
      outbound.destroy();
    }
    if (flagOption(values, "json")) {
      context.stdout(
        JSON.stringify(
          results.map(({ provider, result }) => ({ name: provider.name, protocol: provider.protocol, ...result })),
          null,
          2,
        ),
      );
    } else {
      const rows = results.map(({ provider, result }) => [
        result.isOk ? "ok" : "FAIL",
        provider.name,
        provider.protocol,
        result.status === null ? "-" : String(result.status),
        `${result.latencyMs} ms`,
        `${provider.isEnabled ? "" : "(disabled) "}${result.isOk ? "" : describeResult(result)}`,
      ]);
      context.stdout(formatTable(["RESULT", "PROVIDER", "PROTOCOL", "STATUS", "LATENCY", "DETAIL"], rows));
    }
    return results.every(({ result }) => result.isOk) ? 0 : 1;
  },
};
