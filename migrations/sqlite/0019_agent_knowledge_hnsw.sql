-- PostgreSQL's HNSW indexes are rebuilt denser in this version. SQLite has no vector index (it
-- ranks an app's vectors in process), so there is nothing to change here.
SELECT 1;
