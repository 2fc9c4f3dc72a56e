/**
 * Issue 22 item 1: a secret `MNEMONIC` / `PRIVATE_KEY` exported for Sepolia never becomes an account of
 * the local networks. A `npx hardhat node` unlocks its accounts for anyone who reaches it, so a node
 * started in such a shell must still hold only the public test accounts.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { HDNodeWallet, Wallet } from "ethers";

import type { HardhatUserConfig } from "hardhat/types";

import { ROOT } from "../helpers/processes";

const PUBLIC_TEST_MNEMONIC = "test test test test test test test test test test test junk";
/** A "real" secret for the test: any valid mnemonic other than the public one. */
const SECRET_MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow";
const SECRET_KEY = "0x" + "ab".repeat(32);

function publicTestAccounts(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    HDNodeWallet.fromPhrase(PUBLIC_TEST_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).address.toLowerCase(),
  );
}

/** A free loopback port (not 8545: the end-to-end tests own that one). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpc(url: string, method: string): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(JSON.stringify(body.error));
  return body.result;
}

describe("local networks never use secrets from the environment", function () {
  const secretMnemonicAddress = HDNodeWallet.fromPhrase(SECRET_MNEMONIC).address.toLowerCase();
  const secretKeyAddress = new Wallet(SECRET_KEY).address.toLowerCase();

  it("the config gives hardhat and localhost the public test mnemonic and sepolia the secret", function () {
    const saved = { MNEMONIC: process.env.MNEMONIC, PRIVATE_KEY: process.env.PRIVATE_KEY };
    const configPath = require.resolve("../../hardhat.config");
    const cached = require.cache[configPath];
    try {
      process.env.MNEMONIC = SECRET_MNEMONIC;
      delete process.env.PRIVATE_KEY;
      delete require.cache[configPath];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { default: config } = require(configPath) as { default: HardhatUserConfig };
      const networks = config.networks ?? {};
      expect(networks.hardhat?.accounts).to.deep.include({ mnemonic: PUBLIC_TEST_MNEMONIC });
      expect(networks.localhost?.accounts).to.deep.include({ mnemonic: PUBLIC_TEST_MNEMONIC });
      expect(networks.sepolia?.accounts).to.deep.include({ mnemonic: SECRET_MNEMONIC });
      // The node binds loopback and is reached there.
      expect((networks.localhost as { url?: string } | undefined)?.url).to.equal("http://127.0.0.1:8545");
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      if (cached !== undefined) require.cache[configPath] = cached;
    }
  });

  describe("a npx hardhat node started with MNEMONIC and PRIVATE_KEY set", function () {
    let node: ChildProcess | undefined;
    let exited = false;
    let log = "";
    let url = "";

    before(async function () {
      this.timeout(180_000);
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      node = spawn("npx", ["hardhat", "node", "--no-deploy", "--hostname", "127.0.0.1", "--port", String(port)], {
        cwd: ROOT,
        detached: true, // own process group, stopped as a whole
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, MNEMONIC: SECRET_MNEMONIC, PRIVATE_KEY: SECRET_KEY, NO_COLOR: "1", FORCE_COLOR: "0" },
      });
      node.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      node.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      node.once("exit", () => (exited = true));
      const deadline = Date.now() + 150_000;
      for (;;) {
        if (exited) throw new Error(`npx hardhat node exited before answering:\n${log.slice(-3000)}`);
        try {
          await rpc(url, "eth_chainId");
          return;
        } catch (error) {
          if (Date.now() > deadline)
            throw new Error(`the node did not answer (${String(error)}):\n${log.slice(-3000)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    });

    after(async function () {
      this.timeout(30_000);
      if (node?.pid === undefined || exited) return;
      const gone = new Promise<void>((resolve) => node?.once("exit", () => resolve()));
      try {
        process.kill(-node.pid, "SIGTERM");
      } catch {
        return;
      }
      await gone;
    });

    it("unlocks exactly the 20 public test accounts, never the secret's", async function () {
      const accounts = ((await rpc(url, "eth_accounts")) as string[]).map((a) => a.toLowerCase());
      expect(accounts).to.deep.equal(publicTestAccounts(20));
      expect(accounts).to.not.include(secretMnemonicAddress);
      expect(accounts).to.not.include(secretKeyAddress);
    });

    it("prints neither the secret key nor the secret mnemonic's accounts", function () {
      expect(log.toLowerCase()).to.contain(publicTestAccounts(1)[0]);
      expect(log.toLowerCase()).to.not.contain(SECRET_KEY.slice(2));
      expect(log.toLowerCase()).to.not.contain(secretMnemonicAddress.slice(2));
    });
  });
});
