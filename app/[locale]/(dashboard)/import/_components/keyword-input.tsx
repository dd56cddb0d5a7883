"use client";

import { useState, type KeyboardEvent } from "react";
import { splitKeywords } from "@/lib/importer/filters";

/**
 * Several short texts typed one by one: Enter (or a comma) turns the text into a chip, a
 * pasted "a, b, c" becomes three, and each chip has its own remove button.
 */
export function KeywordInput({
  id,
  values,
  onChange,
  placeholder,
  removeLabel,
  addLabel,
  invalid = [],
  testId,
  maxLength = 200,
}: {
  id: string;
  values: string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  removeLabel: (value: string) => string;
  addLabel: string;
  /** Values shown as erroneous (e.g. a regular expression that does not compile). */
  invalid?: readonly string[];
  testId: string;
  maxLength?: number;
}) {
  const [draft, setDraft] = useState("");
  const commit = () => {
    const added = splitKeywords(draft).filter((value) => !values.includes(value));
    if (added.length > 0) onChange([...values, ...added]);
    setDraft("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      commit();
    } else if (event.key === "Backspace" && draft === "" && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  };
  return (
    <div>
      <div className="flex gap-2">
        <input
          id={id}
          className="field-input"
          value={draft}
          maxLength={maxLength}
          placeholder={placeholder}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={commit}
          autoComplete="off"
          spellCheck={false}
          data-testid={`${testId}-input`}
        />
        <button type="button" className="btn-secondary mt-1 shrink-0" onClick={commit} data-testid={`${testId}-add`}>
          {addLabel}
        </button>
      </div>
      {values.length > 0 ? (
        <ul className="mt-2 flex flex-wrap gap-1.5">
          {values.map((value) => {
            const isInvalid = invalid.includes(value);
            return (
              <li
                key={value}
                className={`inline-flex max-w-full items-center gap-1 rounded-full py-0.5 pl-2.5 pr-1 text-xs font-medium ring-1 ring-inset ${
                  isInvalid ? "bg-red-50 text-red-700 ring-red-600/30" : "bg-slate-100 text-slate-700 ring-slate-500/20"
                }`}
                data-testid={`${testId}-chip`}
                data-value={value}
                aria-invalid={isInvalid || undefined}
              >
                <span className="truncate">{value}</span>
                <button
                  type="button"
                  className="rounded-full px-1 text-slate-500 hover:bg-slate-200 hover:text-slate-900"
                  aria-label={removeLabel(value)}
                  onClick={() => onChange(values.filter((item) => item !== value))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
