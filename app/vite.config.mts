/**
 * The contributor dashboard. `npm run app` serves it against a local `npx hardhat node` (FHE through
 * the node's fhEVM mock); `VITE_NETWORK=sepolia npm run app:build` builds it for Sepolia (FHE through
 * Zama's relayer SDK, loaded on demand).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

import { NETWORKS } from "./src/networks";
import { deploymentsPlugin } from "./vite/deployments";
import { securityPlugin } from "./vite/security";

const APP_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(APP_DIR, "..");

export default defineConfig(({ mode }) => {
  const network = process.env.VITE_NETWORK ?? "localhost";
  if (network !== "localhost" && network !== "sepolia") {
    throw new Error(`VITE_NETWORK=${network} is not supported: use one of ${Object.keys(NETWORKS).join(", ")}.`);
  }
  // The RPC URL the bundle will contain (VITE_* values are inlined into the public JavaScript).
  const env = loadEnv(mode, APP_DIR, "VITE_");
  const rpcUrl = env.VITE_RPC_URL;
  return {
    root: APP_DIR,
    envDir: APP_DIR,
    plugins: [react(), deploymentsPlugin(REPO_ROOT, network), securityPlugin(network, rpcUrl, env.VITE_INDEXER_URL)],
    // A literal, so that a Sepolia build drops the fhEVM mock (and a local build the relayer SDK) entirely.
    define: { __NETWORK__: JSON.stringify(network) },
    resolve: {
      // @fhevm/mock-utils imports two pure-JS helpers (EIP-712 builder, key pair type) from the SDK's
      // Node entry, which pulls in Node-only WASM packages; its web entry exports the same classes.
      alias: [{ find: /^@zama-fhe\/relayer-sdk\/node$/, replacement: "@zama-fhe/relayer-sdk/web" }],
    },
    server: { port: 5173, strictPort: false, fs: { allow: [REPO_ROOT] } },
    preview: { port: 4173, strictPort: false },
    build: {
      outDir: path.join(APP_DIR, "dist"),
      emptyOutDir: true,
      target: "es2022",
      // The relayer SDK (Sepolia) and the fhEVM mock (localhost) are large lazily loaded chunks.
      chunkSizeWarningLimit: 4096,
    },
  };
});
