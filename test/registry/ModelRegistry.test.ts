import { expect } from "chai";
import { ethers } from "hardhat";

import { deployModelRegistry } from "../../src/deploy";
import { DEFAULT_METRICS, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";

describe("ModelRegistry", function () {
  it("creates a model's pool as an initialized clone at the predicted address, with its metadata", async function () {
    const f = await deployPoolFixture();
    const name = nextModelName();
    const predicted = await f.registry.predictPool(name);
    expect(await ethers.provider.getCode(predicted)).to.equal("0x");
    await expect(
      f.registry.connect(f.stranger).createModel(name, await f.payout.getAddress(), defaultRules(), f.deployer.address),
    )
      .to.emit(f.registry, "ModelCreated")
      .withArgs(
        2n,
        predicted,
        name,
        await f.token.getAddress(),
        await f.payout.getAddress(),
        f.deployer.address,
        f.stranger.address,
      );
    const model = await f.registry.getModel(2);
    expect(model.pool).to.equal(predicted);
    expect(model.name).to.equal(name);
    expect(model.creator).to.equal(f.stranger.address);
    expect(model.governance).to.equal(f.deployer.address);
    expect(await f.registry.modelIdOf(predicted)).to.equal(2n);
    expect(await f.registry.modelCount()).to.equal(2n);
    const pool = await ethers.getContractAt("RoyaltyPool", predicted);
    expect(await pool.modelName()).to.equal(name);
    expect(await pool.governance()).to.equal(f.deployer.address);
    expect(await pool.currentEpochId()).to.equal(1n);
    // A clone is a 45-byte proxy: far cheaper than deploying the pool's bytecode again.
    expect((await ethers.provider.getCode(predicted)).length).to.equal(2 + 45 * 2);
  });

  it("cannot re-initialize a clone or initialize the implementation (no front-running of initialization)", async function () {
    const f = await deployPoolFixture();
    const rules = defaultRules();
    await expect(
      f.pool.connect(f.stranger).initialize("hijack", await f.payout.getAddress(), rules, f.stranger.address),
    ).to.be.revertedWithCustomError(f.pool, "InvalidInitialization");
    const implementation = await ethers.getContractAt("RoyaltyPool", await f.registry.poolImplementation());
    await expect(
      implementation.connect(f.stranger).initialize("hijack", await f.payout.getAddress(), rules, f.stranger.address),
    ).to.be.revertedWithCustomError(f.pool, "InvalidInitialization");
    expect(await f.pool.governance()).to.equal(ethers.ZeroAddress);
    expect(await implementation.governance()).to.equal(ethers.ZeroAddress);
  });

  it("rejects a taken name, an empty name and unknown model ids", async function () {
    const f = await deployPoolFixture();
    const taken = (await f.registry.getModel(1)).name;
    const payout = await f.payout.getAddress();
    await expect(f.registry.createModel(taken, payout, defaultRules(), ethers.ZeroAddress))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistryNameTaken")
      .withArgs(taken);
    await expect(f.registry.createModel("", payout, defaultRules(), ethers.ZeroAddress)).to.be.revertedWithCustomError(
      f.registry,
      "ModelRegistryEmptyName",
    );
    for (const id of [0n, 2n]) {
      await expect(f.registry.getModel(id))
        .to.be.revertedWithCustomError(f.registry, "ModelRegistryUnknownModel")
        .withArgs(id);
    }
    expect(await f.registry.modelCount()).to.equal(1n);
  });

  it("refuses an implementation without code", async function () {
    const [deployer] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("ModelRegistry", deployer);
    await expect(factory.deploy(deployer.address, deployer.address, 3))
      .to.be.revertedWithCustomError(factory, "ModelRegistryInvalidImplementation")
      .withArgs(deployer.address);
  });

  it("runs models with different schemas and payment tokens side by side, each with its own epochs", async function () {
    const [deployer, , , alice] = await ethers.getSigners();
    const registry = await deployModelRegistry(deployer);
    const tokenA = await (await ethers.getContractFactory("TestToken")).deploy("A", "A");
    const tokenB = await (await ethers.getContractFactory("TestToken")).deploy("B", "B");
    const payoutFactory = await ethers.getContractFactory("ConfidentialPayoutToken");
    const payoutA = await payoutFactory.deploy(await tokenA.getAddress(), "cA", "cA", "");
    const payoutB = await payoutFactory.deploy(await tokenB.getAddress(), "cB", "cB", "");
    const oneMetric = defaultRules({ metrics: [{ name: "tokensServed", weight: 2n, cap: 1_000n }] });
    await registry.createModel("vision", await payoutA.getAddress(), defaultRules(), ethers.ZeroAddress);
    await registry.createModel("speech", await payoutB.getAddress(), oneMetric, ethers.ZeroAddress);
    const vision = await ethers.getContractAt("RoyaltyPool", await registry.predictPool("vision"));
    const speech = await ethers.getContractAt("RoyaltyPool", await registry.predictPool("speech"));
    expect(await vision.paymentToken()).to.equal(await tokenA.getAddress());
    expect(await speech.paymentToken()).to.equal(await tokenB.getAddress());
    expect((await vision.getRules(1)).metrics.length).to.equal(DEFAULT_METRICS.length);
    expect((await speech.getRules(1)).metrics.length).to.equal(1);
    const visionFixture = { pool: vision, poolAddress: await vision.getAddress() };
    const speechFixture = { pool: speech, poolAddress: await speech.getAddress() };
    await submit(visionFixture, alice, [1n, 2n, 3n]);
    await submit(speechFixture, alice, [500n]);
    expect((await vision.getEpoch(1)).participants).to.equal(1n);
    expect((await speech.getEpoch(1)).participants).to.equal(1n);
  });
});
