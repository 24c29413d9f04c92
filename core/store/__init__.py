"""Where runs are kept between restarts: one SQL database (SQLite by default, or Postgres)."""
