"""Charts drawn with matplotlib, shared by the web pages (SVG) and the reports (PDF, PNG).

Chart functions take plain data (frozen dataclasses) and return the drawing as bytes; they never read the
store. Output is reproducible: the same data gives the same bytes.
"""
