-- Full-text search reads the GIN index on every query. With fast update on (the default), new
-- entries wait in a pending list that every search scans whole until a vacuum merges it: up to
-- 4 MB, which was a third of a search's time at 100,000 passages. Passages arrive from the
-- ingestion job, which spends far longer embedding a passage than indexing it directly.
ALTER INDEX knowledge_chunks_search_text SET (fastupdate = off);
SELECT gin_clean_pending_list('knowledge_chunks_search_text'::regclass);
