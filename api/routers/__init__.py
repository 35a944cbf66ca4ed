"""One router per resource; create_app includes them all."""

from api.routers import checkpoints, entries, health, ledgers, proofs, statements

ROUTERS = [health.router, ledgers.router, statements.router, entries.router, proofs.router,
           checkpoints.router]
