-- PostgreSQL turns off its full-text index's pending list here. FTS5 has none: nothing to do.
SELECT 1;
