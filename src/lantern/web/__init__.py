"""Web application and HTTP API."""
