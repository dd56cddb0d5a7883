import type { ConfigSnapshot, KeywordHitSink } from "./types";

/** Enabled keywords, lowercased once per snapshot. */
export interface CompiledKeywords {
  ids: readonly number[];
  needles: readonly string[];
  /** Longest needle: how much text a stream scan must carry over between chunks. */
  maxLength: number;
}

const EMPTY: CompiledKeywords = { ids: [], needles: [], maxLength: 0 };
const compiledBySnapshot = new WeakMap<ConfigSnapshot, CompiledKeywords>();

export function compileKeywords(snapshot: ConfigSnapshot): CompiledKeywords {
  let compiled = compiledBySnapshot.get(snapshot);
  if (compiled) return compiled;
  const ids: number[] = [];
  const needles: string[] = [];
  for (const keyword of snapshot.keywords) {
    const needle = keyword.keyword.toLowerCase();
    if (needle.length === 0) continue;
    ids.push(keyword.id);
    needles.push(needle);
  }
  compiled = needles.length === 0 ? EMPTY : { ids, needles, maxLength: Math.max(...needles.map((n) => n.length)) };
  compiledBySnapshot.set(snapshot, compiled);
  return compiled;
}

/**
 * Ids of keywords found in already-lowercased text. The first `seenLength` characters were
 * searched before, so only matches ending after them count.
 */
function findHits(keywords: CompiledKeywords, lowered: string, seenLength: number): number[] | null {
  let hits: number[] | null = null;
  for (let i = 0; i < keywords.needles.length; i += 1) {
    const needle = keywords.needles[i]!;
    const from = seenLength - needle.length + 1;
    if (lowered.indexOf(needle, from > 0 ? from : 0) !== -1) (hits ??= []).push(keywords.ids[i]!);
  }
  return hits;
}

/** Case-insensitive substring match of one piece of answer or error text; null when none hit. */
export function matchKeywords(keywords: CompiledKeywords, text: string): number[] | null {
  if (keywords.needles.length === 0 || text.length === 0) return null;
  return findHits(keywords, text.toLowerCase(), 0);
}

export function recordKeywordHits(sink: KeywordHitSink, hits: readonly number[], at: number): void {
  for (const id of hits) sink.recordHit(id, at);
}

/** Separate text channels of a stream, so content never joins reasoning into a false match. */
export const TEXT_CHANNEL = { content: 0, reasoning: 1, refusal: 2 } as const;
export type TextChannel = (typeof TEXT_CHANNEL)[keyof typeof TEXT_CHANNEL];

/**
 * Matches keywords against a stream's accumulated text per channel without keeping it all:
 * only the last `maxLength - 1` characters are carried over, enough for a keyword split
 * across chunks, and a hit must end in the new text so nothing is reported twice.
 */
export class StreamKeywordScanner {
  private readonly tails = ["", "", ""];

  constructor(private readonly keywords: CompiledKeywords) {}

  get isActive(): boolean {
    return this.keywords.needles.length > 0;
  }

  scan(channel: TextChannel, text: string): number[] | null {
    if (!this.isActive || text.length === 0) return null;
    const tail = this.tails[channel]!;
    const joined = tail + text.toLowerCase();
    const hits = findHits(this.keywords, joined, tail.length);
    const keep = this.keywords.maxLength - 1;
    this.tails[channel] = keep > 0 ? joined.slice(-keep) : "";
    return hits;
  }
}
