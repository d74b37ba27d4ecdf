"""The licence book: State and Commerce licences, their parties, items and status history."""
