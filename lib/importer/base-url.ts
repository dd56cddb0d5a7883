/*
 * Operators paste base URLs in every shape: with or without `/v1`, with a trailing slash, or
 * even the full `/v1/models` address they found in a vendor's docs. These turn any of them
 * into the base URLs worth asking for `GET <base>/models`, most likely first.
 */

/** A path that already names an API version (`/v1`, `/v4`, `/v1beta`): used as it is. */
const VERSIONED_PATH = /\/v\d+[a-z0-9]*$/i;
/** Endpoint paths people paste by mistake; the base is what comes before them. */
const ENDPOINT_SUFFIX = /\/(?:models|chat\/completions|completions|embeddings)$/i;

export type BaseUrlResult =
  /** Base URLs to try, in order, without a trailing slash. */
  { candidates: string[] } | { problem: "invalidUrl" | "credentialsInUrl" };

/**
 * `https://host` → [`https://host/v1`, `https://host`]; `https://host/v1/` → [`https://host/v1`];
 * `http://127.0.0.1:8000/v1/models` → [`http://127.0.0.1:8000/v1`]. Query and fragment are
 * dropped. Credentials in the URL are refused rather than silently dropped: the key belongs
 * in the key field.
 */
export function baseUrlCandidates(input: string): BaseUrlResult {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { problem: "invalidUrl" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { problem: "invalidUrl" };
  if (url.username !== "" || url.password !== "") return { problem: "credentialsInUrl" };
  let path = url.pathname.replace(/\/+$/, "");
  path = path.replace(ENDPOINT_SUFFIX, "").replace(/\/+$/, "");
  const base = `${url.protocol}//${url.host}${path}`;
  if (VERSIONED_PATH.test(path)) return { candidates: [base] };
  return { candidates: [`${base}/v1`, base] };
}

/** The models list address of a base URL. */
export function modelsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/models`;
}

/** A short default name for a new endpoint: its host (and port), e.g. `api.example.com`. */
export function endpointNameFor(baseUrl: string): string {
  try {
    return new URL(baseUrl).host.slice(0, 100) || "endpoint";
  } catch {
    return "endpoint";
  }
}
