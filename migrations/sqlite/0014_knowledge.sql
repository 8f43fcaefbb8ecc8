-- The knowledge base: documents split into embedded chunks, searched by vector similarity
-- (in-process cosine over the stored vectors) and full text (FTS5), plus the search log and
-- the deduplicated gaps it reveals.

CREATE TABLE knowledge_documents (
    id              TEXT PRIMARY KEY NOT NULL,
    app_id          TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    category        TEXT NOT NULL,
    source_type     TEXT NOT NULL,
    updated_by      TEXT,
    -- text, markdown or html: how the content was split into sections.
    format          TEXT NOT NULL,
    content         TEXT NOT NULL,
    chunk_count     BIGINT NOT NULL,
    -- Chunks embedded with embedding_model so far: the ingestion job's progress.
    embedded_count  BIGINT NOT NULL,
    embedding_model TEXT NOT NULL,
    -- pending, embedding, ready or failed; pending and embedding rows are the job queue.
    ingest_state    TEXT NOT NULL,
    ingest_error    TEXT,
    ingest_attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (app_id, title)
);
CREATE INDEX knowledge_documents_app_updated ON knowledge_documents (app_id, updated_at, id);
CREATE INDEX knowledge_documents_queue ON knowledge_documents (ingest_state, next_attempt_at);

CREATE TABLE knowledge_chunks (
    -- The integer key the full-text index refers to.
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    document_id     TEXT NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    -- Copied from the document so that search filters without a join.
    app_id          TEXT NOT NULL,
    category        TEXT NOT NULL,
    title           TEXT NOT NULL,
    heading         TEXT,
    ordinal         BIGINT NOT NULL,
    content         TEXT NOT NULL,
    -- Little-endian f32s at unit length; NULL until embedded.
    embedding       BLOB,
    embedding_model TEXT,
    embedding_dims  BIGINT
);
CREATE INDEX knowledge_chunks_document ON knowledge_chunks (document_id, ordinal);
CREATE INDEX knowledge_chunks_app_model ON knowledge_chunks (app_id, embedding_model);

CREATE VIRTUAL TABLE knowledge_chunks_fts USING fts5 (
    title, heading, content,
    content = 'knowledge_chunks', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Title and heading matches weigh more than body matches. Set as the table's rank function,
-- which FTS5 evaluates several times faster than an explicit bm25() call in ORDER BY.
INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.0)');
CREATE TRIGGER knowledge_chunks_fts_insert AFTER INSERT ON knowledge_chunks BEGIN
    INSERT INTO knowledge_chunks_fts (rowid, title, heading, content)
    VALUES (new.seq, new.title, new.heading, new.content);
END;
CREATE TRIGGER knowledge_chunks_fts_delete AFTER DELETE ON knowledge_chunks BEGIN
    INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts, rowid, title, heading, content)
    VALUES ('delete', old.seq, old.title, old.heading, old.content);
END;
CREATE TRIGGER knowledge_chunks_fts_update AFTER UPDATE OF title, heading, content ON knowledge_chunks
BEGIN
    INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts, rowid, title, heading, content)
    VALUES ('delete', old.seq, old.title, old.heading, old.content);
    INSERT INTO knowledge_chunks_fts (rowid, title, heading, content)
    VALUES (new.seq, new.title, new.heading, new.content);
END;

-- Every search, for the metrics.
CREATE TABLE knowledge_searches (
    id            TEXT PRIMARY KEY NOT NULL,
    app_id        TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id    TEXT,
    query         TEXT NOT NULL,
    mode          TEXT NOT NULL,
    top_score     REAL NOT NULL,
    result_count  BIGINT NOT NULL,
    gap           BOOLEAN NOT NULL,
    embed_us      BIGINT NOT NULL,
    retrieval_us  BIGINT NOT NULL,
    trace_id      TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX knowledge_searches_app_created ON knowledge_searches (app_id, created_at);

-- Questions the knowledge base could not answer, one row per normalised query.
CREATE TABLE knowledge_gaps (
    id               TEXT PRIMARY KEY NOT NULL,
    app_id           TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    query            TEXT NOT NULL,
    normalized_query TEXT NOT NULL,
    occurrences      BIGINT NOT NULL,
    last_top_score   REAL NOT NULL,
    -- JSON array of up to five session ids that asked it.
    example_sessions TEXT NOT NULL,
    -- open, resolved or dismissed
    status           TEXT NOT NULL,
    document_id      TEXT REFERENCES knowledge_documents (id) ON DELETE SET NULL,
    resolved_by      TEXT,
    resolved_at      BIGINT,
    first_seen_at    BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    UNIQUE (app_id, normalized_query)
);
CREATE INDEX knowledge_gaps_app_status ON knowledge_gaps (app_id, status, last_seen_at);
