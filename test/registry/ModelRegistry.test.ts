import { expect } from "chai";
import { ethers } from "hardhat";

import { deployModelRegistry } from "../../src/deploy";
import { DEFAULT_METRICS, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";

describe("ModelRegistry", function () {
  it("creates a model's pool as an initialized clone at the predicted address, with its metadata", async function () {
    const f = await deployPoolFixture();
    const name = nextModelName();
    const predicted = await f.registry.predictPool(f.stranger.address, name);
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
    const payout = await f.payout.getAddress();
    const aggregator = await f.registry.metricAggregator();
    const hijack = [f.stranger.address, aggregator, f.stranger.address] as const;
    await expect(
      f.pool.connect(f.stranger).initialize("hijack", payout, rules, ...hijack),
    ).to.be.revertedWithCustomError(f.pool, "InvalidInitialization");
    const implementation = await ethers.getContractAt("RoyaltyPool", await f.registry.poolImplementation());
    await expect(
      implementation.connect(f.stranger).initialize("hijack", payout, rules, ...hijack),
    ).to.be.revertedWithCustomError(f.pool, "InvalidInitialization");
    expect(await f.pool.governance()).to.equal(ethers.ZeroAddress);
    expect(await implementation.governance()).to.equal(ethers.ZeroAddress);
    expect(await f.pool.payoutVault()).to.equal(await f.registry.payoutVault());
  });

  it("creates its payout vault with itself, and every pool it creates pays through that vault", async function () {
    const f = await deployPoolFixture();
    const vaultAddress = await f.registry.payoutVault();
    expect(await ethers.provider.getCode(vaultAddress)).to.not.equal("0x");
    const vault = await ethers.getContractAt("PayoutVault", vaultAddress);
    expect(await vault.registry()).to.equal(await f.registry.getAddress());
    expect(await vault.maxClaimsPerTransaction()).to.equal(35n);
    const name = nextModelName();
    await (await f.registry.createModel(name, await f.payout.getAddress(), defaultRules(), ethers.ZeroAddress)).wait();
    const second = await ethers.getContractAt("RoyaltyPool", (await f.registry.getModel(2)).pool);
    expect(await second.payoutVault()).to.equal(vaultAddress);
    expect(await f.pool.payoutVault()).to.equal(vaultAddress);
    // Another registry has its own vault.
    const other = await deployModelRegistry(f.deployer);
    expect(await other.payoutVault()).to.not.equal(vaultAddress);
  });

  it("rejects a taken name (by anyone) and unknown model ids", async function () {
    const f = await deployPoolFixture();
    const taken = (await f.registry.getModel(1)).name;
    const payout = await f.payout.getAddress();
    for (const creator of [f.deployer, f.stranger]) {
      await expect(f.registry.connect(creator).createModel(taken, payout, defaultRules(), ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.registry, "ModelRegistryNameTaken")
        .withArgs(taken);
    }
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
    const vision = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "vision"));
    const speech = await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "speech"));
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
  describe("model names", function () {
    const VALID = ["a", "subnet-7", "vision_2.1", "0", "x".repeat(64), "a.b-c_d"];
    const INVALID: [string, string][] = [
      ["empty", ""],
      ["65 bytes", "x".repeat(65)],
      ["thousands of characters", "subnet-".repeat(1_000)],
      ["upper case", "Subnet-2"],
      ["space", "subnet 2"],
      ["Cyrillic look-alike", "subnet-\u0432"],
      ["Cyrillic 'е' in place of 'e'", "subn\u0435t-2"],
      ["fullwidth digit", "subnet-\uff12"],
      ["zero-width space", "subnet\u200b-2"],
      ["right-to-left override", "subnet-\u202e2"],
      ["escape sequence", "subnet-2\u001b[2K"],
      ["newline", "subnet-2\nfake"],
      ["NUL", "subnet\u0000"],
      ["slash", "a/b"],
    ];

    it("accepts 1 to 64 bytes of [a-z0-9._-]", async function () {
      const f = await deployPoolFixture();
      for (const name of VALID) expect(await f.registry.isValidName(name), name).to.equal(true);
      await expect(
        f.registry.createModel("x".repeat(64), await f.payout.getAddress(), defaultRules(), ethers.ZeroAddress),
      ).to.emit(f.registry, "ModelCreated");
      expect(await f.registry.modelIdByName("x".repeat(64))).to.equal(2n);
    });

    for (const [what, name] of INVALID) {
      it(`rejects a name with ${what} (ModelRegistryInvalidName), creating nothing`, async function () {
        const f = await deployPoolFixture();
        expect(await f.registry.isValidName(name)).to.equal(false);
        const predicted = await f.registry.predictPool(f.stranger.address, name);
        await expect(
          f.registry
            .connect(f.stranger)
            .createModel(name, await f.payout.getAddress(), defaultRules(), ethers.ZeroAddress),
        )
          .to.be.revertedWithCustomError(f.registry, "ModelRegistryInvalidName")
          .withArgs(name);
        expect(await f.registry.modelCount()).to.equal(1n);
        expect(await f.registry.modelIdByName(name)).to.equal(0n);
        expect(await ethers.provider.getCode(predicted)).to.equal("0x");
      });
    }
  });

  describe("pool addresses are bound to their creator", function () {
    it("predictPool differs per creator, and a model lands at its own creator's prediction", async function () {
      const f = await deployPoolFixture();
      const name = nextModelName();
      const [victim, attacker] = [f.contributors[0], f.stranger];
      const forVictim = await f.registry.predictPool(victim.address, name);
      const forAttacker = await f.registry.predictPool(attacker.address, name);
      expect(forVictim).to.not.equal(forAttacker);
      await (
        await f.registry.connect(victim).createModel(name, await f.payout.getAddress(), defaultRules(), victim.address)
      ).wait();
      const model = await f.registry.getModel(await f.registry.modelIdByName(name));
      expect(model.pool).to.equal(forVictim);
      expect(model.creator).to.equal(victim.address);
    });

    it("a front-runner that takes the name gets its own address: the victim's predicted pool can never be the attacker's", async function () {
      const f = await deployPoolFixture();
      const name = nextModelName();
      const [victim, attacker] = [f.contributors[0], f.stranger];
      const payout = await f.payout.getAddress();
      // The victim announces its plan: a consensus (or anything) is deployed against this address first.
      const victimPool = await f.registry.predictPool(victim.address, name);

      // The attacker sees it and creates the same name first, with itself as governance.
      await (await f.registry.connect(attacker).createModel(name, payout, defaultRules(), attacker.address)).wait();
      const attackerModel = await f.registry.getModel(await f.registry.modelIdByName(name));
      expect(attackerModel.pool).to.not.equal(victimPool);
      expect(attackerModel.pool).to.equal(await f.registry.predictPool(attacker.address, name));
      expect(await ethers.provider.getCode(victimPool)).to.equal("0x"); // nothing the attacker rules is there
      expect(await f.registry.modelIdOf(victimPool)).to.equal(0n);

      // The victim's own creation fails with the clear error and changes nothing; nobody else can ever
      // deploy at the victim's predicted address, so whatever was bound to it stays unbound.
      const count = await f.registry.modelCount();
      await expect(f.registry.connect(victim).createModel(name, payout, defaultRules(), victim.address))
        .to.be.revertedWithCustomError(f.registry, "ModelRegistryNameTaken")
        .withArgs(name);
      expect(await f.registry.modelCount()).to.equal(count);
      expect(await ethers.provider.getCode(victimPool)).to.equal("0x");
      for (const other of [attacker, f.deployer, f.funder]) {
        expect(await f.registry.predictPool(other.address, name)).to.not.equal(victimPool);
      }
    });
  });
});
