/**
 * The library's Node entry: everything of the browser-safe `src/index.ts`, plus what only runs in Node — the FHE
 * backends over the Hardhat plugin and over the relayer SDK's Node build, and the agent (files, HTTP, child
 * processes). Tasks, scripts and tests import this file; the dashboard imports `src/index.ts` only.
 */
export * from "./index";
export { createHardhatFheBackend } from "./fhe/hardhatBackend";
export { createRelayerFheBackend, relayerConfig } from "./fhe/relayerBackend";
export type { RelayerFheBackendParameters, RelayerInstanceConfig, RelayerNetwork } from "./fhe/relayerBackend";
export * from "./agent";
