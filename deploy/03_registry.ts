/**
 * The linked libraries (RulesValidation, EpochClosing, PoolAccounting), the RoyaltyPool implementation linked to them (its initializer is
 * disabled; every model's pool is a clone of it) and the ModelRegistry that creates one pool per model
 * and its cross-model MetricAggregator.
 */
import { isAddress } from "ethers";
import type { DeployFunction } from "hardhat-deploy/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { DEFAULT_AGGREGATE_MIN_CONTRIBUTORS } from "../src/deploy";
import { isLocalNetwork } from "../src/networks";

const func: DeployFunction = async function (hre: HardhatRuntimeEnvironment) {
  const { deployments, getNamedAccounts } = hre;
  const { deployer } = await getNamedAccounts();
  const rulesValidation = await deployments.deploy("RulesValidation", { from: deployer, args: [], log: true });
  const epochClosing = await deployments.deploy("EpochClosing", { from: deployer, args: [], log: true });
  const poolAccounting = await deployments.deploy("PoolAccounting", { from: deployer, args: [], log: true });
  const implementation = await deployments.deploy("RoyaltyPool", {
    from: deployer,
    args: [],
    libraries: {
      RulesValidation: rulesValidation.address,
      EpochClosing: epochClosing.address,
      PoolAccounting: poolAccounting.address,
    },
    log: true,
  });
  // The aggregate governance is fixed at deployment: outside a local network it must be the DAO's timelock.
  const fromEnv = process.env.AGGREGATE_GOVERNANCE;
  if (!isLocalNetwork(hre.network.name) && (fromEnv === undefined || !isAddress(fromEnv))) {
    throw new Error("Set AGGREGATE_GOVERNANCE to the DAO timelock address (it chooses the cross-model metrics).");
  }
  const aggregateGovernance = fromEnv ?? deployer;
  await deployments.deploy("ModelRegistry", {
    from: deployer,
    args: [implementation.address, aggregateGovernance, DEFAULT_AGGREGATE_MIN_CONTRIBUTORS],
    log: true,
  });
};

func.tags = ["ModelRegistry"];
// Models are created with the payout token: `--tags ModelRegistry` deploys the whole stack.
func.dependencies = ["PayoutToken"];
export default func;
