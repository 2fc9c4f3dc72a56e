/** The network the dashboard talks to, fixed at build time by `VITE_NETWORK`. */
export interface NetworkConfig {
  name: "localhost" | "sepolia";
  label: string;
  chainId: bigint;
  /** JSON-RPC URL used for public reads (and by the development wallet). */
  rpcUrl: string;
  /** True on a local Hardhat node: FHE runs on the node's mock and the development wallet is offered. */
  local: boolean;
  /** Block explorer for transaction links, when the network has one. */
  explorer?: string;
}

const NETWORKS: Record<NetworkConfig["name"], NetworkConfig> = {
  localhost: {
    name: "localhost",
    label: "Local Hardhat node (fhEVM mock)",
    chainId: 31337n,
    rpcUrl: "http://127.0.0.1:8545",
    local: true,
  },
  sepolia: {
    name: "sepolia",
    label: "Sepolia (Zama relayer)",
    chainId: 11155111n,
    rpcUrl: "https://ethereum-sepolia-rpc.publicnode.com",
    local: false,
    explorer: "https://sepolia.etherscan.io",
  },
};

export const NETWORK: NetworkConfig = {
  ...NETWORKS[__NETWORK__],
  rpcUrl: import.meta.env.VITE_RPC_URL ?? NETWORKS[__NETWORK__].rpcUrl,
};

/** The public mnemonic of every Hardhat node: its accounts are the development wallet's. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
/** Accounts the development wallet offers (the node has 20; account 0 deployed the contracts). */
export const DEV_ACCOUNTS = 10;
