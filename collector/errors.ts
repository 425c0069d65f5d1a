// The one error type the collector's own code throws; framework-free so ingest/ stays plain
// functions, and app.ts turns it (and hono's HTTPException) into a JSON reply in one place.

/** HTTP statuses the collector answers with on purpose. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 501 | 503 | 507;

/**
 * An error the client should see: `status` and `message` become `{"error": message, ...details}`.
 * @example throw new ApiError(400, 'malformed JSON: Unexpected end of JSON input');
 */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    /** Extra JSON fields of the reply, e.g. every schema issue. */
    readonly details?: Readonly<Record<string, unknown>>,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Body of every error reply. */
export interface ErrorBody {
  error: string;
  [detail: string]: unknown;
}
