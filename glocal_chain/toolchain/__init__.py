"""The Solidity toolchain: compiler settings, the solc-js bridge, compilation and shipped artifacts."""
