/* global module */
// solidity-coverage settings for `npm run coverage`.
module.exports = {
  // Test-only contracts are not measured.
  skipFiles: ["mocks/"],
  // End-to-end suites ("… (end to end)") start their own `hardhat node` or browser in this tree; the
  // node recompiles the contracts without instrumentation, which corrupts the coverage of every test
  // after them (and they cover no contract line the other tests miss).
  mocha: { grep: "\\(end to end\\)", invert: true },
};
