import { handleUnknownRoute } from "@/lib/gateway/unknown-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Unknown API paths answer in OpenAI's error shape instead of an HTML page.
export const GET = handleUnknownRoute;
export const POST = handleUnknownRoute;
export const PUT = handleUnknownRoute;
export const PATCH = handleUnknownRoute;
export const DELETE = handleUnknownRoute;
