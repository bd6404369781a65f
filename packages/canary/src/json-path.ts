/**
 * The value at a dotted path in parsed JSON (`order.items.0.sku`: a number indexes an array),
 * or undefined when the path leads nowhere. Own properties only, so `__proto__` or
 * `constructor` never reach Object's prototype.
 */
export function valueAtPath(json: unknown, path: string): unknown {
  let value: unknown = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      if (!/^\d+$/.test(key)) return undefined;
      value = value[Number(key)];
    } else {
      if (!Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
  }
  return value;
}
