import { scope } from "hardhat/config";

/** `npx hardhat royalties --help` lists every task of the project. */
export const royalties = scope(
  "royalties",
  "AiRoyalties FHE: create models, submit encrypted contributions, close/reveal epochs, claim, decrypt, unwrap",
);
