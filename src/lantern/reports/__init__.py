"""Reports that answer the letter's questions."""
