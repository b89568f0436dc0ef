"""The public API (`glocal api run`): FastAPI over the market read model, the design store and
unsigned transactions for external wallets."""
