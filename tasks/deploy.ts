/**
 * Checks the environment before hardhat-deploy's `deploy` task touches a real network, so that a missing
 * key, payment token or aggregate governance fails at once, naming every missing variable, before any
 * transaction spends gas (the deploy scripts would otherwise stop halfway, after deploying the tokens).
 */
import { task } from "hardhat/config";

import { deployPreflight } from "../src/networks";

task("deploy").setAction(async (args: Record<string, unknown>, hre, runSuper) => {
  const preflight = deployPreflight(hre.network.name, process.env);
  if (!preflight.ok) {
    console.error(`Error: ${preflight.message}`);
    process.exitCode = 1;
    return;
  }
  return runSuper(args);
});
