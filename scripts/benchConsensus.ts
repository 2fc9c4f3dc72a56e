/**
 * Gas, HCU and HCU depth of the encrypted multi-attestor consensus on the in-process fhEVM mock:
 * one attestation (3 metrics), finalize with 3 and 5 attestors (3 metrics), and an attestor's deviation bit.
 * `measureConsensus` is meant to be called from scripts/bench.ts; run alone with
 * `npx hardhat run scripts/benchConsensus.ts` it prints its table.
 */
import type { ContractTransactionReceipt, Signer } from "ethers";
import hre, { ethers } from "hardhat";

import { formatTable } from "../src/format";
import { createModel, deployModelRegistry, deployPayoutToken } from "../src/deploy";
import type { ModelRegistry } from "../types";
import { AttestationConsensus__factory, TestToken__factory } from "../types";
import { EPOCH_LENGTH, METRICS3, confirm, fundedWallets, measure } from "./benchCommon";
import type { Measurement } from "./benchCommon";
import { startInProcessFhevm } from "../src/fhe/inProcessFhevm";

export interface MeasureConsensusParameters {
  /** Registry to create the benchmark models in (default: a fresh one). */
  registry?: ModelRegistry;
  /** Confidential payout token of those models (default: a fresh one over a test ERC20). */
  payoutToken?: string;
}

const FINALIZATION_PERIOD = 24n * 60n * 60n;

let models = 0;

/** A pool whose only attestor is a consensus of `required` attestors (fresh wallets), and that consensus. */
async function consensusModel(registry: ModelRegistry, payoutToken: string, required: number) {
  const [deployer] = await fundedWallets(1);
  const attestors = await fundedWallets(required);
  // A fresh deployer has nonce 0: the consensus address is known before the pool lists it.
  const predicted = ethers.getCreateAddress({ from: deployer.address, nonce: 0 });
  models += 1;
  const pool = await createModel(registry, {
    modelName: `bench-consensus-${models}-${Date.now()}`,
    payoutToken,
    metrics: METRICS3,
    epochLength: EPOCH_LENGTH,
    minParticipants: 3,
    maxSubmissionsPerContributor: 10,
    attestationRequired: true,
    attestors: [predicted],
  });
  const consensus = await new AttestationConsensus__factory(deployer).deploy(
    await pool.getAddress(),
    ethers.ZeroAddress,
    {
      attestors: attestors.map((a) => a.address),
      attestationsRequired: required,
      minAttestations: 2,
      finalizationPeriod: FINALIZATION_PERIOD,
      deviationTolerance: 1_000n,
    },
  );
  await consensus.waitForDeployment();
  return { consensus, address: await consensus.getAddress(), attestors };
}

async function attestAs(
  consensus: ReturnType<typeof AttestationConsensus__factory.connect>,
  address: string,
  attestor: Signer,
  contributor: string,
  values: readonly bigint[],
): Promise<ContractTransactionReceipt> {
  const input = hre.fhevm.createEncryptedInput(address, await attestor.getAddress());
  for (const value of values) input.add64(value);
  const enc = await input.encrypt();
  return confirm(consensus.connect(attestor).attest(contributor, enc.handles, enc.inputProof));
}

/**
 * Measures the consensus operations; returns one row per operation in the shape of scripts/bench.ts.
 * @example
 * const rows = await measureConsensus({ registry: bench.registry, payoutToken: bench.payout });
 */
export async function measureConsensus(params: MeasureConsensusParameters = {}): Promise<Measurement[]> {
  const [signer] = await ethers.getSigners();
  let registry = params.registry;
  let payoutToken = params.payoutToken;
  if (registry === undefined || payoutToken === undefined) {
    const token = await new TestToken__factory(signer).deploy("Model Usage Dollar", "MUD");
    payoutToken ??= await (
      await deployPayoutToken(signer, { underlying: await token.getAddress(), name: "cMUD", symbol: "cMUD" })
    ).getAddress();
    registry ??= await deployModelRegistry(signer);
  }
  const [contributor] = await fundedWallets(1);
  const rows: Measurement[] = [];

  for (const required of [3, 5]) {
    const { consensus, address, attestors } = await consensusModel(registry, payoutToken, required);
    const vectors = attestors.map((_, i) => [BigInt(200_000 * (i + 1)), BigInt(1_000 * i), BigInt(20 * i)]);
    let firstAttest: ContractTransactionReceipt | undefined;
    for (let i = 0; i < required; i++) {
      const receipt = await attestAs(consensus, address, attestors[i], contributor.address, vectors[i]);
      firstAttest ??= receipt;
    }
    if (required === 3) {
      rows.push(measure("consensusAttest3", "attest 3 encrypted metrics about a contributor", firstAttest!));
    }
    const finalize = await confirm(consensus.finalize(contributor.address));
    rows.push(
      measure(
        `consensusFinalize${required}`,
        `finalize ${required} attestations x 3 metrics: encrypted medians submitted to the pool`,
        finalize,
      ),
    );
    if (required === 3) {
      const deviation = await confirm(consensus.connect(attestors[0]).computeDeviation(1, contributor.address));
      rows.push(
        measure(
          "consensusDeviation",
          "whether an attestor's weighted, capped deviation from the medians is within tolerance (3 metrics, one bit)",
          deviation,
        ),
      );
    }
  }
  return rows;
}

async function main(): Promise<void> {
  await startInProcessFhevm();
  const rows = await measureConsensus();
  console.log(
    formatTable(
      ["operation", "gas", "HCU", "HCU depth", "what"],
      rows.map((r) => [
        r.name,
        r.gas.toLocaleString("en-US"),
        r.hcu.toLocaleString("en-US"),
        r.hcuDepth.toLocaleString("en-US"),
        r.description,
      ]),
    ),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
