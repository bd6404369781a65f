/** Where a listener is wanted (port 0: a free one). `ifFree`: the default port, not asked for: when taken it is passed over with a notice instead of failing. */
export interface PortChoice {
  port: number;
  ifFree?: boolean;
}

/**
 * Starts a listener as the CLI's port flags promise: a taken port that was asked for fails
 * startup, naming the flag; the default one, when taken (an agent and central on one host), is
 * logged and gives null: that listener is off.
 */
export async function listenOrPassOver<T>(what: string, flag: string, address: string, choice: PortChoice, start: () => Promise<T>, log: (message: string) => void): Promise<T | null> {
  try {
    return await start();
  } catch (error) {
    const why = `${what}: cannot listen on ${address}:${choice.port} (${(error as Error).message})`;
    if (!choice.ifFree) throw new Error(`${why}; choose another port with ${flag}, or 0 for none`);
    log(`${why}: ${what} is off; choose a free port with ${flag}`);
    return null;
  }
}
