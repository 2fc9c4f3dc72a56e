import { expect } from "chai";
import { ethers } from "hardhat";

import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { decrypt, submit } from "../helpers/fhe";

/** Namespaced storage slot of the fhEVM coprocessor configuration (ACL address first). */
const COPROCESSOR_CONFIG_SLOT = 0x9e7b61f58c47dc699ac88507c4f5bb9f121c03808c5676a8078fe583e4649700n;
const ACL_ABI = ["function allow(bytes32 handle, address account)"];

/**
 * `submitAttestedValues` is the one pool function that takes ciphertext handles from calldata (for attestor
 * contracts such as the encrypted consensus). A handle the caller is not allowed on could be anyone's
 * ciphertext: accepting it would let an attestor fold a stranger's secret into a score it can watch.
 */
describe("Security: ciphertext handles passed to submitAttestedValues", function () {
  it("refuses a handle the attestor is not allowed on, and a caller that is not an attestor; nothing changes", async function () {
    const signers = await ethers.getSigners();
    const attestor = signers[15];
    const victimPool = await deployPoolFixture(defaultRules());
    const [alice, bob] = victimPool.contributors;
    await submit(victimPool, alice, [7n, 7n, 7n]);
    const aliceScore = await victimPool.pool.scoreOf(1, alice.address);

    const f = await deployPoolFixture(defaultRules({ attestationRequired: true, attestors: [attestor.address] }));
    const handles = [aliceScore, aliceScore, aliceScore];
    await expect(f.pool.connect(attestor).submitAttestedValues(bob.address, handles, 0))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorizedHandle")
      .withArgs(0);
    await expect(f.pool.connect(attestor).submitAttestedValues(ethers.ZeroAddress, handles, 0))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidContributor")
      .withArgs(ethers.ZeroAddress);
    // Alice herself is allowed on her score, but she is no attestor of this pool.
    await expect(f.pool.connect(alice).submitAttestedValues(bob.address, handles, 0))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotAttestor")
      .withArgs(1, alice.address);

    const epoch = await f.pool.getEpoch(1);
    expect([epoch.participants, epoch.submissions]).to.deep.equal([0n, 0n]);
    expect(await f.pool.submissionsOf(1, bob.address)).to.equal(0n);
    expect(await f.pool.scoreOf(1, bob.address)).to.equal(ethers.ZeroHash);
  });

  it("accepts handles the attestor holds, applying caps and weights as for any attested submission", async function () {
    const signers = await ethers.getSigners();
    const attestor = signers[15];
    // The attestor's own score in another pool: a ciphertext it is allowed on (it knows the value).
    const source = await deployPoolFixture(defaultRules());
    await submit(source, attestor, [2_000_000n, 0n, 0n]); // score 3 × 1,000,000
    const own = await source.pool.scoreOf(1, attestor.address);
    expect(await decrypt(own, source.poolAddress, attestor)).to.equal(3_000_000n);

    const f = await deployPoolFixture(defaultRules({ attestationRequired: true, attestors: [attestor.address] }));
    const [carol] = f.contributors;
    // Being allowed is not enough to compute: the pool must be allowed too. A contract attestor grants it
    // transiently; an account grants it on the ACL itself (the first word of the pool's fhEVM configuration).
    const aclWord = await ethers.provider.getStorage(f.poolAddress, COPROCESSOR_CONFIG_SLOT);
    const acl = new ethers.Contract(ethers.getAddress(ethers.dataSlice(aclWord, 12)), ACL_ABI, attestor);
    await (await acl.getFunction("allow")(own, f.poolAddress)).wait();
    await expect(f.pool.connect(attestor).submitAttestedValues(carol.address, [own, own, own], 0)).to.emit(
      f.pool,
      "ContributionSubmitted",
    );
    // min(3,000,000, cap)·w for each metric: 3·1,000,000 + 1·500,000 + 5·100.
    const score = await decrypt(await f.pool.scoreOf(1, carol.address), f.poolAddress, carol);
    expect(score).to.equal(3n * 1_000_000n + 500_000n + 5n * 100n);
    await expect(decrypt(await f.pool.scoreOf(1, carol.address), f.poolAddress, attestor)).to.be.rejected;
    await expect(f.pool.connect(attestor).submitAttestedValues(carol.address, [own, own], 0))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolWrongMetricCount")
      .withArgs(2, 3);
  });
});
