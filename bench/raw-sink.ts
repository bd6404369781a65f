// The agent benchmark's "raw" sink, run as its own process: reads each POST whole and answers
// 200, nothing else. Posting straight to it is the baseline (what HTTP alone costs); the agent
// forwards to it, so the agent's rate is not bounded by central's store.
// GET /count answers { requests, bytes } received so far.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, bytes }));
    return;
  }
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`raw sink on http://127.0.0.1:${address.port}`);
});
process.on('SIGINT', () => process.exit(0));
