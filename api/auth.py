"""Sign-in for the audit views: a bearer token signed by the caller's own key.

``Authorization: Bearer <jwt>`` where the JWT is what ``sunledger token``
prints (``ledger.log.tokens.issue_token``): EdDSA, signed by a key registered in
the ledger, for that ledger, short-lived and good for one request. It is
checked against the ledger's key registry as it stands now (the application
catches up with the store first), so a key revoked by any server process loses
access at once. No passwords are stored anywhere.

Who may read which view is ``AUDIT_ROLES`` (docs/api.md shows it as a table).
The audit views only read; writing is done by signed statements, whose own
signature and the role table in ``ledger.domain.policy`` decide (not a token).
"""

from __future__ import annotations

from typing import Annotated, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.contract import LedgerSlug
from api.limits import charge
from ledger.domain.policy import ROLES
from ledger.errors import LedgerNotFound, PolicyError
from ledger.format.statements import SLUG_RE
from ledger.log.tokens import Caller, TokenChecker, TokenError, audience, unverified_audience

# Roles that read the books: the agent who keeps them, the committee and the
# supervisory committee who answer for them, and auditors. The admin manages
# keys, not books; the cashier sees only what waits for its confirmation.
READERS = frozenset({"agent", "auditor", "committee", "supervisor"})
AUDIT_ROLES: dict[str, frozenset[str]] = {
    "journal": READERS,
    "general-ledger": READERS,
    "trial-balance": READERS,
    "activity": READERS,
    "unconfirmed": READERS | {"cashier"},
    "pending-approvals": READERS,
    "reversals": READERS,
    "findings": READERS,
    # Sealed confidential reports: only those they are sealed to read them.
    "confidential": frozenset({"supervisor", "auditor"}),
    "inspection-findings": READERS,
    # Uploading a document: any key may sign in; whether it may upload THIS document
    # (its role may sign a statement naming the hash) is ledger.domain.documents' rule.
    "documents": frozenset(ROLES),
    "contracts": READERS,
}

bearer = HTTPBearer(auto_error=False, scheme_name="ledger-key token",
                    description="`sunledger token LEDGER --key LABEL`: an EdDSA JWT signed by "
                                "your registered key, for one request, at most 10 minutes")


class NotSignedIn(TokenError):
    code = "not-signed-in"
    status = 401


def token_checker(request: Request) -> TokenChecker:
    return request.app.state.tokens


def signed_in(view: str) -> Callable[..., Caller]:
    """A dependency: the caller of ``view``, signed in with a role that may read it."""
    allowed = AUDIT_ROLES[view]

    def caller(ledger: LedgerSlug, request: Request,
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
               ) -> Caller:
        charge(request)  # the public rate limit, before any other work
        if credentials is None or not credentials.credentials:
            raise NotSignedIn("sign in: send Authorization: Bearer <token> "
                              "(`sunledger token LEDGER --key LABEL` prints one)")
        # Cheap refusals first: a made-up slug or a token for another ledger must cost
        # no ledger work (no state is built, no lock made, for a ledger that is not there).
        if not SLUG_RE.fullmatch(ledger):
            raise LedgerNotFound(f"ledger {ledger[:64]!r} does not exist", ledger=ledger[:64])
        if unverified_audience(credentials.credentials) != ledger:
            raise TokenError(f"token is not for ledger {ledger}: its audience must be "
                             f"{audience(ledger)!r}")
        state = request.app.state.ledger.state(ledger)  # caught up: revocations count now
        who = token_checker(request).check(credentials.credentials, state)
        if not who.roles & allowed:
            raise PolicyError(f"the {view} view is for {', '.join(sorted(allowed))}; this key "
                              f"has {', '.join(sorted(who.roles)) or 'no role'}",
                              signer=who.key_id)
        return who

    return caller


def audit_caller(view: str) -> type:
    """``Annotated[Caller, Depends(signed_in(view))]`` for a route's signature."""
    return Annotated[Caller, Depends(signed_in(view))]  # type: ignore[return-value]
