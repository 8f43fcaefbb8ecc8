-- Knowledge documents become articles: a lifecycle, a slug, a visibility and a collection.
-- Existing documents stay published and internal, so the voice agent keeps finding them.
ALTER TABLE knowledge_documents ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
ALTER TABLE knowledge_documents ADD COLUMN visibility TEXT NOT NULL DEFAULT 'internal';
ALTER TABLE knowledge_documents ADD COLUMN slug TEXT NOT NULL DEFAULT '';
-- A help-center collection (the desk wing's table; a plain id, checked when set).
ALTER TABLE knowledge_documents ADD COLUMN collection_id TEXT;
ALTER TABLE knowledge_documents ADD COLUMN published_at BIGINT;
UPDATE knowledge_documents SET slug = id, published_at = updated_at;
CREATE UNIQUE INDEX knowledge_documents_slug ON knowledge_documents (app_id, slug);
CREATE INDEX knowledge_documents_collection ON knowledge_documents (app_id, collection_id);

-- Who may retrieve a passage, copied from its document so that search filters without a
-- join: 0 nobody (a draft or archived article), 1 the team and the voice agent (published,
-- internal), 2 everyone (published, public).
ALTER TABLE knowledge_chunks ADD COLUMN audience BIGINT NOT NULL DEFAULT 1;
-- The document's collection, copied likewise: the AI's knowledge sources filter on it.
ALTER TABLE knowledge_chunks ADD COLUMN collection_id TEXT;

-- "Was this helpful?": one ballot per voter (a widget session or a help-center visitor's
-- cookie) and article; voting again replaces it.
CREATE TABLE knowledge_votes (
    document_id TEXT NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    voter       TEXT NOT NULL,
    helpful     BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (document_id, voter)
);
