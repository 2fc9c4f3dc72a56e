import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatFhevmRuntimeEnvironment } from "@fhevm/hardhat-plugin";
import type { Signer } from "ethers";

import type { EncryptedInput, FheBackend, PublicDecryption } from "./backend";

/**
 * FHE backend over `@fhevm/hardhat-plugin` (`hre.fhevm`): the in-process mock coprocessor or a
 * `npx hardhat node` on localhost.
 */
export function createHardhatFheBackend(fhevm: HardhatFhevmRuntimeEnvironment): FheBackend {
  return {
    async encryptUint64(
      contractAddress: string,
      userAddress: string,
      values: readonly bigint[],
    ): Promise<EncryptedInput> {
      const input = fhevm.createEncryptedInput(contractAddress, userAddress);
      for (const value of values) input.add64(value);
      const encrypted = await input.encrypt();
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },
    userDecryptUint64(handle: string, contractAddress: string, signer: Signer): Promise<bigint> {
      return fhevm.userDecryptEuint(FhevmType.euint64, handle, contractAddress, signer);
    },
    userDecryptBool(handle: string, contractAddress: string, signer: Signer): Promise<boolean> {
      return fhevm.userDecryptEbool(handle, contractAddress, signer);
    },
    async publicDecrypt(handles: readonly string[]): Promise<PublicDecryption> {
      const result = await fhevm.publicDecrypt([...handles]);
      return { clearValues: { ...result.clearValues }, decryptionProof: result.decryptionProof };
    },
    async encryptAddress(contractAddress: string, userAddress: string, address: string): Promise<EncryptedInput> {
      const encrypted = await fhevm.createEncryptedInput(contractAddress, userAddress).addAddress(address).encrypt();
      return { handles: encrypted.handles, inputProof: encrypted.inputProof };
    },
  };
}
