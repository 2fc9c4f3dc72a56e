/**
 * Serves an in-process EIP-1193 provider (Hardhat's network with the fhEVM mock) as JSON-RPC over HTTP
 * on a free loopback port, so that out-of-process readers (the Ponder indexer, a browser) read the same
 * chain without a standalone `npx hardhat node` on port 8545.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

interface RpcRequest {
  id?: unknown;
  method: string;
  params?: unknown[];
}

export interface RpcServer {
  url: string;
  /** JSON-RPC requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

async function answer(provider: Eip1193, request: RpcRequest): Promise<object> {
  try {
    const result = await provider.request({ method: request.method, params: request.params ?? [] });
    return { jsonrpc: "2.0", id: request.id ?? null, result: result ?? null };
  } catch (error) {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
    return {
      jsonrpc: "2.0",
      id: request.id ?? null,
      error: { code: typeof code === "number" ? code : -32603, message: String(message ?? error), data },
    };
  }
}

/** Starts the server on 127.0.0.1 (`port` 0: any free port). */
export function serveRpc(provider: Eip1193, port = 0): Promise<RpcServer> {
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        res.setHeader("access-control-allow-origin", "*");
        res.setHeader("access-control-allow-headers", "content-type");
        if (req.method === "OPTIONS") {
          res.writeHead(204).end();
          return;
        }
        let body: RpcRequest | RpcRequest[];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
        } catch {
          res.writeHead(400).end();
          return;
        }
        const requests = Array.isArray(body) ? body : [body];
        count += requests.length;
        const answers = await Promise.all(requests.map((r) => answer(provider, r)));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
      })();
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        requests: () => count,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
