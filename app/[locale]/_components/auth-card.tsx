import type { ReactNode } from "react";
import { LocaleSwitcher } from "./locale-switcher";

/** The centered card used by the pages a signed-out or not-yet-ready admin sees. */
export function AuthCard({
  title,
  subtitle,
  appName,
  children,
}: {
  title: string;
  subtitle?: string;
  appName: string;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center justify-between px-6 py-4">
        <span className="font-semibold text-slate-800">{appName}</span>
        <LocaleSwitcher />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-12 sm:pt-24">
        <div className="card w-full max-w-sm">
          <h1 className="text-xl font-semibold">{title}</h1>
          {subtitle ? <p className="mt-1 text-sm text-slate-500">{subtitle}</p> : null}
          <div className="mt-6">{children}</div>
        </div>
      </main>
    </div>
  );
}
