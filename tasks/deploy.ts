/**
 * Checks the environment before hardhat-deploy's `deploy` task touches a real network, so that a
 * missing key or payment token fails at once with what to set, instead of after an RPC round trip.
 */
import { task } from "hardhat/config";

import { missingRealNetworkEnv } from "./fhe";

/** Networks whose deploy script creates its own test payment token. */
const LOCAL_NETWORKS = ["hardhat", "localhost"];

task("deploy").setAction(async (args: Record<string, unknown>, hre, runSuper) => {
  const network = hre.network.name;
  if (!LOCAL_NETWORKS.includes(network)) {
    const problems = [
      missingRealNetworkEnv(network),
      (process.env.PAYMENT_TOKEN ?? "") === ""
        ? `PAYMENT_TOKEN is not set: on ${network} pools are paid in an existing ERC20; ` +
          `run PAYMENT_TOKEN=0x… npx hardhat deploy --network ${network}.`
        : undefined,
    ].filter((problem): problem is string => problem !== undefined);
    if (problems.length > 0) {
      for (const problem of problems) console.error(`Error: ${problem}`);
      process.exitCode = 1;
      return;
    }
  }
  return runSuper(args);
});
