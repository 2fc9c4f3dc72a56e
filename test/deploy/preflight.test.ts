/**
 * The one network configuration (src/networks.ts) and the deploy preflight that reads it: every variable a
 * real-network deployment needs is checked, all at once, before any transaction (the preflight once forgot
 * AGGREGATE_GOVERNANCE, which deploy/03_registry.ts only checks after deploying the tokens and libraries).
 */
import { expect } from "chai";
import hre from "hardhat";
import { MainnetConfig, SepoliaConfig } from "@zama-fhe/relayer-sdk/node";

import {
  NETWORKS,
  deployPreflight,
  isLocalNetwork,
  networkConfig,
  rpcUrlOf,
  signingEnvProblem,
} from "../../src/networks";

const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TIMELOCK = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const KEY = `0x${"11".repeat(32)}`;
const WITHOUT_GOVERNANCE = { PRIVATE_KEY: KEY, PAYMENT_TOKEN: TOKEN };
const COMPLETE = { ...WITHOUT_GOVERNANCE, AGGREGATE_GOVERNANCE: TIMELOCK };

describe("Deploy preflight", function () {
  it("passes on Sepolia with a key, the payment token and the aggregate governance", function () {
    expect(deployPreflight("sepolia", COMPLETE)).to.deep.equal({ ok: true, problems: [], message: "" });
    const withMnemonic = { PAYMENT_TOKEN: TOKEN, AGGREGATE_GOVERNANCE: TIMELOCK, MNEMONIC: "word ".repeat(12).trim() };
    expect(deployPreflight("sepolia", withMnemonic).ok).to.equal(true);
  });

  it("refuses a missing AGGREGATE_GOVERNANCE before anything is sent, naming it", function () {
    const preflight = deployPreflight("sepolia", WITHOUT_GOVERNANCE);
    expect(preflight.ok).to.equal(false);
    expect(preflight.problems.map((p) => p.variable)).to.deep.equal(["AGGREGATE_GOVERNANCE"]);
    expect(preflight.message).to.match(/^Nothing was sent: deploying on sepolia needs AGGREGATE_GOVERNANCE\./);
    expect(preflight.message).to.contain("DAO timelock");
  });

  it("names every missing variable at once, an empty value counting as missing", function () {
    const preflight = deployPreflight("sepolia", { PAYMENT_TOKEN: "  ", MNEMONIC: "" });
    expect(preflight.problems.map((p) => p.variable)).to.deep.equal([
      "PRIVATE_KEY or MNEMONIC",
      "PAYMENT_TOKEN",
      "AGGREGATE_GOVERNANCE",
    ]);
    expect(preflight.message).to.contain("needs PRIVATE_KEY or MNEMONIC, PAYMENT_TOKEN, AGGREGATE_GOVERNANCE");
    expect(preflight.message).to.contain("npx hardhat deploy --network sepolia");
  });

  it("refuses a variable that is not an address (bad checksum included)", function () {
    const badChecksum = TIMELOCK.replace("e7f1", "E7F1");
    const preflight = deployPreflight("sepolia", {
      ...COMPLETE,
      PAYMENT_TOKEN: "usdc",
      AGGREGATE_GOVERNANCE: badChecksum,
    });
    expect(preflight.problems.map((p) => [p.variable, p.problem])).to.deep.equal([
      ["PAYMENT_TOKEN", "not an address"],
      ["AGGREGATE_GOVERNANCE", "not an address"],
    ]);
    expect(preflight.message).to.contain("PAYMENT_TOKEN is not an address");
  });

  it("needs nothing on local networks and refuses an unknown network", function () {
    expect(deployPreflight("hardhat", {}).ok).to.equal(true);
    expect(deployPreflight("localhost", {}).ok).to.equal(true);
    const unknown = deployPreflight("mainnet", COMPLETE);
    expect(unknown.ok).to.equal(false);
    expect(unknown.message).to.contain("use one of hardhat, localhost, sepolia");
  });

  it("the deploy task stops on the preflight before hardhat-deploy runs, and hands over when it passes", async function () {
    const override = hre.tasks["deploy"].action;
    const run = async (network: string, env: Record<string, string>) => {
      const saved = { ...process.env };
      const exitCode = process.exitCode;
      const errors: string[] = [];
      const original = console.error;
      let handedOver = false;
      for (const name of ["PRIVATE_KEY", "MNEMONIC", "PAYMENT_TOKEN", "AGGREGATE_GOVERNANCE"]) delete process.env[name];
      Object.assign(process.env, env);
      console.error = (...parts: unknown[]) => errors.push(parts.map(String).join(" "));
      try {
        const runSuper = Object.assign(
          async () => {
            handedOver = true;
          },
          { isDefined: true },
        );
        await override({}, { network: { name: network } } as unknown as typeof hre, runSuper);
        return { handedOver, errors, exitCode: process.exitCode };
      } finally {
        console.error = original;
        process.exitCode = exitCode;
        for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
        Object.assign(process.env, saved);
      }
    };
    const refused = await run("sepolia", WITHOUT_GOVERNANCE);
    expect(refused.handedOver).to.equal(false);
    expect(refused.exitCode).to.equal(1);
    expect(refused.errors).to.have.length(1);
    expect(refused.errors[0]).to.match(/^Error: Nothing was sent: deploying on sepolia needs AGGREGATE_GOVERNANCE\./);
    expect((await run("sepolia", COMPLETE)).handedOver).to.equal(true);
    expect((await run("hardhat", {})).handedOver).to.equal(true);
  });
});

describe("Network configuration", function () {
  it("says what signing on Sepolia needs, and nothing on local networks", function () {
    expect(signingEnvProblem("sepolia", {})).to.equal(
      "--network sepolia needs a funded account: set PRIVATE_KEY (or MNEMONIC) and SEPOLIA_RPC_URL, e.g. " +
        "PRIVATE_KEY=0x… SEPOLIA_RPC_URL=https://… npx hardhat … --network sepolia.",
    );
    expect(signingEnvProblem("sepolia", { MNEMONIC: "a b c" })).to.equal(undefined);
    expect(signingEnvProblem("localhost", {})).to.equal(undefined);
    expect(isLocalNetwork("hardhat") && isLocalNetwork("localhost")).to.equal(true);
    expect(isLocalNetwork("sepolia") || isLocalNetwork("toString")).to.equal(false);
    expect(networkConfig("constructor")).to.equal(undefined);
  });

  it("takes the RPC URL from its variable when set, else the default", function () {
    expect(rpcUrlOf(NETWORKS.sepolia, { SEPOLIA_RPC_URL: "https://rpc.example" })).to.equal("https://rpc.example");
    expect(rpcUrlOf(NETWORKS.sepolia, { SEPOLIA_RPC_URL: "" })).to.equal(NETWORKS.sepolia.rpcUrl);
  });

  it("agrees with the relayer SDK's published config (chain id, relayer URL)", function () {
    const fhe = NETWORKS.sepolia.fhe;
    expect(fhe.kind).to.equal("relayer");
    if (fhe.kind !== "relayer") return;
    const published = { sepolia: SepoliaConfig, mainnet: MainnetConfig }[fhe.relayerNetwork];
    expect(BigInt(published.chainId)).to.equal(NETWORKS.sepolia.chainId);
    expect(fhe.relayerUrl).to.equal(published.relayerUrl);
  });

  it("is the configuration hardhat.config.ts gives Hardhat", function () {
    for (const network of Object.values(NETWORKS)) {
      const configured = hre.config.networks[network.name];
      expect(configured, network.name).to.not.equal(undefined);
      expect(BigInt(configured.chainId ?? 0), network.name).to.equal(network.chainId);
      if (network.rpcUrl !== undefined && "url" in configured) {
        expect(configured.url).to.equal(rpcUrlOf(network, process.env));
      }
    }
  });
});
