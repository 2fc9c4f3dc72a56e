/**
 * Issue 22 items 3 (tasks), 4 and 5: strings from the chain are escaped before they reach a terminal,
 * the `models` task flags a payout token that is not the deployment's, and no secret (RPC URL with its
 * API key, private key, mnemonic) is printed in an error, on stderr or in `--json`.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import hre, { ethers } from "hardhat";

import { escapeTerminal, formatTable, redactError, redactSecrets, terminalSafeJson } from "../../src";
import { toJson } from "../../tasks/common";
import { defaultRules } from "../fixtures/royaltyPool.fixture";
import { hardhat } from "../helpers/processes";
import { runTask } from "../helpers/tasks";

const ESC = "\u001b";
/** A string made of escape sequences: clear the line, move up, carriage return, bidi override, CSI. */
const HOSTILE = `cMUD${ESC}[2K${ESC}[1A\r\u202e\u200b\u009b31m`;

describe("tasks print hostile chain strings safely", function () {
  describe("escapeTerminal", function () {
    it("turns every control, bidi and zero-width character into a visible escape", function () {
      const escaped = escapeTerminal(HOSTILE);
      expect(escaped).to.equal("cMUD\\u{1b}[2K\\u{1b}[1A\\u{d}\\u{202e}\\u{200b}\\u{9b}31m");
      // eslint-disable-next-line no-control-regex
      expect(escaped).to.not.match(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
    });

    it("leaves printable text, non-ASCII letters included, unchanged and cuts huge strings", function () {
      expect(escapeTerminal("subnet-7 modèle 模型")).to.equal("subnet-7 modèle 模型");
      const huge = escapeTerminal("x".repeat(10_000));
      expect([...huge]).to.have.length(120);
      expect(huge.endsWith("…")).to.be.true;
    });

    it("keeps a table one line per row whatever its cells hold", function () {
      const table = formatTable(
        ["name", "pool"],
        [
          [`honest${ESC}[1A\r\nfake-row  0xAttacker`, "0x1111"],
          ["other", "0x2222"],
        ],
      );
      expect(table.split("\n")).to.have.length(4); // header, rule, two rows
      expect(table).to.not.contain(ESC);
      expect(table).to.not.contain("\r");
    });

    it("escapes in JSON only what JSON.stringify leaves raw, and the value is unchanged", function () {
      const json = toJson({ name: HOSTILE });
      // eslint-disable-next-line no-control-regex
      expect(json).to.not.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/);
      expect((JSON.parse(json) as { name: string }).name).to.equal(HOSTILE);
      expect(terminalSafeJson('"\u202e"')).to.equal('"\\u202e"');
    });
  });

  describe("the models task", function () {
    it("escapes a hostile payout token symbol and flags every payout token that is not the deployment's", async function () {
      await hre.deployments.fixture();
      const registry = await ethers.getContractAt(
        "ModelRegistry",
        (await hre.deployments.get("ModelRegistry")).address,
      );
      const own = (await hre.deployments.get("ConfidentialPayoutToken")).address;
      const paymentToken = (await hre.deployments.get("PaymentToken")).address;
      const lookalike = await (
        await ethers.getContractFactory("ConfidentialPayoutToken")
      ).deploy(paymentToken, "Confidential MUD", HOSTILE, "");
      await (await registry.createModel("honest-model", own, defaultRules(), ethers.ZeroAddress)).wait();
      await (
        await registry.createModel("lookalike-model", await lookalike.getAddress(), defaultRules(), ethers.ZeroAddress)
      ).wait();

      const text = await runTask("models", { registry: await registry.getAddress() });
      expect(text).to.not.contain(ESC);
      expect(text).to.not.contain("\r");
      const lines = text.split("\n");
      expect(lines).to.have.length(4);
      const honest = lines.find((line) => line.includes("honest-model")) ?? "";
      const hostile = lines.find((line) => line.includes("lookalike-model")) ?? "";
      expect(honest).to.contain(own).and.to.contain("deployment's").and.not.contain("OTHER TOKEN");
      expect(hostile)
        .to.contain(await lookalike.getAddress())
        .and.to.contain("OTHER TOKEN: not the deployment's");
      expect(hostile).to.contain("cMUD\\u{1b}[2K");

      const json = JSON.parse(await runTask("models", { registry: await registry.getAddress(), json: true })) as {
        name: string;
        payoutTokenIsDeployments: boolean;
        payoutTokenSymbol: string;
      }[];
      expect(json.map((m) => [m.name, m.payoutTokenIsDeployments])).to.deep.equal([
        ["honest-model", true],
        ["lookalike-model", false],
      ]);
      expect(json[1].payoutTokenSymbol).to.equal(HOSTILE);
    });
  });
});

describe("errors never print a secret", function () {
  const ENV = {
    SEPOLIA_RPC_URL: "https://eth-sepolia.g.alchemy.com/v2/AlchemyKey0123456789?apikey=QuerySecret42",
    PRIVATE_KEY: "0x" + "ab".repeat(32),
    MNEMONIC: "legal winner thank year wave sausage worth useful legal winner thank yellow",
    PAYMENT_TOKEN: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  };

  it("redacts secret variables, URL paths and queries, labelled keys and mnemonics; keeps addresses and hashes", function () {
    const txHash = "0x" + "cd".repeat(32);
    const message =
      `request to ${ENV.SEPOLIA_RPC_URL} failed; key AlchemyKey0123456789 refused; PRIVATE_KEY ${ENV.PRIVATE_KEY}; ` +
      `wallet ${ENV.MNEMONIC}; other https://user:pw@rpc.example.org/secret-path?token=abc; ` +
      `private key: 0x${"ef".repeat(32)}; seed test test test test test test test test test test test junk; ` +
      `token ${ENV.PAYMENT_TOKEN}, tx ${txHash}, docs https://docs.zama.ai`;
    const redacted = redactSecrets(message, ENV);
    for (const secret of [
      "AlchemyKey0123456789",
      "QuerySecret42",
      "ab".repeat(32),
      "sausage",
      "pw@",
      "secret-path",
      "ef".repeat(32),
      "test junk",
    ]) {
      expect(redacted, secret).to.not.contain(secret);
    }
    expect(redacted).to.contain("[redacted SEPOLIA_RPC_URL]");
    expect(redacted).to.contain("https://rpc.example.org/[redacted]");
    expect(redacted).to.contain(ENV.PAYMENT_TOKEN);
    expect(redacted).to.contain(txHash);
    expect(redacted).to.contain("https://docs.zama.ai");
  });

  it("redactError cleans the message, stack and causes of an error in place", function () {
    const saved = process.env.SEPOLIA_RPC_URL;
    process.env.SEPOLIA_RPC_URL = ENV.SEPOLIA_RPC_URL;
    try {
      const error = new Error(`fetch ${ENV.SEPOLIA_RPC_URL} failed`, { cause: new Error(ENV.SEPOLIA_RPC_URL) });
      expect(redactError(error)).to.equal(error);
      expect(error.message).to.not.contain("AlchemyKey");
      expect(error.stack).to.not.contain("AlchemyKey");
      expect((error.cause as Error).message).to.not.contain("AlchemyKey");
    } finally {
      if (saved === undefined) delete process.env.SEPOLIA_RPC_URL;
      else process.env.SEPOLIA_RPC_URL = saved;
    }
  });

  it("a task whose RPC echoes its API key prints one redacted line on stderr and in --json", async function () {
    this.timeout(120_000);
    // An RPC that answers every request with an error quoting the key in its URL, as some providers do.
    const server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const { id } = JSON.parse(body || "{}") as { id?: number };
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: id ?? 1,
            error: { code: -32000, message: `invalid project id for ${request.url ?? ""}` },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/v2/LeakedApiKey987654?key=LeakedQuery321`;
    const saved = { SEPOLIA_RPC_URL: process.env.SEPOLIA_RPC_URL, PRIVATE_KEY: process.env.PRIVATE_KEY };
    process.env.SEPOLIA_RPC_URL = url;
    process.env.PRIVATE_KEY = ENV.PRIVATE_KEY;
    try {
      const run = await hardhat([
        "royalties",
        "models",
        "--network",
        "sepolia",
        "--registry",
        ENV.PAYMENT_TOKEN,
        "--json",
      ]);
      expect(run.code).to.equal(1);
      const everything = run.stdout + run.stderr;
      for (const secret of ["LeakedApiKey987654", "LeakedQuery321", "ab".repeat(32)]) {
        expect(everything, secret).to.not.contain(secret);
      }
      expect(run.stderr).to.match(/^Error: The RPC of --network sepolia at \[redacted SEPOLIA_RPC_URL\] answered/m);
      expect(run.stderr).to.not.match(/^\s+at /m); // one line, no stack trace
      const { error } = JSON.parse(run.stdout) as { error: string };
      expect(error).to.contain("invalid project id for /v2/[redacted SEPOLIA_RPC_URL]");
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      server.close();
    }
  });
});
