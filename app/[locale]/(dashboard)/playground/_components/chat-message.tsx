"use client";

import type { UIMessage } from "ai";
import { useTranslations } from "next-intl";
import { inertBlock } from "@/lib/inert-text";
import { readTurnMetadata } from "@/lib/playground/turn-metadata";
import { Badge } from "../../_components/ui/badge";
import { TurnFooter } from "./turn-footer";

// A megabyte on one line must not freeze the page (RELIABILITY.md H).
const MAX_SHOWN_CHARS = 200_000;

function textOf(message: UIMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** One bubble: the admin's message on the right, the answer with its footer on the left. */
export function ChatMessage({
  message,
  isStreaming,
  isStopped,
}: {
  message: UIMessage;
  isStreaming: boolean;
  isStopped: boolean;
}) {
  const t = useTranslations("Playground");
  const shown = inertBlock(textOf(message), MAX_SHOWN_CHARS);
  if (message.role === "user") {
    return (
      <div className="flex justify-end" data-testid="chat-message" data-role="user">
        <div className="max-w-[85%] whitespace-pre-wrap rounded-lg bg-indigo-600 px-4 py-2 text-sm text-white [overflow-wrap:anywhere]">
          {shown.text}
        </div>
      </div>
    );
  }
  const turn = readTurnMetadata(message.metadata);
  return (
    <div
      className="flex flex-col items-start"
      data-testid="chat-message"
      data-role="assistant"
      data-streaming={isStreaming ? "true" : undefined}
    >
      <div
        className="max-w-[85%] whitespace-pre-wrap rounded-lg border border-slate-200 bg-slate-50 px-4 py-2 text-sm text-slate-900 [overflow-wrap:anywhere]"
        data-testid="assistant-text"
      >
        {shown.text}
        {shown.isTruncated ? <span className="text-slate-400">…</span> : null}
        {isStreaming ? (
          <span
            className="ml-0.5 inline-block h-4 w-1.5 animate-pulse rounded-sm bg-indigo-400 align-text-bottom"
            aria-hidden
          />
        ) : null}
      </div>
      {turn ? <TurnFooter turn={turn} /> : null}
      {!turn && isStopped ? (
        <div className="mt-1.5" data-testid="turn-stopped">
          <Badge tone="gray">{t("turn.stopped")}</Badge>
        </div>
      ) : null}
    </div>
  );
}
