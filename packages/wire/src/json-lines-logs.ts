import { isValidSpanId, limitLogRecord, nanos, normalizeTraceId, severityNameOf, severityNumberOf, type Account, type AttributeValue, type Attributes, type LogRecord } from '@stitch/model';

/** A line that could not be read, with why (starting with the field at fault). */
export interface RejectedLine {
  /** 1-based, as editors count. */
  line: number;
  reason: string;
}

export interface ParsedJsonLines {
  records: LogRecord[];
  rejected: RejectedLine[];
}

// The names loggers give each field (pino, bunyan, winston, zap, logrus, Python's json loggers,
// Lambda's JSON log format); the first one present wins. Every other field becomes an attribute.
const TIME_KEYS = ['time', 'timestamp', 'ts', '@timestamp'];
const LEVEL_KEYS = ['level', 'severity', 'levelname', 'log.level'];
const MESSAGE_KEYS = ['message', 'msg'];
const TRACE_KEYS = ['trace_id', 'traceId', 'trace-id', 'traceid', 'AWS-XRAY-TRACE-ID', 'xray_trace_id'];
const SPAN_KEYS = ['span_id', 'spanId', 'span-id', 'spanid'];
const SERVICE_KEYS = ['service', 'service_name', 'service.name', 'serviceName'];
const KNOWN = new Set([...TIME_KEYS, ...LEVEL_KEYS, ...MESSAGE_KEYS, ...TRACE_KEYS, ...SPAN_KEYS, ...SERVICE_KEYS]);

/** X-Ray's header value (`Root=1-…;Parent=…;Sampled=1`): its Root is the trace id. */
const XRAY_ROOT = /^(?:Root=)?([^;]*)(?:;.*)?$/i;

/**
 * JSON lines (one JSON object per line) as log records of `account`. Lines that are not an
 * object, or whose time, level or ids cannot be read, are refused one by one, with their number.
 * A line without a time gets `receivedAt`.
 */
export function parseJsonLinesLogs(text: string, account: Account, receivedAt: bigint): ParsedJsonLines {
  const records: LogRecord[] = [];
  const rejected: RejectedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const record = recordOf(line, account, receivedAt);
    if (typeof record === 'string') rejected.push({ line: i + 1, reason: record });
    else records.push(limitLogRecord(record));
  }
  return { records, rejected };
}

function recordOf(line: string, account: Account, receivedAt: bigint): LogRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'line: not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'line: not a JSON object';
  const fields = value as Record<string, unknown>;
  const pick = (keys: readonly string[]): [string, unknown] | undefined => {
    const key = keys.find((k) => fields[k] !== undefined && fields[k] !== null);
    return key === undefined ? undefined : [key, fields[key]];
  };

  const time = pick(TIME_KEYS);
  const timeNanos = time === undefined ? receivedAt : nanosOf(time[1]);
  if (timeNanos === null) return `${time![0]}: ${JSON.stringify(time![1]).slice(0, 60)} is not a time (ISO-8601, or epoch seconds, ms, µs or ns)`;

  const level = pick(LEVEL_KEYS);
  const severityNumber = level === undefined ? 0 : typeof level[1] === 'number' && level[1] > 24 ? pinoSeverity(level[1]) : typeof level[1] === 'string' || typeof level[1] === 'number' ? severityNumberOf(level[1]) : null;
  if (severityNumber === null) return `${level![0]}: ${JSON.stringify(level![1]).slice(0, 60)} is not a level (trace, debug, info, warn, error, fatal; 1 to 24 as OTLP; 30, 40, 50, 60 as pino)`;

  const trace = pick(TRACE_KEYS);
  const traceId = trace === undefined ? '' : traceIdOf(trace[1]);
  if (traceId === null) return `${trace![0]}: ${JSON.stringify(trace![1]).slice(0, 60)} is not a trace id (32 hex, or X-Ray's 1-<8 hex>-<24 hex>)`;
  const span = pick(SPAN_KEYS);
  const spanId = span === undefined ? '' : typeof span[1] === 'string' && isValidSpanId(span[1].toLowerCase()) ? span[1].toLowerCase() : null;
  if (spanId === null) return `${span![0]}: ${JSON.stringify(span![1]).slice(0, 60)} is not a span id (16 hex)`;

  const message = pick(MESSAGE_KEYS);
  const service = pick(SERVICE_KEYS);
  const attributes: Attributes = {};
  for (const [key, field] of Object.entries(fields)) {
    if (KNOWN.has(key) || field === null || field === undefined) continue;
    attributes[key] = attributeOf(field);
  }
  return {
    timeUnixNano: nanos(timeNanos),
    severityNumber,
    severityText: level !== undefined && typeof level[1] === 'string' ? level[1] : severityNameOf(severityNumber),
    body: message === undefined ? '' : typeof message[1] === 'string' ? message[1] : JSON.stringify(message[1]),
    traceId,
    spanId: traceId === '' ? '' : spanId,
    serviceName: service !== undefined && typeof service[1] === 'string' && service[1] !== '' ? service[1] : 'unknown_service',
    attributes,
    account,
  };
}

const LATEST_NANOS = 2n ** 63n - 1n;

/** pino's and bunyan's numbers (30 info, 40 warn, 50 error, 60 fatal); below 25 a number is OTLP's own. */
function pinoSeverity(level: number): number | null {
  const byLevel: Record<number, number> = { 30: 9, 40: 13, 50: 17, 60: 21 };
  return byLevel[level] ?? null;
}

/** Epoch numbers by magnitude (seconds, ms, µs, ns: what loggers write), or ISO-8601 text. */
function nanosOf(value: unknown): bigint | null {
  let result: bigint | null = null;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const scale = value < 1e11 ? 1e9 : value < 1e14 ? 1e6 : value < 1e17 ? 1e3 : 1;
    // Whole units and the fraction apart: value * scale in doubles loses the last digits.
    const whole = Math.trunc(value);
    result = BigInt(whole) * BigInt(scale) + BigInt(Math.round((value - whole) * scale));
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d{1,19}$/.test(text)) return text.length > 17 ? checked(BigInt(text)) : nanosOf(Number(text));
    if (/^\d{1,12}\.\d{1,9}$/.test(text)) return nanosOf(Number(text));
    const ms = Date.parse(text);
    if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
    // Date.parse keeps milliseconds; finer digits of the fraction are added back.
    const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
    const below = fraction.length > 3 ? BigInt(fraction.slice(3, 9).padEnd(6, '0')) : 0n;
    result = BigInt(ms) * 1_000_000n + below;
  }
  return result === null ? null : checked(result);
}

const checked = (value: bigint) => (value > 0n && value <= LATEST_NANOS ? value : null);

/** 32 hex, or X-Ray's `1-<epoch>-<random>` (optionally as `Root=…;Parent=…`): the same trace either way. */
function traceIdOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return normalizeTraceId(XRAY_ROOT.exec(text)![1]!);
}

function attributeOf(value: unknown): AttributeValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === typeof value[0] && ['string', 'number', 'boolean'].includes(typeof item))) {
    return value as string[] | number[] | boolean[];
  }
  return JSON.stringify(value);
}
