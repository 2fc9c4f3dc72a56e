/**
 * The networks the dashboard can be built for: the local node and Sepolia of the project's one network
 * configuration (src/networks.ts). Pure data: the Vite config reads it too (for the Content-Security-Policy's
 * connect-src and the relayer's origins).
 */
import { NETWORKS as ALL_NETWORKS } from "../../src";
import type { NetworkConfig as ProjectNetwork } from "../../src";

/** A network the dashboard runs on: every one with an RPC URL (not the in-process `hardhat`). */
export type NetworkConfig = ProjectNetwork & { name: "localhost" | "sepolia"; rpcUrl: string };

function dashboardNetwork(network: ProjectNetwork, name: NetworkConfig["name"]): NetworkConfig {
  if (network.rpcUrl === undefined) throw new Error(`src/networks.ts gives ${name} no RPC URL.`);
  return { ...network, name, rpcUrl: network.rpcUrl };
}

export const NETWORKS: Record<NetworkConfig["name"], NetworkConfig> = {
  localhost: dashboardNetwork(ALL_NETWORKS.localhost, "localhost"),
  sepolia: dashboardNetwork(ALL_NETWORKS.sepolia, "sepolia"),
};
