// Zero-code mode: `node --import @stitch/sdk/auto app.js`, configured by the environment (see config.ts).
import { optionsFromEnv } from './config.ts';
import { initTracing } from './init-tracing.ts';

const tracing = initTracing(optionsFromEnv());

// Spans still buffered go out before the process ends. When the app handles the signal itself,
// it decides when to exit; otherwise the signal's default (ending the process) follows the flush.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void tracing.shutdown().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  });
}
