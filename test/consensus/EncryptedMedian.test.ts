import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";

import type { EncryptedMedianHarness } from "../../types";
import { decrypt, encryptMetrics } from "../helpers/fhe";
import { lowerMedian } from "./consensus.fixture";

const UINT64_MAX = 2n ** 64n - 1n;

describe("EncryptedMedian", function () {
  let harness: EncryptedMedianHarness;
  let address: string;

  beforeEach(async function () {
    harness = await (await ethers.getContractFactory("EncryptedMedianHarness")).deploy();
    address = await harness.getAddress();
  });

  async function encryptedMedian(values: readonly bigint[]): Promise<bigint> {
    const [caller] = await ethers.getSigners();
    const enc = await encryptMetrics(address, caller.address, values);
    await (await harness.connect(caller).median(enc.handles, enc.inputProof)).wait();
    return decrypt(await harness.result(), address, caller);
  }

  const cases: bigint[][] = [
    [5n, 9n],
    [9n, 5n],
    [7n, 7n],
    [0n, UINT64_MAX],
    [UINT64_MAX, UINT64_MAX],
    [1n, 2n, 3n],
    [3n, 1n, 2n],
    [2n, 3n, 1n],
    [4n, 4n, 1n],
    [1n, 4n, 4n],
    [0n, 0n, UINT64_MAX],
    [UINT64_MAX, 0n, UINT64_MAX],
    [4n, 3n, 2n, 1n],
    [1n, 1n, 1n, 2n],
    [2n, 1n, 2n, 1n],
    [UINT64_MAX, 0n, UINT64_MAX, 0n],
    [5n, 1n, 4n, 2n, 3n],
    [1n, 2n, 3n, 4n, 5n],
    [5n, 4n, 3n, 2n, 1n],
    [3n, 3n, 3n, 1n, 9n],
    [0n, 0n, 0n, UINT64_MAX, UINT64_MAX],
    [UINT64_MAX, UINT64_MAX, UINT64_MAX, 0n, 0n],
    [9n, 1n, 9n, 1n, 5n],
  ];

  for (const values of cases) {
    it(`lower median of [${values.join(", ")}] is ${lowerMedian(values)}`, async function () {
      expect(await encryptedMedian(values)).to.equal(lowerMedian(values));
    });
  }

  it("equals the plaintext lower median for random vectors of 2..5 values (ties and extremes included)", async function () {
    const value = fc.oneof(
      fc.bigInt({ min: 0n, max: UINT64_MAX }),
      fc.constantFrom(0n, 1n, UINT64_MAX - 1n, UINT64_MAX),
      fc.bigInt({ min: 0n, max: 3n }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 2, maxLength: 5 }), async (values) => {
        expect(await encryptedMedian(values)).to.equal(lowerMedian(values));
      }),
      { numRuns: 40 },
    );
  });

  it("exhaustively: every vector over {0, 1, 2} of 3 and 4 values, every order of 5 distinct values", async function () {
    const vectors: bigint[][] = [];
    for (const n of [3, 4]) {
      for (let code = 0; code < 3 ** n; code++) {
        vectors.push(Array.from({ length: n }, (_, i) => BigInt(Math.floor(code / 3 ** i) % 3)));
      }
    }
    const permutations = (rest: bigint[]): bigint[][] =>
      rest.length === 0
        ? [[]]
        : rest.flatMap((x, i) => permutations(rest.filter((_, j) => j !== i)).map((p) => [x, ...p]));
    vectors.push(...permutations([10n, 20n, 30n, 40n, 50n]));
    expect(vectors).to.have.length(27 + 81 + 120);
    for (const values of vectors) {
      expect(await encryptedMedian(values), values.join(",")).to.equal(lowerMedian(values));
    }
  });

  it("only the caller can decrypt the median", async function () {
    const [caller, other] = await ethers.getSigners();
    expect(await encryptedMedian([1n, 2n, 3n])).to.equal(2n);
    await expect(decrypt(await harness.result(), address, other)).to.be.rejected;
    expect(caller.address).to.not.equal(other.address);
  });

  it("rejects 1 and 6 values with EncryptedMedianUnsupportedCount and stores nothing", async function () {
    const [caller] = await ethers.getSigners();
    for (const values of [[1n], [1n, 2n, 3n, 4n, 5n, 6n]]) {
      const enc = await encryptMetrics(address, caller.address, values);
      await expect(harness.median(enc.handles, enc.inputProof))
        .to.be.revertedWithCustomError(harness, "EncryptedMedianUnsupportedCount")
        .withArgs(values.length, 2n, 5n);
    }
    expect(await harness.result()).to.equal(ethers.ZeroHash);
  });
});
