import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LocaleSwitcher } from "../../_components/locale-switcher";
import { logoutAction } from "../actions";
import type { Role } from "@/lib/roles";
import { MobileNav } from "./mobile-nav";
import { NavLinks } from "./nav-links";
import { ToastProvider } from "./ui/toast";

export async function Shell({ username, role, children }: { username: string; role: Role; children: ReactNode }) {
  const t = await getTranslations("Nav");
  const common = await getTranslations("Common");
  const locale = await getLocale();
  const signOut = (
    <form action={logoutAction}>
      <input type="hidden" name="locale" value={locale} />
      <button type="submit" className="btn-secondary w-full" data-testid="logout">
        {t("logout")}
      </button>
    </form>
  );
  return (
    <div className="min-h-screen lg:flex">
      <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-white px-4 py-6 lg:flex">
        <div className="px-3 text-base font-semibold text-slate-900">{common("appName")}</div>
        <nav className="mt-6 flex-1">
          <NavLinks />
        </nav>
        <div className="space-y-3 border-t border-slate-200 pt-4">
          <p className="truncate px-1 text-xs text-slate-500">{t("signedInAs", { name: username })}</p>
          <p className="truncate px-1 text-xs text-slate-500" data-testid="signed-in-role">
            {t(`role.${role}`)}
          </p>
          {signOut}
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 lg:px-8">
          <div className="flex items-center gap-3 lg:hidden">
            <MobileNav signOut={signOut} />
            <span className="font-semibold">{common("appName")}</span>
          </div>
          <div className="hidden lg:block" />
          <LocaleSwitcher />
        </header>
        <main className="flex-1 px-4 py-6 lg:px-8">
          <ToastProvider>{children}</ToastProvider>
        </main>
      </div>
    </div>
  );
}
