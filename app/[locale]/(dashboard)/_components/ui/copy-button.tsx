"use client";

import { useEffect, useState } from "react";

/**
 * Copies `text` to the clipboard and says so in place for a moment. Labels arrive
 * translated; when the clipboard is refused, `onError` is told and nothing else happens.
 */
export function CopyButton({
  text,
  label,
  copiedLabel,
  onError,
  className = "btn-secondary",
  testId,
}: {
  text: string;
  label: string;
  copiedLabel: string;
  onError?: () => void;
  className?: string;
  testId?: string;
}) {
  const [isCopied, setIsCopied] = useState(false);
  useEffect(() => {
    if (!isCopied) return;
    const timer = setTimeout(() => setIsCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [isCopied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setIsCopied(true);
    } catch {
      onError?.();
    }
  };
  return (
    <button type="button" className={className} onClick={() => void copy()} data-testid={testId} aria-live="polite">
      {isCopied ? <span data-testid={testId ? `${testId}-done` : undefined}>✓ {copiedLabel}</span> : label}
    </button>
  );
}
