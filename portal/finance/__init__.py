"""Finance: payment requests and their approval chain, the disbursement ledger (append-only,
never over-pays, idempotent), advances, and co-finance contributions with verification."""
