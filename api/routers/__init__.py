"""One router per resource; create_app includes them all."""

from api.routers import checkpoints, entries, figures, health, ledgers, proofs, statements

ROUTERS = [health.router, ledgers.router, statements.router, entries.router, proofs.router,
           checkpoints.router, figures.router]
