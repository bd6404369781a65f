/** POSTs `body` as JSON to central's API and answers the parsed response; a refusal throws with central's message, naming `what`. */
export async function postToCentral<T>(centralUrl: string, path: string, body: unknown, what: string): Promise<T> {
  const response = await fetch(`${centralUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${what} was refused: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
