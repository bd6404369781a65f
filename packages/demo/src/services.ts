/** The checkout of shared/PRODUCT.md: who runs in which account. */
export const DEMO_SERVICES = {
  edge: { service: 'edge-gateway', account: '111111111111', accountName: 'edge' },
  checkout: { service: 'checkout-orchestrator', account: '222222222222', accountName: 'checkout' },
  pricing: { service: 'pricing', account: '333333333333', accountName: 'pricing' },
  inventory: { service: 'inventory', account: '444444444444', accountName: 'inventory' },
  payments: { service: 'payments', account: '555555555555', accountName: 'payments' },
  notifications: { service: 'notifications', account: '666666666666', accountName: 'notifications' },
  email: { service: 'email-sender', account: '666666666666', accountName: 'notifications' },
} as const;

export type DemoServiceKey = keyof typeof DEMO_SERVICES;
