import path from "node:path";

interface FhevmEnvironmentHandle {
  isDeployed: boolean;
  setRunningInHHTest(): void;
  deploy(): Promise<void>;
}

/**
 * Deploys the fhEVM mock coprocessor on Hardhat's in-process network for a script or a task (Node only:
 * it loads the plugin by path).
 *
 * `@fhevm/hardhat-plugin` 0.4.2 performs this step only inside `hardhat test` (and `hardhat node`);
 * its CLI initializer refuses the in-process network. The plugin's package exports hide the
 * environment, so it is loaded by path, next to the plugin's entry point.
 */
export async function startInProcessFhevm(): Promise<void> {
  const pluginDir = path.dirname(require.resolve("@fhevm/hardhat-plugin"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extender = require(path.join(pluginDir, "internal", "EnvironmentExtender.js")) as {
    fhevmContext: { get(): FhevmEnvironmentHandle };
  };
  const environment = extender.fhevmContext.get();
  if (environment.isDeployed) return;
  environment.setRunningInHHTest();
  await environment.deploy();
}
