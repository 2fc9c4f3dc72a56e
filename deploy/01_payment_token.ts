/**
 * The model's public payment token. On local networks (the in-process `hardhat` network and a
 * `npx hardhat node` on `localhost`) a mintable TestToken is deployed and the deployer receives
 * 1,000,000 tokens to fund pools with. On any other network the token already exists: its
 * address comes from the `PAYMENT_TOKEN` environment variable and is recorded as `PaymentToken`.
 */
import type { DeployFunction } from "hardhat-deploy/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isLocalNetwork } from "../src/networks";

const LOCAL_MINT = 1_000_000n * 10n ** 18n;

const func: DeployFunction = async function (hre: HardhatRuntimeEnvironment) {
  const { deployments, getNamedAccounts, network, ethers } = hre;
  const { deployer } = await getNamedAccounts();

  if (isLocalNetwork(network.name)) {
    const result = await deployments.deploy("PaymentToken", {
      contract: "TestToken",
      from: deployer,
      args: ["Model Usage Dollar", "MUD"],
      log: true,
    });
    if (result.newlyDeployed) {
      await deployments.execute("PaymentToken", { from: deployer, log: true }, "mint", deployer, LOCAL_MINT);
    }
    return;
  }

  const address = process.env.PAYMENT_TOKEN;
  if (address === undefined || address === "") {
    throw new Error(
      `PAYMENT_TOKEN is not set: on ${network.name} the pools are paid in an existing ERC20. ` +
        `Run PAYMENT_TOKEN=0x… npx hardhat deploy --network ${network.name}.`,
    );
  }
  if (!ethers.isAddress(address)) {
    throw new Error(`PAYMENT_TOKEN=${address} is not an address: set it to the ERC20's 0x… address.`);
  }
  if ((await ethers.provider.getCode(address)) === "0x") {
    throw new Error(`No contract at PAYMENT_TOKEN=${address} on ${network.name}: check the address and the network.`);
  }
  const existing = await deployments.getOrNull("PaymentToken");
  if (existing?.address.toLowerCase() !== address.toLowerCase()) {
    const { abi } = await hre.artifacts.readArtifact(
      "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol:IERC20Metadata",
    );
    await deployments.save("PaymentToken", { address: ethers.getAddress(address), abi });
    console.log(`PaymentToken: using the existing ERC20 at ${address}`);
  }
};

func.tags = ["PaymentToken"];
export default func;
