import type { ReactNode } from "react";
import { ClientMessages } from "../../_components/client-messages";

/** The page's client components get its own translations only (see ClientMessages). */
export default function Layout({ children }: { children: ReactNode }) {
  return <ClientMessages namespaces={["Users"]}>{children}</ClientMessages>;
}
