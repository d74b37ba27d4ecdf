"""Every table, one module per domain. Importing this package registers them all on `Base.metadata`."""

from lantern.db.tables import (  # noqa: F401  (registers tables)
    accounts,
    audit,
    cases,
    consultations,
    licences,
    registry,
    review,
    shipments,
    watchlists,
)
