import { createOutboundClient } from "../../lib/http/outbound";
import { DEFAULT_PORTS, DISCOVERY_TIMEOUT_MS, discoverLocalServers } from "../../lib/importer/discover";
import { flagOption, stringOption, type Command } from "./command";
import { formatTable, UsageError } from "./output";

const SHOWN_MODELS = 3;

function listOption(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function timeoutOf(text: string | undefined): number {
  if (text === undefined) return DISCOVERY_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 50 || ms > 60_000)
    throw new UsageError(`--timeout ${text}: expected milliseconds between 50 and 60000`);
  return ms;
}

export const discover: Command = {
  name: "discover",
  summary: "Find model servers running on this machine",
  usage: "[--url URL]... [--json]",
  description: [
    `Probes the usual local ports (${DEFAULT_PORTS.join(", ")} on 127.0.0.1: Ollama, vLLM, LM Studio,`,
    "llama.cpp server) and every --url, and prints what answers with a model list: its kind, its",
    "OpenAI-compatible base URL and its models. Closed ports and other web servers are skipped",
    "quietly. Import a find on the dashboard's Import models page (its Local servers panel).",
  ].join("\n"),
  options: {
    url: { type: "string", multiple: true },
    timeout: { type: "string" },
    host: { type: "string" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["--url URL", "also probe this address (repeatable)"],
    ["--host HOST", "host of the usual ports (default 127.0.0.1)"],
    ["--timeout MS", `per-request timeout (default ${DISCOVERY_TIMEOUT_MS})`],
    ["--json", "print JSON instead of a table"],
  ],
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const timeoutMs = timeoutOf(stringOption(values, "timeout"));
    const outbound = createOutboundClient();
    let report;
    try {
      report = await discoverLocalServers(outbound.getJson, {
        urls: listOption(values, "url"),
        host: stringOption(values, "host"),
        timeoutMs,
      });
    } finally {
      outbound.destroy();
    }
    if (flagOption(values, "json")) {
      context.stdout(JSON.stringify(report.found, null, 2));
      return 0;
    }
    if (report.found.length === 0) {
      context.stdout("No local model server found.");
      return 0;
    }
    const rows = report.found.map((server) => [
      server.kind,
      server.baseUrl,
      String(server.models.length),
      server.models.slice(0, SHOWN_MODELS).join(", ") + (server.models.length > SHOWN_MODELS ? ", …" : ""),
    ]);
    context.stdout(formatTable(["KIND", "BASE URL", "MODELS", "FIRST MODELS"], rows));
    context.stdout(
      "\nTo import: open the dashboard's Import models page (/en/import), press Scan in Local servers and Use on a find.",
    );
    return 0;
  },
};
