/**
 * A CSV download streamed from batches as the client reads them (pull-based, so a slow
 * download holds one batch in memory and no transaction open), with a BOM so spreadsheet apps
 * read it as UTF-8 (names and errors in any script).
 */
export function csvResponse<T>(options: {
  header: string;
  batches: AsyncGenerator<T[], void, undefined>;
  row(entry: T): string;
  /** File name before the timestamp, e.g. `call-logs`. */
  name: string;
}): Response {
  const { batches } = options;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${options.header}`));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(options.row).join("")));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${options.name}-${stamp}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** The 401 of an export route called without a dashboard session, in OpenAI's error shape. */
export function exportUnauthorized(what: string): Response {
  return Response.json(
    {
      error: {
        message: `Sign in to the dashboard to export ${what}.`,
        type: "authentication_error",
        param: null,
        code: "unauthorized",
      },
    },
    { status: 401, headers: { "cache-control": "no-store" } },
  );
}
