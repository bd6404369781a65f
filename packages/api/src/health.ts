/** GET /api/health */
export interface HealthJson {
  status: 'ok';
  uptimeSeconds: number;
  pendingSpans: number;
}
