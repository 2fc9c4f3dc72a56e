/**
 * The networks the dashboard can be built for, with their default public RPC. Pure data: the Vite
 * config reads it too (for the Content-Security-Policy's connect-src).
 */
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

export const NETWORKS: Record<NetworkConfig["name"], NetworkConfig> = {
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
