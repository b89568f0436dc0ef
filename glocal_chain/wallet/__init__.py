"""Encrypted keystores (keystore v3, scrypt): a private key never appears in output, logs or arguments."""
