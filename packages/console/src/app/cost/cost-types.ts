/** GET /api/cost and /api/cost/what-if, as the console reads them. */

export interface UsageJson {
  tracesRecorded: number;
  spans: number;
  bytesIngested: number;
  bytesStored: number;
  tracesScanned: number;
  tracesRetrieved: number;
}

export interface CostLineJson {
  usage: UsageJson;
  cost: { billableTracesRecorded: number; tracesRecorded: number; tracesRead: number; bytesIngested: number; bytesStored: number; total: number };
  costPerTrace: number | null;
  costPerGb: number | null;
}

export type PriceSheetJson = Record<'perMillionTracesRecorded' | 'perMillionTracesScanned' | 'freeTracesRecordedPerMonth' | 'perGbIngested' | 'perGbStored', number>;

export interface CostReportJson {
  startDay: string;
  endDay: string;
  prices: PriceSheetJson;
  total: CostLineJson;
  byAccount: Array<CostLineJson & { accountId: string }>;
  byService: Array<CostLineJson & { serviceName: string; accounts: string[] }>;
  byDay: Array<CostLineJson & { day: string }>;
  freeTier: Array<{ month: string; tracesRecorded: number; freeTraces: number }>;
}

export interface WhatIfJson {
  summary: string;
  rule: { name: string; fixedTarget: number; rate: number };
  proposed: { fixedTarget: number; rate: number };
  incomingPerSecond: number;
  incomingIsLowerBound: boolean;
  tracesPerMonth: { current: number; proposed: number; change: number };
  costPerMonth: { current: number; proposed: number; change: number };
}
