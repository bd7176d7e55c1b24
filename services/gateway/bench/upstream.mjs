// The trivial upstream both contenders proxy to: a keep-alive HTTP server
// answering every request with a small JSON body. Runs in its own process so
// it does not share an event loop with the server being measured.
import process from 'node:process';
import { createServer } from 'node:http';

const body = JSON.stringify({ ok: true });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body),
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
