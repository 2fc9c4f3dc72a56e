/**
 * The dashboard's public view in Debian's Chromium for `npm run load`: builds the app twice (one bundle reading
 * the indexer through VITE_INDEXER_URL, one reading the chain's logs in pages), serves a bundle with the load's
 * registry in /deployments.json, and times a fresh page from navigation to every model's epochs table filled.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

const ROOT = path.join(__dirname, "..", "..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Builds the dashboard into `outDir` for the local network with the given RPC and (optional) indexer. */
export function buildApp(outDir: string, rpcUrl: string, indexerUrl: string | undefined): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, VITE_NETWORK: "localhost", VITE_RPC_URL: rpcUrl };
  if (indexerUrl === undefined) delete env.VITE_INDEXER_URL;
  else env.VITE_INDEXER_URL = indexerUrl;
  const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
  const args = [
    vite,
    "build",
    "--config",
    "app/vite.config.mts",
    "--outDir",
    outDir,
    "--emptyOutDir",
    "--logLevel",
    "error",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a built dashboard from `dir` on a free loopback port, with `deployments` as /deployments.json. */
export function serveApp(dir: string, deployments: object): Promise<AppServer> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent((req.url ?? "/").split("?")[0]);
    if (pathname === "/deployments.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(deployments));
      return;
    }
    const file = path.join(dir, pathname === "/" ? "index.html" : pathname);
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    }),
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

export interface PageTiming {
  /** Navigation to every model's epochs table holding all its epochs. */
  ms: number;
  /** What the page says it read from ("Source: …"). */
  source: string;
}

/**
 * Opens the public view in a fresh browser context (no cache) and waits until each of `modelIds` shows an
 * epochs table with `epochs` rows.
 */
export async function timePublicView(
  browser: Browser,
  url: string,
  modelIds: number[],
  epochs: number,
  timeoutMs = 10 * 60_000,
): Promise<PageTiming> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const t0 = performance.now();
    await page.goto(`${url}#/public`);
    try {
      // Locators, not an evaluated predicate: the page's CSP forbids eval, and it stays enforced here.
      for (const id of modelIds) {
        const filled = page.locator(`[data-testid="public-epochs-${id}"] tbody tr`).nth(epochs - 1);
        // A model the page gave up on (its per-model time limit) is drawn as unreadable: stop waiting then.
        const unreadable = page.locator(`[data-testid="public-model-${id}"] [data-testid="unreadable-reason"]`);
        await filled.or(unreadable).first().waitFor({ state: "attached", timeout: timeoutMs });
        if ((await unreadable.count()) > 0) {
          const reason = (await unreadable.first().textContent()) ?? "";
          throw new Error(
            `after ${Math.round(performance.now() - t0)} ms the page shows model #${id} as unreadable: ${reason}`,
          );
        }
      }
    } catch (error) {
      if (String(error).includes("as unreadable")) throw error;
      const text = (await page.textContent("body").catch(() => "")) ?? "";
      throw new Error(`${String(error)}; page errors: ${errors.join(" | ")}; page: ${text.slice(0, 600)}`);
    }
    const ms = performance.now() - t0;
    const source = (await page.textContent('[data-testid="record-source"]').catch(() => null)) ?? "(no label)";
    return { ms, source };
  } finally {
    await context.close();
  }
}
