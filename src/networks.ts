/**
 * The one network configuration of the project, read by `hardhat.config.ts`, the deploy preflight, the
 * tasks and the dashboard: each network's chain id, RPC (default and the variable that overrides it), FHE
 * backend, and the environment variables acting on it needs. Pure data and pure functions: no Node
 * import, no `process.env` read (callers pass the environment), so the browser bundle can import it.
 */
import { isAddress } from "ethers";

/** The networks the project runs on. */
export type NetworkName = "hardhat" | "localhost" | "sepolia";

/** How FHE works on a network. */
export type NetworkFhe =
  /** The fhEVM mock coprocessor of `@fhevm/hardhat-plugin`: in-process, or on a `npx hardhat node`. */
  | { kind: "mock" }
  /**
   * Zama's relayer and KMS. The contract addresses (ACL, KMS verifier, input verifier) and the relayer's
   * chain come from the SDK's published config for `relayerNetwork`; `relayerUrl` is that config's relayer,
   * listed here with the origins of the key files it points to for the dashboard's Content-Security-Policy.
   */
  | { kind: "relayer"; relayerNetwork: "sepolia" | "mainnet"; relayerUrl: string; keyOrigins: readonly string[] };

/** One or more environment variables, at least one of which must be set. */
export interface EnvRequirement {
  /** Any of these satisfies the requirement (e.g. PRIVATE_KEY or MNEMONIC). */
  anyOf: readonly string[];
  /** What it is for. */
  why: string;
  /** The value must be a 0x-prefixed 20-byte address. */
  address?: boolean;
}

export interface NetworkConfig {
  name: NetworkName;
  /** A human name, e.g. "Sepolia (Zama relayer)". */
  label: string;
  chainId: bigint;
  /** Default JSON-RPC URL; for the in-process network, none. */
  rpcUrl?: string;
  /** The environment variable that replaces {@link rpcUrl} (Node side; the dashboard uses VITE_RPC_URL). */
  rpcUrlEnv?: string;
  /** A throw-away Hardhat chain: public test accounts, a mintable test token, time travel allowed. */
  local: boolean;
  fhe: NetworkFhe;
  /** Variables every signing command needs (none on local networks: they use the public test mnemonic). */
  signEnv: readonly EnvRequirement[];
  /** Variables `npx hardhat deploy` needs besides {@link signEnv}, all checked before the first transaction. */
  deployEnv: readonly EnvRequirement[];
  /** Block explorer for transaction links, when the network has one. */
  explorer?: string;
}

/** The public Hardhat test mnemonic: the only accounts of the local networks. */
export const PUBLIC_TEST_MNEMONIC = "test test test test test test test test test test test junk";

const SIGNING_KEY: EnvRequirement = {
  anyOf: ["PRIVATE_KEY", "MNEMONIC"],
  why: "a funded account to sign with",
};

export const NETWORKS: Readonly<Record<NetworkName, NetworkConfig>> = {
  hardhat: {
    name: "hardhat",
    label: "In-process Hardhat network (fhEVM mock)",
    chainId: 31337n,
    local: true,
    fhe: { kind: "mock" },
    signEnv: [],
    deployEnv: [],
  },
  localhost: {
    name: "localhost",
    label: "Local Hardhat node (fhEVM mock)",
    chainId: 31337n,
    // The fhEVM plugin only accepts a node named localhost on port 8545.
    rpcUrl: "http://127.0.0.1:8545",
    local: true,
    fhe: { kind: "mock" },
    signEnv: [],
    deployEnv: [],
  },
  sepolia: {
    name: "sepolia",
    label: "Sepolia (Zama relayer)",
    chainId: 11155111n,
    rpcUrl: "https://ethereum-sepolia-rpc.publicnode.com",
    rpcUrlEnv: "SEPOLIA_RPC_URL",
    local: false,
    fhe: {
      kind: "relayer",
      relayerNetwork: "sepolia",
      relayerUrl: "https://relayer.testnet.zama.org",
      keyOrigins: ["https://*.s3.amazonaws.com", "https://*.s3.eu-west-1.amazonaws.com"],
    },
    signEnv: [SIGNING_KEY],
    deployEnv: [
      { anyOf: ["PAYMENT_TOKEN"], why: "the existing ERC20 the pools are paid in", address: true },
      {
        anyOf: ["AGGREGATE_GOVERNANCE"],
        why: "the DAO timelock that chooses the cross-model metrics (fixed at deployment)",
        address: true,
      },
    ],
    explorer: "https://sepolia.etherscan.io",
  },
};

/** The environment, as `process.env` holds it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The configuration of a network name, or undefined for a network the project does not know. */
export function networkConfig(name: string): NetworkConfig | undefined {
  return Object.prototype.hasOwnProperty.call(NETWORKS, name) ? NETWORKS[name as NetworkName] : undefined;
}

/** Whether `name` is a throw-away local Hardhat chain (unknown networks are not). */
export function isLocalNetwork(name: string): boolean {
  return networkConfig(name)?.local === true;
}

/** The RPC URL of a network: its override variable when set, else its default. */
export function rpcUrlOf(network: NetworkConfig, env: Env): string | undefined {
  const fromEnv = network.rpcUrlEnv === undefined ? undefined : env[network.rpcUrlEnv];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : network.rpcUrl;
}

/** A requirement the environment does not meet, and why. */
export interface EnvProblem {
  requirement: EnvRequirement;
  /** "missing", or "not an address" with the offending variable. */
  problem: "missing" | "not an address";
  variable: string;
}

/** A 0x address with a valid checksum when mixed-case, as the deploy scripts' `isAddress` accepts it. */
const isHexAddress = (value: string) => /^0x[0-9a-fA-F]{40}$/.test(value) && isAddress(value);

/** Every requirement of `requirements` that `env` does not meet (empty values count as missing). */
export function unmetEnv(requirements: readonly EnvRequirement[], env: Env): EnvProblem[] {
  const problems: EnvProblem[] = [];
  for (const requirement of requirements) {
    const set = requirement.anyOf.find((name) => (env[name] ?? "").trim() !== "");
    if (set === undefined) {
      problems.push({ requirement, problem: "missing", variable: requirement.anyOf.join(" or ") });
    } else if (requirement.address === true && !isHexAddress((env[set] ?? "").trim())) {
      problems.push({ requirement, problem: "not an address", variable: set });
    }
  }
  return problems;
}

/** One line per problem, naming the variable and what it is for. */
function describe(problems: readonly EnvProblem[]): string {
  return problems
    .map((p) =>
      p.problem === "missing"
        ? `${p.variable} is not set (${p.requirement.why})`
        : `${p.variable} is not an address (${p.requirement.why}): set it to a 0x… address`,
    )
    .join("; ");
}

/** "PRIVATE_KEY (or MNEMONIC)": a requirement as a user reads it. */
function variables(requirement: EnvRequirement): string {
  const [first, ...others] = requirement.anyOf;
  return others.length === 0 ? first : `${first} (or ${others.join(", ")})`;
}

/**
 * What is missing to sign on `network`, as one message naming the variables to set, or undefined when
 * nothing is (always on local networks, whose accounts are the public test mnemonic's).
 * @example
 * signingEnvProblem("sepolia", {}); // "--network sepolia needs a funded account: set PRIVATE_KEY (or MNEMONIC) and SEPOLIA_RPC_URL, …"
 */
export function signingEnvProblem(networkName: string, env: Env): string | undefined {
  const network = networkConfig(networkName);
  if (network === undefined) return undefined;
  const problems = unmetEnv(network.signEnv, env);
  if (problems.length === 0) return undefined;
  const rpc = network.rpcUrlEnv;
  const example = problems.map((p) => `${p.requirement.anyOf[0]}=0x…`).join(" ");
  return (
    `--network ${networkName} needs a funded account: set ${problems.map((p) => variables(p.requirement)).join(", ")}` +
    `${rpc === undefined ? "" : ` and ${rpc}`}, e.g. ${example}${rpc === undefined ? "" : ` ${rpc}=https://…`} ` +
    `npx hardhat … --network ${networkName}.`
  );
}

/** The variables a deployment on a network lacks, and the message to print. */
export interface DeployPreflight {
  ok: boolean;
  /** Every unmet requirement: signing key, payment token, aggregate governance… */
  problems: EnvProblem[];
  /** Names every missing or invalid variable at once, with the command to retry; empty when ok. */
  message: string;
}

/**
 * Checks, before `npx hardhat deploy` sends any transaction, that the environment holds every variable a
 * deployment on `networkName` needs (signing key and deployEnv), reporting all the missing ones together.
 * An unknown network is refused: the project has no configuration for it.
 * @example
 * const { ok, message } = deployPreflight("sepolia", process.env);
 * if (!ok) throw new Error(message);
 */
export function deployPreflight(networkName: string, env: Env): DeployPreflight {
  const network = networkConfig(networkName);
  if (network === undefined) {
    return {
      ok: false,
      problems: [],
      message: `No network ${networkName} in src/networks.ts: use one of ${Object.keys(NETWORKS).join(", ")}.`,
    };
  }
  const problems = unmetEnv([...network.signEnv, ...network.deployEnv], env);
  if (problems.length === 0) return { ok: true, problems, message: "" };
  const example = [...network.signEnv, ...network.deployEnv].map((r) => `${r.anyOf[0]}=…`).join(" ");
  return {
    ok: false,
    problems,
    message:
      `Nothing was sent: deploying on ${networkName} needs ${problems.map((p) => p.variable).join(", ")}. ` +
      `${describe(problems)}. Run ${example} npx hardhat deploy --network ${networkName}.`,
  };
}
