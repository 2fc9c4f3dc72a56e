/**
 * Serves `/deployments.json` to the dashboard: the addresses hardhat-deploy recorded in
 * `deployments/<network>/*.json`, read again on every request so that a redeploy (after restarting
 * `npx hardhat node`) shows up with a page reload, without restarting Vite. A production build for a
 * public network writes the same file into the bundle, from `deployments/<network>` at build time.
 */
import fs from "node:fs";
import path from "node:path";
import type { Connect, Plugin } from "vite";

/** One contract recorded by hardhat-deploy. */
export interface DeployedContract {
  address: string;
  /** Block of the deployment transaction (where event scans can start). */
  blockNumber?: number;
}

/** What the dashboard fetches from `/deployments.json`. */
export interface DeploymentsFile {
  network: string;
  chainId?: number;
  contracts: Record<string, DeployedContract>;
}

/** Reads `deployments/<network>`; an empty `contracts` when nothing was deployed there. */
export function readDeployments(root: string, network: string): DeploymentsFile {
  const dir = path.join(root, "deployments", network);
  const result: DeploymentsFile = { network, contracts: {} };
  if (!fs.existsSync(dir)) return result;
  const chainIdFile = path.join(dir, ".chainId");
  if (fs.existsSync(chainIdFile)) result.chainId = Number(fs.readFileSync(chainIdFile, "utf8").trim());
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith(".json")) continue;
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
        address?: unknown;
        receipt?: { blockNumber?: unknown };
      };
      if (typeof json.address !== "string") continue;
      const blockNumber = json.receipt?.blockNumber;
      result.contracts[file.slice(0, -".json".length)] = {
        address: json.address,
        ...(typeof blockNumber === "number" ? { blockNumber } : {}),
      };
    } catch {
      // A file being written by a concurrent `hardhat deploy`: the next request reads it whole.
    }
  }
  return result;
}

/** The Vite plugin: a live `/deployments.json` in `vite` and `vite preview`, a static one in builds for public networks. */
export function deploymentsPlugin(root: string, network: string): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    if (req.url?.split("?")[0] !== "/deployments.json") return next();
    res.setHeader("content-type", "application/json");
    res.setHeader("cache-control", "no-store");
    res.end(JSON.stringify(readDeployments(root, network)));
  };
  return {
    name: "royalties-deployments",
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    generateBundle() {
      // A local chain is redeployed all the time: its addresses are only ever served live.
      if (network === "localhost") return;
      const deployments = readDeployments(root, network);
      if (Object.keys(deployments.contracts).length === 0) {
        this.warn(
          `deployments/${network} is empty: the build will say "not deployed". ` +
            `Run npx hardhat deploy --network ${network} before npm run app:build.`,
        );
      }
      this.emitFile({ type: "asset", fileName: "deployments.json", source: JSON.stringify(deployments, null, 2) });
    },
  };
}
