"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { ChatMessage } from "./chat-message";
import { TurnError } from "./turn-error";

export interface GroupChoice {
  name: string;
  /** Enabled providers in the group. */
  providerCount: number;
}

/** Chat with one group through the gateway, as the admin (POST /api/playground). */
export function PlaygroundChat({ groups }: { groups: GroupChoice[] }) {
  const t = useTranslations("Playground");
  const [group, setGroup] = useState(groups[0]?.name ?? "");
  const [input, setInput] = useState("");
  const [stoppedIds, setStoppedIds] = useState<ReadonlySet<string>>(new Set());
  const transport = useMemo(() => new DefaultChatTransport({ api: "/api/playground" }), []);
  const { messages, sendMessage, status, stop, error, setMessages, clearError } = useChat({
    transport,
    onFinish: ({ message, isAbort }) => {
      if (isAbort) setStoppedIds((ids) => new Set(ids).add(message.id));
    },
  });
  const isBusy = status === "submitted" || status === "streaming";
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [messages, status, error]);

  const send = () => {
    const text = input.trim();
    if (text.length === 0 || isBusy || group.length === 0) return;
    setInput("");
    void sendMessage({ text }, { body: { group } });
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };
  const clear = () => {
    if (isBusy) void stop();
    setMessages([]);
    clearError();
    setStoppedIds(new Set());
  };

  const last = messages[messages.length - 1];
  return (
    <div
      className="flex h-[calc(100dvh-13rem)] min-h-[26rem] flex-col rounded-lg border border-slate-200 bg-white shadow-sm"
      data-testid="playground"
    >
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <div className="min-w-0 flex-1 sm:max-w-xs">
          <label htmlFor="playground-group" className="field-label">
            {t("group")}
          </label>
          <select
            id="playground-group"
            className="field-input"
            value={group}
            onChange={(event) => setGroup(event.target.value)}
            data-testid="playground-group"
          >
            {groups.map((choice) => (
              <option key={choice.name} value={choice.name}>
                {t("groupOption", { name: choice.name, count: choice.providerCount })}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="btn-secondary"
          onClick={clear}
          disabled={messages.length === 0 && !error}
          data-testid="playground-clear"
        >
          {t("clear")}
        </button>
      </div>

      <div
        className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-4"
        data-testid="playground-messages"
        aria-live="polite"
      >
        {messages.length === 0 && !error ? (
          <div className="flex h-full flex-col items-center justify-center text-center" data-testid="playground-empty">
            <p className="font-medium text-slate-900">{t("emptyChatTitle")}</p>
            <p className="mt-1 max-w-md text-sm text-slate-500">{t("emptyChatBody", { group })}</p>
          </div>
        ) : null}
        {messages.map((message) => (
          <ChatMessage
            key={message.id}
            message={message}
            isStreaming={status === "streaming" && message === last && message.role === "assistant"}
            isStopped={stoppedIds.has(message.id)}
          />
        ))}
        {status === "submitted" ? (
          <p className="text-sm text-slate-500" data-testid="playground-waiting">
            {t("waiting")}
          </p>
        ) : null}
        {error ? <TurnError error={error} /> : null}
        <div ref={bottom} />
      </div>

      <form onSubmit={onSubmit} className="border-t border-slate-200 px-4 py-3">
        <div className="flex items-end gap-2">
          <label htmlFor="playground-input" className="sr-only">
            {t("inputLabel")}
          </label>
          <textarea
            id="playground-input"
            rows={2}
            className="block min-h-[2.75rem] w-full flex-1 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
            placeholder={t("inputPlaceholder")}
            aria-describedby="playground-input-hint"
            value={input}
            onChange={(event) => setInput(event.target.value)}
            onKeyDown={onKeyDown}
            maxLength={100_000}
            data-testid="playground-input"
          />
          {isBusy ? (
            <button type="button" className="btn-secondary" onClick={() => void stop()} data-testid="playground-stop">
              {t("stop")}
            </button>
          ) : (
            <button
              type="submit"
              className="btn-primary"
              disabled={input.trim().length === 0}
              data-testid="playground-send"
            >
              {t("send")}
            </button>
          )}
        </div>
        <p id="playground-input-hint" className="mt-1 hidden text-xs text-slate-400 sm:block">
          {t("inputHint")}
        </p>
      </form>
    </div>
  );
}
