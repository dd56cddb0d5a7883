import { handlers } from "@/app/_framework/auth";

export const runtime = "nodejs";
export const { GET, POST } = handlers;
