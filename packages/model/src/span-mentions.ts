import type { AttributeValue, Attributes, Span } from './span.ts';

/**
 * Whether the span mentions `text` (lowercase): in its name, service, status message, an
 * attribute's key or value (its own, its resource's, its events'), or an event's name. What
 * "find in this trace" looks for, as a browser's find would in the span's details.
 */
export function spanMentions(span: Span, text: string): boolean {
  if (text === '') return false;
  const has = (value: string) => value.toLowerCase().includes(text);
  return (
    has(span.name) ||
    has(span.resource.serviceName) ||
    has(span.status.message) ||
    attributesMention(span.attributes, has) ||
    attributesMention(span.resource.attributes, has) ||
    span.events.some((event) => has(event.name) || attributesMention(event.attributes, has))
  );
}

function attributesMention(attributes: Attributes, has: (value: string) => boolean): boolean {
  for (const key in attributes) if (has(key) || valueMentions(attributes[key]!, has)) return true;
  return false;
}

function valueMentions(value: AttributeValue, has: (value: string) => boolean): boolean {
  return Array.isArray(value) ? value.some((item) => has(String(item))) : has(String(value));
}
