// What GET /api/metrics and /api/slos answer (the parts the console shows).

export interface MetricPointJson {
  startMs: number;
  count: number;
  errors: number;
  faults: number;
  throttles: number;
  errorRate: number | null;
  faultRate: number | null;
  avgMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
}

export type MetricGroup = 'service' | 'operation' | 'account';

export interface MetricsJson {
  window: { startMs: number; endMs: number };
  stepMs: number;
  groupBy: MetricGroup;
  series: Array<{ key: { service: string; operation?: string; account?: string; accountLabel?: string }; total: MetricPointJson; points: MetricPointJson[] }>;
}

export interface SloDayJson {
  dayStartMs: number;
  total: number;
  good: number;
  compliance: number | null;
  budgetRemaining: number;
}

export interface SloStatusJson {
  window: { startMs: number; endMs: number; days: number };
  total: number;
  good: number;
  compliance: number | null;
  errorBudget: { allowedBad: number; bad: number; remaining: number };
  burnRate: { '1h': number | null; '6h': number | null; '24h': number | null; window: number | null };
  met: boolean;
  daily?: SloDayJson[];
}

export interface SloJson {
  id: string;
  name: string;
  description: string;
  selector: { service: string; operation?: string; account?: string };
  objective: { kind: 'latency'; thresholdMs: number } | { kind: 'success' };
  target: number;
  windowDays: 7 | 30;
}
