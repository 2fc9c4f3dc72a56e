/**
 * The project's one error module: the base error class, one decoder over every ABI the project deals with (ours,
 * OpenZeppelin's Governor, TimelockController, ERC7984 and ERC-20, the FHE library and Zama's host contracts), the
 * hints it attaches (functions of the error's arguments), and the error classes every consumer catches.
 */
export { RoyaltiesError } from "./base";
export { decodeRevert, knownRevertErrors, revertData } from "./decode";
export type { DecodedRevert } from "./decode";
export { PROPOSAL_STATES, REVERT_TEXTS } from "./hints";
export type { RevertArgs, RevertText, RevertTexts } from "./hints";
export { formatCount, formatDate, formatDuration, formatUnits } from "./render";
export {
  AggregatorRevertError,
  ConsensusRevertError,
  ContractRevertError,
  GovernanceRevertError,
  PayoutTokenRevertError,
  PoolRevertError,
  RegistryRevertError,
  RoyaltiesRevertError,
  VaultRevertError,
  revertError,
  toRoyaltiesError,
  withPoolErrors,
  withRoyaltiesErrors,
} from "./revert";
export { HOST_ERROR_FRAGMENTS, REVERT_SOURCES } from "./sources";
export type { RevertSource } from "./sources";
export { redactError, redactSecrets } from "../redact";
