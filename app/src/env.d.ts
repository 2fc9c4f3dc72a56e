/// <reference types="vite/client" />

/** The network the app was built for (`VITE_NETWORK`), replaced by a literal at build time. */
declare const __NETWORK__: "localhost" | "sepolia";

interface ImportMetaEnv {
  /** JSON-RPC URL for public reads (default: the network's usual one). */
  readonly VITE_RPC_URL?: string;
  /** Base URL of the indexer's GraphQL API; unset: public records come from the chain's logs. */
  readonly VITE_INDEXER_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
