"""Import and export: the record formats, their readers and writers, and the write-side store."""
