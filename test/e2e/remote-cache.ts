/**
 * Nx 24's self-hosted remote cache (NX_SELF_HOSTED_REMOTE_CACHE_SERVER): the OpenAPI-documented
 * GET/PUT /v1/cache/{hash} API, kept in memory on loopback. No Nx Cloud, no licence.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RemoteCache {
  readonly url: string;
  readonly entries: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startRemoteCache(): Promise<RemoteCache> {
  const entries = new Map<string, Buffer>();
  const server = createServer((request, response) => {
    const hash = /^\/v1\/cache\/(\w+)$/.exec(request.url ?? '')?.[1];
    if (!hash) return void response.writeHead(404).end();
    if (request.method === 'GET') {
      const entry = entries.get(hash);
      if (!entry) return void response.writeHead(404).end();
      return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(entry);
    }
    if (request.method !== 'PUT') return void response.writeHead(405).end();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The API refuses to overwrite an entry: a hash names one result forever.
      if (entries.has(hash)) return void response.writeHead(409).end();
      entries.set(hash, Buffer.concat(chunks));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, entries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
