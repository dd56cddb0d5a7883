/** Cookie pairs (`name=value`) from a response's Set-Cookie headers, merged over `jar`. */
export function mergeCookies(jar: string, response: Response): string {
  const cookies = new Map(
    jar
      .split("; ")
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair] as const),
  );
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(";")[0] ?? "";
    const name = pair.slice(0, pair.indexOf("="));
    if (pair.endsWith("=")) cookies.delete(name);
    else cookies.set(name, pair);
  }
  return [...cookies.values()].join("; ");
}

export interface SignInOutcome {
  /** Every cookie the browser would now hold. */
  cookie: string;
  /** The session cookie's Set-Cookie line, flags included, or null when none was issued. */
  sessionSetCookie: string | null;
  /** Where the sign-in sent the browser. */
  location: string | null;
}

/**
 * Signs in over plain HTTP through next-auth's credentials endpoint, as a browser's form
 * post would (CSRF token first). `address` sets X-Forwarded-For, which the throttle reads.
 */
export async function signInOverHttp(
  baseUrl: string,
  username: string,
  password: string,
  address = "192.0.2.10",
): Promise<SignInOutcome> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  let cookie = mergeCookies("", csrf);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": address },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${baseUrl}/en` }),
  });
  await response.arrayBuffer();
  cookie = mergeCookies(cookie, response);
  const sessionSetCookie =
    response.headers.getSetCookie().find((line) => /authjs\.session-token=[^;]/.test(line)) ?? null;
  return { cookie, sessionSetCookie, location: response.headers.get("location") };
}

/** True when the cookie opens the dashboard (no redirect to the login page). */
export async function opensDashboard(baseUrl: string, cookie: string, path = "/en"): Promise<boolean> {
  const response = await fetch(`${baseUrl}${path}`, { redirect: "manual", headers: { cookie } });
  await response.arrayBuffer();
  return response.status === 200;
}
