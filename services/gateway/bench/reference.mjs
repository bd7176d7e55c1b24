import { createServer } from 'node:http';
import { Agent } from 'undici';

/**
 * A reference point, not a contender: node:http and undici with nothing else
 * (no routing, no checks, no headers of its own). About the most any Node
 * proxy reaches on this machine, measured in the same run as the other two.
 */
export async function startReference({ upstreamUrl }) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
  const server = createServer(async (req, res) => {
    try {
      const answer = await agent.request({
        origin: upstreamUrl,
        path: req.url.replace(/^\/api\/llm/, ''),
        method: 'GET',
      });
      const body = Buffer.from(await answer.body.arrayBuffer());
      res.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] }).end(body);
    } catch {
      res.destroy();
    }
  });
  server.keepAliveTimeout = 72_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
  };
  return { url: `http://127.0.0.1:${server.address().port}`, close };
}
