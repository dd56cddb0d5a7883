/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self
 * time, and self time grouped by package or source folder.
 *
 *   node --import tsx scripts/bench/cpuprofile-top.ts <file.cpuprofile> [--top 30]
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<pkg>, a Next chunk, the app's own folder, or a V8/Node category. */
function bucketOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const nodeModules = url.lastIndexOf("node_modules/");
  if (nodeModules !== -1) {
    const rest = url.slice(nodeModules + "node_modules/".length).split("/");
    const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (name === "next") return `next/${rest.slice(1, 4).join("/")}`;
    return name;
  }
  if (url.startsWith("node:")) return url.split("/")[0]!.replace(/^node:internal.*/, "node:internal");
  const chunk = url.match(/\.next[^/]*\/(server\/chunks\/[^/]+|server\/app\/.+)$/);
  if (chunk) return `app bundle ${chunk[1]!.slice(0, 60)}`;
  return url
    .replace(/^file:\/\/\/?/, "/")
    .split("/")
    .slice(-2)
    .join("/");
}

const maps = new Map<string, SourceMap | null>();

/** The original file:line of a bundled frame, when the bundle has a source map beside it. */
function original(url: string, line: number, column: number): string | null {
  if (!url.includes("/.next")) return null;
  let map = maps.get(url);
  if (map === undefined) {
    const path = url.startsWith("file:") ? fileURLToPath(url) : url;
    map = existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8"))) : null;
    maps.set(url, map);
  }
  if (!map) return null;
  const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number; name?: string };
  if (!entry.originalSource) return null;
  const source = entry.originalSource
    .replace(/^turbopack:\/\/\/\[project\]\//, "")
    .replace(/^.*node_modules\//, "node_modules/");
  return `${source}:${(entry.originalLine ?? 0) + 1}`;
}

/** Coarse layers, to tell the gateway's own work from what Next.js and Node cost anyway. */
function layerOf(bucket: string): string {
  if (
    /lib\/gateway|lib\/http|lib\/metrics|lib\/log-writer|lib\/server|lib\/crypto|^zod$|eventsource-parser|prom-client/.test(
      bucket,
    )
  )
    return "gateway code (lib/*, zod, eventsource-parser, prom-client)";
  if (/kysely|better-sqlite3|db\/|\.\.\/db/.test(bucket)) return "call-log writes (kysely, better-sqlite3, db/queries)";
  if (/^next\/|turbopack|app bundle|@opentelemetry|%40opentelemetry/.test(bucket))
    return "Next.js (router, route module, web Request/Response glue)";
  if (bucket === "(garbage collector)") return "garbage collector";
  if (bucket === "(native)") return "native (socket writes, JSON, crypto…)";
  if (bucket === "(program)") return "(program: V8/libuv outside JS)";
  return "Node core (http, net, streams, events, timers)";
}

export function summarize(profile: CpuProfile, top = 30): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index += 1) {
    const id = profile.samples[index]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const totalUs = profile.endTime - profile.startTime;
  let idleUs = 0;
  const byFunction = new Map<string, number>();
  const byBucket = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const source = original(url, lineNumber, columnNumber);
    const where =
      source ??
      (url
        ? `${url
            .replace(/^file:\/\//, "")
            .split("/")
            .slice(-3)
            .join("/")}:${lineNumber + 1}`
        : "");
    const key = `${functionName || "(anonymous)"}  ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const bucket = source
      ? source.startsWith("node_modules/")
        ? bucketOf(source, functionName)
        : source.split("/").slice(0, -1).join("/") || source
      : bucketOf(url, functionName);
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const byLayer = new Map<string, number>();
  for (const [bucket, us] of byBucket) byLayer.set(layerOf(bucket), (byLayer.get(layerOf(bucket)) ?? 0) + us);
  const pct = (us: number): string => `${((us / busyUs) * 100).toFixed(1).padStart(5)}%`;
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [
    `profile ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(2)} s (idle ${((idleUs / totalUs) * 100).toFixed(0)}%)`,
    "",
    "top self time by function:",
  ];
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`${ms(us)} ${pct(us)}  ${key}`);
  lines.push("", "self time by layer:");
  for (const [key, us] of [...byLayer].sort((a, b) => b[1] - a[1])) lines.push(`${ms(us)} ${pct(us)}  ${key}`);
  lines.push("", "self time by package / folder:");
  for (const [key, us] of [...byBucket].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`${ms(us)} ${pct(us)}  ${key}`);
  return lines.join("\n");
}

const file = process.argv[2];
if (file && !file.startsWith("--")) {
  const topFlag = process.argv.indexOf("--top");
  const top = topFlag === -1 ? 30 : Number(process.argv[topFlag + 1]);
  console.log(summarize(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, top));
}
