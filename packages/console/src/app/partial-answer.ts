import type { PartialJson } from '@stitch/api';
import { accountNameWithId } from '@stitch/model';

// A partial answer (federated mode) in words: which accounts did not answer and why, and where a
// read stopped early. The console says it on every page that shows such an answer, never silently.

const sentence = (text: string) => text.replace(/[.\s]+$/, '');

const accountName = ({ accountId, label }: { accountId: string; label: string }) => accountNameWithId({ id: accountId, label });

/**
 * What follows "Partial result:": `no answer from payments (444444444444): unreachable
 * (ECONNREFUSED). The rest of the accounts answered.`, then `effect` (what that leaves out of
 * this page), then each bound the read stopped at. Empty when nothing is missing.
 */
export function describePartial({ missingAccounts, stoppedAt }: PartialJson, effect?: string): string {
  const sentences: string[] = [];
  if (missingAccounts.length > 0) {
    sentences.push(`no answer from ${missingAccounts.map((account) => `${accountName(account)}: ${sentence(account.reason)}`).join('; ')}.`);
    sentences.push('The rest of the accounts answered.');
    if (effect) sentences.push(effect);
  }
  for (const note of stoppedAt) sentences.push(`${sentences.length === 0 ? 'stopped' : 'Stopped'} early: ${sentence(note)}.`);
  return sentences.join(' ');
}
