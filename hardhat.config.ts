import "@fhevm/hardhat-plugin";
import "@nomicfoundation/hardhat-chai-matchers";
import "@nomicfoundation/hardhat-ethers";
import "@typechain/hardhat";
import "hardhat-deploy";
import "solidity-coverage";

import path from "node:path";

import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import { subtask } from "hardhat/config";
import type { HardhatUserConfig, HttpNetworkUserConfig } from "hardhat/types";

import { NETWORKS, PUBLIC_TEST_MNEMONIC, rpcUrlOf } from "./src/networks";
import type { NetworkConfig } from "./src/networks";

import "./tasks";

/**
 * The compiler comes from the npm `solc` package (pinned in package.json) instead of Hardhat's
 * download from binaries.soliditylang.org, so that compiling works offline on a fresh clone.
 */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) {
    return runSuper(args);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcPackage = require("solc") as { version(): string };
  return {
    version: SOLC_VERSION,
    longVersion: solcPackage.version(),
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
  };
});

/**
 * The browser end-to-end test in test/app/ needs a built dashboard and Chromium, the indexer tests in
 * test/indexer/ run the Ponder indexer (and PostgreSQL), and the tests in test/e2e/ drive `npx hardhat node`
 * and the tasks or the agent as child processes (minutes each): `npm run test:app`, `npm run test:indexer` and
 * `npm run test:e2e` run them by name; `npm test` (and coverage), which list the test folder, leave them out.
 */
const SEPARATE_TESTS = [
  path.join(__dirname, "test", "app") + path.sep,
  path.join(__dirname, "test", "indexer") + path.sep,
  path.join(__dirname, "test", "e2e") + path.sep,
];

subtask(TASK_TEST_GET_TEST_FILES).setAction(async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files = (await runSuper(args)) as string[];
  return args.testFiles.length > 0
    ? files
    : files.filter((file) => !SEPARATE_TESTS.some((folder) => file.startsWith(folder)));
});

/**
 * The networks come from src/networks.ts, shared with the deploy preflight, the tasks and the dashboard.
 * The public test mnemonic is the only source of accounts of the local networks (`hardhat`, and
 * `localhost`, the `npx hardhat node` that unlocks them for any caller). `MNEMONIC` / `PRIVATE_KEY` from the
 * environment configure real networks only, so a node started in a shell that exported a real key never
 * holds it.
 */
export { PUBLIC_TEST_MNEMONIC };
const LOCAL_ACCOUNTS = { mnemonic: PUBLIC_TEST_MNEMONIC, count: 20 };
const MNEMONIC = process.env.MNEMONIC;
const PRIVATE_KEY = process.env.PRIVATE_KEY;

/** The Hardhat settings of a network of src/networks.ts (every one but the in-process `hardhat`). */
function remoteNetwork(network: NetworkConfig): HttpNetworkUserConfig {
  const url = rpcUrlOf(network, process.env);
  if (url === undefined) throw new Error(`src/networks.ts gives ${network.name} no RPC URL.`);
  return {
    url,
    chainId: Number(network.chainId),
    // Only keys from the environment on real networks: without PRIVATE_KEY or MNEMONIC the network has no
    // account and the royalties tasks say what to set (the public test mnemonic must never sign there).
    accounts: network.local
      ? LOCAL_ACCOUNTS
      : PRIVATE_KEY
        ? [PRIVATE_KEY]
        : MNEMONIC
          ? { mnemonic: MNEMONIC, count: 10 }
          : [],
  };
}

const config: HardhatUserConfig = {
  defaultNetwork: "hardhat",
  namedAccounts: {
    deployer: 0,
  },
  networks: {
    hardhat: {
      accounts: LOCAL_ACCOUNTS,
      chainId: Number(NETWORKS.hardhat.chainId),
    },
    localhost: remoteNetwork(NETWORKS.localhost),
    sepolia: remoteNetwork(NETWORKS.sepolia),
  },
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      metadata: { bytecodeHash: "none" },
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test",
    cache: "./cache",
    artifacts: "./artifacts",
  },
  typechain: {
    outDir: "types",
    target: "ethers-v6",
  },
  mocha: {
    timeout: 300_000,
  },
};

export default config;
