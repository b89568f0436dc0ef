"""The public API (`glocal api run`): FastAPI over the market read model (also live, as server-sent events), the
design store (signed uploads), unsigned transactions for external wallets, and the web app's pages."""
