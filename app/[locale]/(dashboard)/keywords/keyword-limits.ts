/** Longest keyword the dashboard accepts; matching cost grows with every keyword's length. */
export const KEYWORD_MAX_LENGTH = 200;
