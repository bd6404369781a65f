/** An account as views name it: its id, and the label its link gives it (which may be the id, or hold it). */
export interface NamedAccount {
  id: string;
  label?: string | null;
}

/** The account's name where space is short: its label, or its id when it has none. */
export function accountName({ id, label }: NamedAccount): string {
  return label ? label : id;
}

/**
 * The account's name with its id, the id written once: `checkout (222222222222)`; a label that
 * already holds the id (a link labelled `$AccountName ($AccountId)`) or is the id stands alone.
 */
export function accountNameWithId({ id, label }: NamedAccount): string {
  return !label || label.includes(id) ? (label || id) : `${label} (${id})`;
}
