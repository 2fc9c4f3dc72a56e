/**
 * The confidential (ERC7984) wrapper of the payment token in which royalties are paid, named after
 * the payment token ("Confidential MUD", "cMUD").
 */
import type { DeployFunction } from "hardhat-deploy/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

const func: DeployFunction = async function (hre: HardhatRuntimeEnvironment) {
  const { deployments, getNamedAccounts } = hre;
  const { deployer } = await getNamedAccounts();
  const paymentToken = await deployments.get("PaymentToken");
  const symbol = (await deployments.read("PaymentToken", "symbol")) as string;
  await deployments.deploy("ConfidentialPayoutToken", {
    from: deployer,
    args: [paymentToken.address, `Confidential ${symbol}`, `c${symbol}`, ""],
    log: true,
  });
};

func.tags = ["PayoutToken"];
func.dependencies = ["PaymentToken"];
export default func;
