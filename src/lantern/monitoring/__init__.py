"""After approval: shipments, serials, custody, end-use checks and violation cases."""
