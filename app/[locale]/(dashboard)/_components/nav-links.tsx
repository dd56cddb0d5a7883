"use client";

import { useTranslations } from "next-intl";
import { Link, usePathname } from "@/app/_framework/i18n/navigation";

export const navItems = [
  { href: "/", key: "overview" },
  { href: "/logs", key: "logs" },
  { href: "/providers", key: "providers" },
  { href: "/import", key: "import" },
  { href: "/credentials", key: "credentials" },
  { href: "/groups", key: "groups" },
  { href: "/keys", key: "apiKeys" },
  { href: "/keywords", key: "keywords" },
  { href: "/playground", key: "playground" },
  { href: "/settings", key: "settings" },
  { href: "/config", key: "config" },
  { href: "/alerts", key: "alerts" },
  { href: "/audit", key: "audit" },
  { href: "/users", key: "users" },
  { href: "/account", key: "account" },
] as const;

export function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const t = useTranslations("Nav");
  const pathname = usePathname();
  return (
    <ul className="space-y-1">
      {navItems.map((item) => {
        const isActive = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              onClick={onNavigate}
              aria-current={isActive ? "page" : undefined}
              className={`block rounded-md px-3 py-2 text-sm font-medium ${
                isActive ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
              }`}
            >
              {t(item.key)}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
