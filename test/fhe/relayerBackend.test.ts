import { KmsEIP712, MainnetConfig, SepoliaConfig, TKMSPkeKeypair } from "@zama-fhe/relayer-sdk/node";
import { expect } from "chai";
import { JsonRpcProvider, Wallet, verifyTypedData } from "ethers";
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

import { RoyaltiesError } from "../../src/errors";
import {
  RelayerUnavailableError,
  createRelayerFheBackend,
  relayerConfig,
  stripEip712Domain,
  unreachableEndpoint,
} from "../../src/fhe/relayerBackend";
import type { RelayerNetwork } from "../../src/fhe/relayerBackend";

/**
 * A closed port on loopback: nothing leaves the machine. Port 9 is also on the Fetch standard's
 * "bad ports" list, so `fetch` refuses it before connecting; ethers' HTTP client gets ECONNREFUSED.
 */
const CLOSED = "http://127.0.0.1:9";

/** A loopback URL whose port was free a moment ago: `fetch` really connects and is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, it resolved");
}

describe("relayerConfig", function () {
  const cases: [RelayerNetwork, typeof SepoliaConfig, number][] = [
    ["sepolia", SepoliaConfig, 11155111],
    ["mainnet", MainnetConfig, 1],
  ];

  for (const [network, published, chainId] of cases) {
    it(`${network}: Zama's published chain ids, addresses and relayer, with the given RPC URL`, function () {
      const config = relayerConfig(network, "https://rpc.example/v1");
      expect(config.chainId).to.equal(chainId);
      expect(config.gatewayChainId).to.equal(published.gatewayChainId);
      expect(config.aclContractAddress).to.equal(published.aclContractAddress);
      expect(config.kmsContractAddress).to.equal(published.kmsContractAddress);
      expect(config.inputVerifierContractAddress).to.equal(published.inputVerifierContractAddress);
      expect(config.verifyingContractAddressDecryption).to.equal(published.verifyingContractAddressDecryption);
      expect(config.verifyingContractAddressInputVerification).to.equal(
        published.verifyingContractAddressInputVerification,
      );
      expect(config.relayerUrl).to.equal(published.relayerUrl);
      expect(config.network).to.equal("https://rpc.example/v1");
      // Nothing else is added or dropped.
      expect(Object.keys(config).sort()).to.deep.equal([...Object.keys(published), "network"].sort());
    });

    it(`${network}: an explicit relayer URL replaces the published one`, function () {
      const config = relayerConfig(network, "https://rpc.example", "https://my-relayer.example");
      expect(config.relayerUrl).to.equal("https://my-relayer.example");
      expect(config.aclContractAddress).to.equal(published.aclContractAddress);
    });
  }

  it("the two networks have different contracts and relayers", function () {
    const sepolia = relayerConfig("sepolia", CLOSED);
    const mainnet = relayerConfig("mainnet", CLOSED);
    expect(sepolia.aclContractAddress).to.not.equal(mainnet.aclContractAddress);
    expect(sepolia.relayerUrl).to.not.equal(mainnet.relayerUrl);
  });

  it("does not modify the SDK's published config", function () {
    const before = { ...SepoliaConfig };
    relayerConfig("sepolia", CLOSED, "https://my-relayer.example");
    expect(SepoliaConfig).to.deep.equal(before);
    expect(SepoliaConfig).to.not.have.property("network");
  });

  it("rejects an unknown network with a RoyaltiesError naming it", function () {
    expect(() => relayerConfig("goerli" as RelayerNetwork, CLOSED))
      .to.throw(RoyaltiesError)
      .with.property("message")
      .that.contains('"goerli"');
  });
});

describe("stripEip712Domain", function () {
  // The SDK's own offline builder, the one `FhevmInstance.createEIP712` uses.
  const eip712 = new KmsEIP712({
    chainId: BigInt(SepoliaConfig.chainId),
    verifyingContractAddressDecryption: SepoliaConfig.verifyingContractAddressDecryption,
  }).createUserDecryptEIP712({
    publicKey: TKMSPkeKeypair.generate().publicKey,
    contractAddresses: ["0x00000000000000000000000000000000000000A1"],
    startTimestamp: Math.floor(Date.now() / 1000),
    durationDays: 1,
    extraData: "0x00",
  });

  it("removes EIP712Domain and keeps every other type, field for field", function () {
    expect(eip712.types).to.have.property("EIP712Domain");
    const stripped = stripEip712Domain(eip712.types);
    expect(stripped).to.not.have.property("EIP712Domain");
    expect(Object.keys(stripped)).to.deep.equal(["UserDecryptRequestVerification"]);
    expect(stripped.UserDecryptRequestVerification).to.deep.equal(eip712.types.UserDecryptRequestVerification);
    // A copy: the SDK's (frozen) object is untouched and the result can be handed to ethers.
    expect(eip712.types).to.have.property("EIP712Domain");
    expect(stripped.UserDecryptRequestVerification).to.not.equal(eip712.types.UserDecryptRequestVerification);
  });

  it("ethers rejects the SDK's types as they are and signs the stripped ones verifiably", async function () {
    const wallet = Wallet.createRandom();
    const raw = eip712.types as unknown as Parameters<Wallet["signTypedData"]>[1];
    const refused = await rejection(wallet.signTypedData({ ...eip712.domain }, raw, eip712.message));
    expect(String(refused)).to.contain("EIP712Domain");

    const types = stripEip712Domain(eip712.types);
    const signature = await wallet.signTypedData({ ...eip712.domain }, types, eip712.message);
    expect(verifyTypedData({ ...eip712.domain }, types, eip712.message, signature)).to.equal(wallet.address);
  });

  it("keeps custom types and leaves input without EIP712Domain as it was", function () {
    const types = { Mail: [{ name: "to", type: "Person" }], Person: [{ name: "wallet", type: "address" }] };
    expect(stripEip712Domain(types)).to.deep.equal(types);
  });
});

describe("createRelayerFheBackend offline", function () {
  this.timeout(20_000);

  it("creating the instance touches the network: an unreachable relayer/RPC rejects with a clear error", async function () {
    const error = await rejection(
      createRelayerFheBackend({ network: "sepolia", rpcUrl: CLOSED, relayerUrl: CLOSED, timeoutMs: 5_000 }),
    );
    expect(error).to.be.instanceOf(RelayerUnavailableError);
    expect(error).to.be.instanceOf(RoyaltiesError);
    const unavailable = error as RelayerUnavailableError;
    expect(unavailable.name).to.equal("RelayerUnavailableError");
    expect(unavailable.message).to.contain(CLOSED);
    expect(unavailable.message).to.contain("creating the FHE instance");
    expect(unavailable.message).to.match(/relayer.s status|SEPOLIA_RPC_URL/);
    expect(unavailable.cause).to.be.instanceOf(Error);
  });

  it("names the relayer URL when the relayer is the endpoint that refused", async function () {
    const relayerUrl = await closedPortUrl();
    const error = await rejection(
      createRelayerFheBackend({ network: "mainnet", rpcUrl: CLOSED, relayerUrl, timeoutMs: 5_000 }),
    );
    expect(error).to.be.instanceOf(RelayerUnavailableError);
    const unavailable = error as RelayerUnavailableError;
    expect(unavailable.endpoint).to.equal("relayer");
    expect(unavailable.urls).to.deep.equal([relayerUrl]);
    expect(unavailable.message).to.contain(`relayer at ${relayerUrl}`);
    expect(unavailable.message).to.not.contain(CLOSED);
    expect(unavailable.message).to.contain("relayer's status");
    expect(unavailable.message).to.contain("ECONNREFUSED");
  });

  it("gives up after timeoutMs on a relayer that accepts connections but never answers", async function () {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const silent = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const error = await rejection(
        createRelayerFheBackend({ network: "sepolia", rpcUrl: CLOSED, relayerUrl: silent, timeoutMs: 1_000 }),
      );
      expect(Date.now() - started).to.be.lessThan(5_000);
      expect(error).to.be.instanceOf(RelayerUnavailableError);
      expect((error as RelayerUnavailableError).message)
        .to.contain(silent)
        .and.contain("1000 ms");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("does not wrap failures that are not network failures", async function () {
    const error = await rejection(
      createRelayerFheBackend({ network: "sepolia", rpcUrl: CLOSED, relayerUrl: "not a url" }),
    );
    expect(error).to.not.be.instanceOf(RelayerUnavailableError);
    expect((error as Error).name).to.equal("InvalidRelayerUrlError");
  });
});

describe("unreachableEndpoint", function () {
  this.timeout(10_000);

  it("attributes a real refused JSON-RPC call (ethers) to the RPC", async function () {
    const provider = new JsonRpcProvider(CLOSED, undefined, { staticNetwork: true });
    try {
      const error = await rejection(provider.send("eth_chainId", []));
      expect(unreachableEndpoint(error)).to.equal("rpc");
    } finally {
      provider.destroy();
    }
  });

  it("does not treat a plain error as a network failure", function () {
    expect(unreachableEndpoint(new Error("User address is not authorized to user decrypt handle"))).to.equal(undefined);
    expect(unreachableEndpoint(undefined)).to.equal(undefined);
  });
});
