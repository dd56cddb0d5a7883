"use client";

import type { ChangeEvent } from "react";

/** A file input labelled by our own button: the native control's text is in the browser's language. */
export function FilePicker({
  id,
  label,
  buttonLabel,
  fileName,
  accept,
  onChange,
  testId,
}: {
  id: string;
  label: string;
  buttonLabel: string;
  fileName: string;
  accept: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  testId: string;
}) {
  return (
    <div>
      <span className="field-label">{label}</span>
      <div className="flex min-w-0 items-center gap-3">
        <input id={id} type="file" accept={accept} onChange={onChange} className="peer sr-only" data-testid={testId} />
        <label
          htmlFor={id}
          className="btn-secondary shrink-0 cursor-pointer peer-focus-visible:ring-2 peer-focus-visible:ring-indigo-500"
        >
          {buttonLabel}
        </label>
        <span className="min-w-0 truncate text-sm text-slate-600" data-testid={`${testId}-name`}>
          {fileName}
        </span>
      </div>
    </div>
  );
}
