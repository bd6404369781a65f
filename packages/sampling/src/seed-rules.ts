/** The product seed's sampling rules file (X-Ray local format, version 2), exactly as its operators wrote it. */
export const SEED_RULES_FILE = {
  version: 2,
  rules: [
    { description: 'Sample 100% of checkout critical path', service_name: 'checkout-orchestrator', http_method: 'POST', url_path: '/v1/place-order', fixed_target: 100, rate: 1.0 },
    { description: 'Sample 50% of errors always', service_name: '*', http_method: '*', url_path: '*', fixed_target: 1, rate: 0.0, attributes: { 'http.status_code': '5xx' } },
  ],
  default: { fixed_target: 1, rate: 0.05 },
} as const;
