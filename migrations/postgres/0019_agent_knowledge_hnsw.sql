-- Denser HNSW graphs for the knowledge base: m 24 and ef_construction 200 (pgvector's defaults
-- are 16 and 64). At 100,000 passages, recall@10 against exact search at the search's
-- ef_search of 200 rises from 0.89 to 0.95 (bench/knowledge-search). The server makes any other
-- size's index with the same parameters (`Store::ensure_vector_index`). Rebuilding takes about
-- a minute per 100,000 passages on 2 cores, during which knowledge writes wait.
DROP INDEX knowledge_chunks_hnsw_384;
CREATE INDEX knowledge_chunks_hnsw_384 ON knowledge_chunks
    USING hnsw ((embedding::vector(384)) vector_cosine_ops) WITH (m = 24, ef_construction = 200)
    WHERE embedding_dims = 384;
DROP INDEX knowledge_chunks_hnsw_768;
CREATE INDEX knowledge_chunks_hnsw_768 ON knowledge_chunks
    USING hnsw ((embedding::vector(768)) vector_cosine_ops) WITH (m = 24, ef_construction = 200)
    WHERE embedding_dims = 768;
