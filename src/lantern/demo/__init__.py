"""The demo data set: real units and allegations with citations, synthetic licences."""
