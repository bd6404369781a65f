import { useState } from 'preact/hooks';

/** Central asks for a credential: the read token is kept for this tab only (sessionStorage). */
export function TokenPrompt({ onToken }: { onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="card token-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        if (token.trim()) onToken(token.trim());
      }}
    >
      <h2>This central needs its read token</h2>
      <p>It is kept in this tab only and sent with each request as <code>Authorization: Bearer …</code>.</p>
      <input type="password" autocomplete="off" placeholder="read token" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
      <button type="submit">Open the console</button>
    </form>
  );
}
