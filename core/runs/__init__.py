"""Finished runs as records: tables, CSV/JSON export, the run-file schema, the course's own logs."""
