import type { ReactNode } from "react";
import { ClientMessages } from "../../_components/client-messages";

/** The page's client components get its own translations, and the endpoint form's protocol choice (see ClientMessages). */
export default function Layout({ children }: { children: ReactNode }) {
  return <ClientMessages namespaces={["Import", "Credentials", "Providers"]}>{children}</ClientMessages>;
}
