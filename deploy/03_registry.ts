/**
 * The RulesValidation library, the RoyaltyPool implementation linked to it (its initializer is disabled; every model's pool is a clone of it)
 * and the ModelRegistry that creates one pool per model.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

const func: DeployFunction = async function (hre: HardhatRuntimeEnvironment) {
  const { deployments, getNamedAccounts } = hre;
  const { deployer } = await getNamedAccounts();
  const rulesValidation = await deployments.deploy("RulesValidation", { from: deployer, args: [], log: true });
  const implementation = await deployments.deploy("RoyaltyPool", {
    from: deployer,
    args: [],
    libraries: { RulesValidation: rulesValidation.address },
    log: true,
  });
  await deployments.deploy("ModelRegistry", { from: deployer, args: [implementation.address], log: true });
};

func.tags = ["ModelRegistry"];
// Models are created with the payout token: `--tags ModelRegistry` deploys the whole stack.
func.dependencies = ["PayoutToken"];
export default func;
