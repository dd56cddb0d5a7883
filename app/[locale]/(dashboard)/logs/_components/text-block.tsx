import type { InertText } from "@/lib/inert-text";

/** Untrusted text as a scrolling, wrapping block: rendered as text, never as markup. */
export function TextBlock({
  value,
  testId,
  truncatedNote,
}: {
  value: InertText;
  testId: string;
  truncatedNote: string;
}) {
  return (
    <>
      <pre
        className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-50 p-3 font-mono text-xs leading-relaxed text-slate-800 ring-1 ring-inset ring-slate-200"
        data-testid={testId}
      >
        {value.text}
      </pre>
      {value.isTruncated ? <p className="mt-1 text-xs text-slate-500">{truncatedNote}</p> : null}
    </>
  );
}
