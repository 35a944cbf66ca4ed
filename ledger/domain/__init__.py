"""What each statement type means. Importing this package registers them all."""

from ledger.domain import accounts, journal, registry  # noqa: F401
from ledger.domain import (approvals, assets, disclosures, interests, projects,  # noqa: F401
                           questions, resolutions, trades)
