/**
 * The dashboard's Content-Security-Policy and frame protection. A built page carries the policy in a
 * `<meta>` tag (every host serves it); `vite preview` and hosts that read a `_headers` file (written
 * into the build) also send it as a header, with `frame-ancestors 'none'` and `X-Frame-Options: DENY`,
 * which a `<meta>` policy cannot express (main.tsx adds a frame-buster for hosts that send no header).
 * The dev server (`npm run app`) sends no policy: React's hot-reload preamble is an inline script.
 */
import type { Connect, Plugin } from "vite";

import { NETWORKS } from "../src/networks";
import type { NetworkConfig } from "../src/networks";

/** Origins FHE needs besides the RPC: Zama's relayer and the key files it points to (relayer networks only). */
function relayerOrigins(network: NetworkConfig["name"]): string[] {
  const fhe = NETWORKS[network].fhe;
  return fhe.kind === "relayer" ? [new URL(fhe.relayerUrl).origin, ...fhe.keyOrigins] : [];
}

/** The origin of a URL (never its path or query, which may hold an API key). */
function originOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`The RPC URL must be http(s): ${parsed.protocol} is not allowed.`);
  }
  return parsed.origin;
}

/**
 * The policy for a network: scripts from the page's origin only (plus 'wasm-unsafe-eval' for the FHE
 * WebAssembly), connections to the page, the RPC and the relayer only, no plugins, no framing, no
 * form posts, no <base> tricks. `header` adds what only a header can say (frame-ancestors).
 */
export function contentSecurityPolicy(
  network: NetworkConfig["name"],
  rpcUrl: string | undefined,
  header: boolean,
  indexerUrl?: string,
) {
  const rpc = originOf(rpcUrl ?? NETWORKS[network].rpcUrl);
  // The indexer the build reads public records from (VITE_INDEXER_URL), if any.
  const indexer = indexerUrl === undefined || indexerUrl === "" ? [] : [originOf(indexerUrl)];
  // A local node is reached as 127.0.0.1 or localhost, whichever the RPC URL says; allow both spellings.
  const local =
    network === "localhost" ? [rpc.replace("127.0.0.1", "localhost"), rpc.replace("localhost", "127.0.0.1")] : [];
  const connect = [...new Set(["'self'", rpc, ...local, ...indexer, ...relayerOrigins(network)])];
  const directives = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src ${connect.join(" ")}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    ...(header ? ["frame-ancestors 'none'"] : []),
  ];
  return directives.join("; ");
}

/** Headers a production host should send with every page of the dashboard. */
export function securityHeaders(
  network: NetworkConfig["name"],
  rpcUrl: string | undefined,
  indexerUrl?: string,
): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(network, rpcUrl, true, indexerUrl),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
}

/** The Vite plugin: the `<meta>` policy in builds, the headers in `vite preview`, a `_headers` file in dist. */
export function securityPlugin(
  network: NetworkConfig["name"],
  rpcUrl: string | undefined,
  indexerUrl?: string,
): Plugin {
  const headers = securityHeaders(network, rpcUrl, indexerUrl);
  const middleware: Connect.NextHandleFunction = (_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
  return {
    name: "royalties-security",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        if (context.server !== undefined) return [];
        return [
          {
            tag: "meta",
            attrs: {
              "http-equiv": "Content-Security-Policy",
              content: contentSecurityPolicy(network, rpcUrl, false, indexerUrl),
            },
            injectTo: "head-prepend",
          },
        ];
      },
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    generateBundle() {
      const lines = Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
      this.emitFile({ type: "asset", fileName: "_headers", source: `/*\n${lines.join("\n")}\n` });
    },
  };
}
