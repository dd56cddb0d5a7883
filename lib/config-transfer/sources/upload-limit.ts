/** What the dashboard accepts as one upload (a NiceAPI or one-api database, or a config.yaml). */
export const MAX_SOURCE_UPLOAD_BYTES = 16 * 1024 * 1024;
