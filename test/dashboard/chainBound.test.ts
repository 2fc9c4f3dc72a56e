/** The dashboard's chain-bound signer: the chain is checked at sending, and the transaction carries it. */
import { expect } from "chai";
import { VoidSigner, ZeroAddress } from "ethers";
import type { TransactionRequest, TransactionResponse } from "ethers";

import { ChainBoundSigner } from "../../app/src/chainBound";

class WrongChain extends Error {}

/** A wallet whose chain the test switches, recording what it was asked to send. */
class FakeWallet extends VoidSigner {
  sent: TransactionRequest[] = [];
  constructor() {
    super(ZeroAddress);
  }
  override sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    this.sent.push(tx);
    return Promise.resolve({ hash: "0x01" } as TransactionResponse);
  }
}

describe("dashboard: ChainBoundSigner", function () {
  let wallet: FakeWallet;
  let walletChain: bigint;
  let signer: ChainBoundSigner;

  beforeEach(function () {
    wallet = new FakeWallet();
    walletChain = 31337n;
    signer = new ChainBoundSigner(
      wallet,
      31337n,
      () => Promise.resolve(walletChain),
      (id) => new WrongChain(`wallet on ${id}`),
    );
  });

  it("sends with the dashboard's chain id in the request", async function () {
    await signer.sendTransaction({ to: ZeroAddress, data: "0x" });
    expect(wallet.sent).to.have.length(1);
    expect(wallet.sent[0].chainId).to.equal(31337n);
  });

  it("refuses to send when the wallet switched chain after the operation started", async function () {
    walletChain = 1n; // switched while the page was encrypting
    let caught: unknown;
    await signer.sendTransaction({ to: ZeroAddress }).catch((error: unknown) => (caught = error));
    expect(caught).to.be.instanceOf(WrongChain);
    expect(wallet.sent).to.have.length(0);
  });

  it("refuses a request bound to another chain", async function () {
    let caught: unknown;
    await signer.sendTransaction({ to: ZeroAddress, chainId: 1n }).catch((error: unknown) => (caught = error));
    expect(caught).to.be.instanceOf(WrongChain);
    expect(wallet.sent).to.have.length(0);
  });
});
