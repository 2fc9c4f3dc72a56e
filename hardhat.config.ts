import "@fhevm/hardhat-plugin";
import "@nomicfoundation/hardhat-chai-matchers";
import "@nomicfoundation/hardhat-ethers";
import "@typechain/hardhat";
import "hardhat-deploy";
import "solidity-coverage";

import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import { subtask } from "hardhat/config";
import type { HardhatUserConfig } from "hardhat/config";

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

const MNEMONIC = process.env.MNEMONIC ?? "test test test test test test test test test test test junk";
const PRIVATE_KEY = process.env.PRIVATE_KEY;
const SEPOLIA_RPC_URL = process.env.SEPOLIA_RPC_URL ?? "https://ethereum-sepolia-rpc.publicnode.com";

const config: HardhatUserConfig = {
  defaultNetwork: "hardhat",
  namedAccounts: {
    deployer: 0,
  },
  networks: {
    hardhat: {
      accounts: { mnemonic: MNEMONIC, count: 20 },
      chainId: 31337,
    },
    localhost: {
      url: "http://localhost:8545",
      accounts: { mnemonic: MNEMONIC, count: 20 },
      chainId: 31337,
    },
    sepolia: {
      url: SEPOLIA_RPC_URL,
      accounts: PRIVATE_KEY ? [PRIVATE_KEY] : { mnemonic: MNEMONIC, count: 10 },
      chainId: 11155111,
    },
  },
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 800 },
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
