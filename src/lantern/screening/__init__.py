"""The screening engine: which unit or list entry a name as written refers to."""
