-- A conversation's calls: the conversation page links each call and its recording.
CREATE INDEX voice_sessions_app_key ON voice_sessions (app_id, session_key, created_at);
