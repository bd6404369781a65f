/** Log records, kept next to the spans and found by trace. */
export interface LogStore {}
