/** Usage (for the cost profile), kept as counts that add up. */
export interface UsageStore {}
