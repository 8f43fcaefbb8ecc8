-- Voice handoffs land in the inbox: the conversation a handoff opened names it, and the call.
-- (Plain ids, no foreign keys: the agent wing's tables are its own.)
ALTER TABLE desk_conversations ADD COLUMN handoff_id TEXT;
-- The handed-off call's session id (of the conversation's app).
ALTER TABLE desk_conversations ADD COLUMN call_session_id TEXT;
-- low | normal | high | urgent; set by a handoff.
ALTER TABLE desk_conversations ADD COLUMN priority TEXT;

CREATE UNIQUE INDEX desk_conversations_handoff ON desk_conversations (handoff_id)
    WHERE handoff_id IS NOT NULL;
