//! Voice sessions and their participants, handled LiveKit webhook events, and client logs.

mod group_writes;

use std::sync::LazyLock;

use serde_json::Value;
use sqlx::QueryBuilder;
use sqlx::types::Json;

use self::group_writes::{DispatchUpdate, EventRecording, SessionInsert};
use crate::agent::events::{INSERT_EVENT, bind_event};
use crate::platform::agent_credentials::{bind_credential, insert_credential_from};
use crate::{AgentCredentialRecord, EventRecord, Store, StoreError, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct VoiceSessionRecord {
    pub id: String,
    pub app_id: String,
    pub origin: String,
    pub session_key: String,
    pub room_name: Option<String>,
    pub status: String,
    pub call_type: Option<String>,
    pub owner_identity: Option<String>,
    pub owner_name: Option<String>,
    pub owner_token_hash: Option<String>,
    pub callee_id: Option<String>,
    pub agent_status: Option<String>,
    pub agent_name: Option<String>,
    pub agent_identity: Option<String>,
    pub agent_dispatch_id: Option<String>,
    #[sqlx(json(nullable))]
    pub agent_config: Option<Value>,
    pub system_prompt: Option<String>,
    pub voice: Option<String>,
    pub max_participants: Option<i64>,
    pub empty_timeout_secs: Option<i64>,
    #[sqlx(json(nullable))]
    pub metadata: Option<Value>,
    pub participant_count: i64,
    pub customer_id: Option<String>,
    pub direction: Option<String>,
    pub locale: Option<String>,
    pub simulation: bool,
    pub agent_type: Option<String>,
    pub external_id: Option<String>,
    pub recording_enabled: bool,
    pub egress_id: Option<String>,
    pub recording_status: Option<String>,
    pub recording_started_at: Option<i64>,
    pub recording_url: Option<String>,
    pub transcript: Option<String>,
    pub end_reason: Option<String>,
    pub created_at: i64,
    pub connected_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub updated_at: i64,
}

const SESSION_COLUMNS: &str = "id, app_id, origin, session_key, room_name, status, call_type, \
    owner_identity, owner_name, owner_token_hash, callee_id, agent_status, agent_name, \
    agent_identity, agent_dispatch_id, agent_config, system_prompt, voice, max_participants, \
    empty_timeout_secs, metadata, participant_count, customer_id, direction, locale, simulation, \
    agent_type, external_id, recording_enabled, egress_id, recording_status, \
    recording_started_at, recording_url, transcript, end_reason, created_at, connected_at, \
    ended_at, updated_at";

/// The values [`bind_session!`] binds.
const SESSION_VALUES: usize = 39;

static INSERT_SESSION: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=SESSION_VALUES).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO voice_sessions ({SESSION_COLUMNS}) VALUES ({})",
        placeholders.join(", ")
    )
});

/// PostgreSQL: a session and its agent's credential in one statement, which is atomic on its
/// own: one round trip instead of four (begin, two inserts, commit). Binds [`bind_session!`]'s
/// values, then [`bind_credential!`]'s.
static INSERT_SESSION_WITH_CREDENTIAL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH session AS ({}) {}",
        INSERT_SESSION.as_str(),
        insert_credential_from(SESSION_VALUES + 1)
    )
});

/// [`Store::set_voice_session_dispatch`]'s statement: `$1` the session, `$2` the dispatch id,
/// `$3` now.
const SET_DISPATCH: &str = "UPDATE voice_sessions SET agent_dispatch_id = $2, updated_at = CASE \
    WHEN updated_at < $3 THEN $3 ELSE updated_at + 1 END WHERE id = $1";

macro_rules! bind_session {
    ($query:expr, $s:expr) => {
        $query
            .bind(&$s.id)
            .bind(&$s.app_id)
            .bind(&$s.origin)
            .bind(&$s.session_key)
            .bind(&$s.room_name)
            .bind(&$s.status)
            .bind(&$s.call_type)
            .bind(&$s.owner_identity)
            .bind(&$s.owner_name)
            .bind(&$s.owner_token_hash)
            .bind(&$s.callee_id)
            .bind(&$s.agent_status)
            .bind(&$s.agent_name)
            .bind(&$s.agent_identity)
            .bind(&$s.agent_dispatch_id)
            .bind($s.agent_config.as_ref().map(Json))
            .bind(&$s.system_prompt)
            .bind(&$s.voice)
            .bind($s.max_participants)
            .bind($s.empty_timeout_secs)
            .bind($s.metadata.as_ref().map(Json))
            .bind($s.participant_count)
            .bind(&$s.customer_id)
            .bind(&$s.direction)
            .bind(&$s.locale)
            .bind($s.simulation)
            .bind(&$s.agent_type)
            .bind(&$s.external_id)
            .bind($s.recording_enabled)
            .bind(&$s.egress_id)
            .bind(&$s.recording_status)
            .bind($s.recording_started_at)
            .bind(&$s.recording_url)
            .bind(&$s.transcript)
            .bind(&$s.end_reason)
            .bind($s.created_at)
            .bind($s.connected_at)
            .bind($s.ended_at)
            .bind($s.updated_at)
    };
}
use bind_session;

/// `UPDATE voice_sessions` of the columns `after` changes from `before`, where the row is
/// still as read. Only what changed is written: rewriting every column would rewrite every
/// index entry of the row too (seven pages a write on SQLite, where one does).
fn session_update<'a, DB>(
    before: &'a VoiceSessionRecord,
    after: &'a VoiceSessionRecord,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<Json<&'a Value>>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut update = QueryBuilder::new("UPDATE voice_sessions SET ");
    let mut sets = update.separated(", ");
    macro_rules! changed {
        ($($field:ident),* ; json: $($json:ident),*) => {
            // Exhaustive: a field added to the record fails to compile until it is listed here.
            let VoiceSessionRecord { id: _, app_id: _, updated_at: _, $($field: _,)* $($json: _,)* } =
                after;
            $(if before.$field != after.$field {
                sets.push(concat!(stringify!($field), " = "));
                sets.push_bind_unseparated(after.$field.clone());
            })*
            $(if before.$json != after.$json {
                sets.push(concat!(stringify!($json), " = "));
                sets.push_bind_unseparated(after.$json.as_ref().map(Json));
            })*
        };
    }
    changed!(
        origin, session_key, room_name, status, call_type, owner_identity, owner_name,
        owner_token_hash, callee_id, agent_status, agent_name, agent_identity, agent_dispatch_id,
        system_prompt, voice, max_participants, empty_timeout_secs, participant_count,
        customer_id, direction, locale, simulation, agent_type, external_id, recording_enabled,
        egress_id, recording_status, recording_started_at, recording_url, transcript,
        end_reason, created_at, connected_at, ended_at;
        json: agent_config, metadata
    );
    // Always written, so a change is never an empty SET.
    sets.push("updated_at = ");
    sets.push_bind_unseparated(after.updated_at);
    // By the primary key alone, with the version read. `before` came from a read within its
    // app, and a session never changes app. A condition on `app_id` would offer PostgreSQL the
    // app's indexes: a plan cached while the table had no statistics can then scan the app's
    // every session for each update.
    update.push(" WHERE id = ");
    update.push_bind(before.id.as_str());
    update.push(" AND updated_at = ");
    update.push_bind(before.updated_at);
    update
}

macro_rules! bind_log {
    ($query:expr, $r:expr) => {
        $query
            .bind(&$r.id)
            .bind(&$r.app_id)
            .bind(&$r.level)
            .bind(&$r.source)
            .bind(&$r.message)
            .bind(&$r.session_id)
            .bind($r.created_at)
    };
}

macro_rules! bind_filter {
    ($query:expr, $filter:expr) => {{
        let mut query = $query;
        for status in &$filter.statuses {
            query = query.bind(status);
        }
        if let Some(origin) = &$filter.origin {
            query = query.bind(origin);
        }
        if let Some(owner) = &$filter.owner_token_hash {
            query = query.bind(owner);
        }
        query
    }};
}

/// Which sessions a listing returns.
#[derive(Clone, Debug, Default)]
pub struct VoiceSessionFilter {
    /// Any of these statuses; empty for all.
    pub statuses: Vec<String>,
    pub origin: Option<String>,
    /// Only sessions started with this session token.
    pub owner_token_hash: Option<String>,
    /// Only sessions with a LiveKit room.
    pub with_room: bool,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ParticipantRecord {
    pub id: String,
    pub session_id: String,
    pub identity: String,
    pub name: Option<String>,
    pub kind: String,
    pub participant_sid: Option<String>,
    pub joined_at: i64,
    pub left_at: Option<i64>,
}

const PARTICIPANT_COLUMNS: &str =
    "id, session_id, identity, name, kind, participant_sid, joined_at, left_at";

/// A verified LiveKit event, handled once by its id.
#[derive(Clone, Debug)]
pub struct LivekitEventClaim {
    pub event_id: String,
    pub event: String,
    pub room_name: Option<String>,
    pub received_at: i64,
    /// Write nothing, not even the claim, when the room has no session: the caller opens one
    /// (an inbound phone call) and records the event again.
    pub needs_session: bool,
}

/// What one event writes beside its claim, decided from its session as read in the same
/// transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct LivekitEventWrites {
    /// The event on its session's timeline.
    pub timeline: EventRecord,
    /// A participant who joined.
    pub participant: Option<ParticipantRecord>,
    /// The session as the event changed it, when it did.
    pub session: Option<VoiceSessionRecord>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LivekitEventOutcome {
    /// Claimed and written; with the room's session as it now stands, when it has one.
    Recorded(Option<Box<VoiceSessionRecord>>),
    /// The event id was handled before (a redelivery): nothing written.
    Duplicate,
    /// The room has no session and the claim needs one: nothing written.
    NoSession,
}

const CLAIM_EVENT: &str = "INSERT INTO livekit_webhook_events (event_id, event, room_name, \
     received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING";

static SESSION_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE id = $1"));

/// A room's session: the open one, else the latest.
static SESSION_FOR_ROOM: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE room_name = $1 \
         ORDER BY CASE WHEN ended_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC \
         LIMIT 1"
    )
});

/// [`SESSION_FOR_ROOM`], locked until the transaction ends (PostgreSQL; SQLite's
/// `BEGIN IMMEDIATE` already holds the database's one write lock).
static SESSION_FOR_ROOM_LOCKED: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR UPDATE", SESSION_FOR_ROOM.as_str()));

static INSERT_PARTICIPANT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO voice_participants ({PARTICIPANT_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
});

/// Makes what an event writes from its session as read: a pure function of the two.
pub(crate) type WritesFor = dyn Fn(&VoiceSessionRecord) -> LivekitEventWrites + Send + Sync;

/// Defines `$name`, which records one LiveKit event in the open transaction `tx` of one
/// backend, reading its room's session with `$session_sql`. The read comes before the claim,
/// so an event that needs a session and finds none writes nothing, not even its claim.
macro_rules! record_event_in {
    ($name:ident, $connection:ty, $session_sql:expr) => {
        pub(super) async fn $name(
            tx: &mut $connection,
            claim: &LivekitEventClaim,
            writes_for: &WritesFor,
        ) -> StoreResult<LivekitEventOutcome> {
            let session = match &claim.room_name {
                Some(room) => {
                    sqlx::query_as::<_, VoiceSessionRecord>($session_sql)
                        .bind(room)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                None => None,
            };
            if session.is_none() && claim.needs_session {
                return Ok(LivekitEventOutcome::NoSession);
            }
            let claimed = sqlx::query(CLAIM_EVENT)
                .bind(&claim.event_id)
                .bind(&claim.event)
                .bind(&claim.room_name)
                .bind(claim.received_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if claimed == 0 {
                return Ok(LivekitEventOutcome::Duplicate);
            }
            let Some(session) = session else {
                return Ok(LivekitEventOutcome::Recorded(None));
            };
            let writes = writes_for(&session);
            if let Some(after) = &writes.session {
                // Locked since the read, so the row is as read unless the lock was broken.
                let updated = session_update(&session, after)
                    .build()
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if updated == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            bind_event!(sqlx::query(INSERT_EVENT), &writes.timeline)
                .execute(&mut *tx)
                .await?;
            if let Some(participant) = &writes.participant {
                sqlx::query(INSERT_PARTICIPANT.as_str())
                    .bind(&participant.id)
                    .bind(&participant.session_id)
                    .bind(&participant.identity)
                    .bind(&participant.name)
                    .bind(&participant.kind)
                    .bind(&participant.participant_sid)
                    .bind(participant.joined_at)
                    .bind(participant.left_at)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(LivekitEventOutcome::Recorded(Some(Box::new(
                writes.session.unwrap_or(session),
            ))))
        }
    };
}

// SQLite's `BEGIN IMMEDIATE` already holds the database's one write lock; PostgreSQL locks the
// session's row.
record_event_in!(
    record_event_sqlite,
    sqlx::SqliteConnection,
    SESSION_FOR_ROOM.as_str()
);
record_event_in!(
    record_event_postgres,
    sqlx::PgConnection,
    SESSION_FOR_ROOM_LOCKED.as_str()
);

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ClientLogRecord {
    pub id: String,
    pub app_id: String,
    pub level: String,
    pub source: Option<String>,
    pub message: String,
    pub session_id: Option<String>,
    pub created_at: i64,
}

impl Store {
    /// Inserts a session; a room name already used by a live session is `UniqueViolation`.
    pub async fn insert_voice_session(&self, record: &VoiceSessionRecord) -> StoreResult<()> {
        self.insert_session(record, None).await
    }

    /// Inserts a session with the credential of the agent about to be dispatched to it, in one
    /// transaction. A room name already used by a live session is `UniqueViolation`.
    pub async fn insert_voice_session_with_credential(
        &self,
        record: &VoiceSessionRecord,
        credential: &AgentCredentialRecord,
    ) -> StoreResult<()> {
        self.insert_session(record, Some(credential)).await
    }

    async fn insert_session(
        &self,
        record: &VoiceSessionRecord,
        credential: Option<&AgentCredentialRecord>,
    ) -> StoreResult<()> {
        match (self, credential) {
            (Store::Sqlite(sqlite), _) => {
                let insert = SessionInsert {
                    record: record.clone(),
                    credential: credential.cloned(),
                };
                sqlite.group_commit.write(&sqlite.main, insert).await
            }
            (Store::Postgres(pool), None) => {
                bind_session!(sqlx::query(INSERT_SESSION.as_str()), record)
                    .execute(pool)
                    .await?;
                Ok(())
            }
            (Store::Postgres(pool), Some(credential)) => {
                let insert =
                    bind_session!(sqlx::query(INSERT_SESSION_WITH_CREDENTIAL.as_str()), record);
                bind_credential!(insert, credential).execute(pool).await?;
                Ok(())
            }
        }
    }

    /// Writes the columns `after` changes from `before`, if nobody changed the session since
    /// it was read as `before` (its `updated_at`). `false` when somebody did.
    pub async fn update_voice_session(
        &self,
        before: &VoiceSessionRecord,
        after: &VoiceSessionRecord,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, pool => session_update(before, after)
            .build()
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done > 0)
    }

    /// Sets the agent's dispatch id of session `id`, whatever else changed since it was read:
    /// the one request that dispatched the agent writes it, once. `updated_at` still moves past
    /// what any earlier reader saw, so their checked updates read the row again. `false` when
    /// the session is gone.
    pub async fn set_voice_session_dispatch(
        &self,
        id: &str,
        dispatch_id: &str,
        now: i64,
    ) -> StoreResult<bool> {
        match self {
            Store::Sqlite(sqlite) => {
                let update = DispatchUpdate {
                    session_id: id.to_owned(),
                    dispatch_id: dispatch_id.to_owned(),
                    now,
                };
                sqlite.group_commit.write(&sqlite.main, update).await
            }
            Store::Postgres(pool) => {
                let done = sqlx::query(SET_DISPATCH)
                    .bind(id)
                    .bind(dispatch_id)
                    .bind(now)
                    .execute(pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }
        }
    }

    /// Sessions not ended yet, by status (every app's): `(status, count)`.
    pub async fn open_voice_sessions_by_status(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT status, COUNT(*) FROM voice_sessions WHERE ended_at IS NULL GROUP BY status",
        )
        .fetch_all(pool)
        .await)?)
    }

    /// Deletes a session that never got going (its LiveKit call failed), participants and all.
    pub async fn delete_voice_session(&self, app_id: &str, id: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "DELETE FROM voice_sessions WHERE app_id = $1 AND id = $2",
        )
        .bind(app_id)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// `app_id`'s session `id`. Read by the primary key and checked against the app here: a
    /// condition on `app_id` would offer PostgreSQL the app's indexes, and a generic plan made
    /// while the table had no statistics then scans the app's every session (see
    /// [`session_update`]).
    pub async fn voice_session(
        &self,
        app_id: &str,
        id: &str,
    ) -> StoreResult<Option<VoiceSessionRecord>> {
        let session = on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&SESSION_BY_ID)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        Ok(session.filter(|session| session.app_id == app_id))
    }

    /// A session of any app, for callbacks that carry our id (ElevenLabs' webhook).
    pub async fn voice_session_by_id_any_app(
        &self,
        id: &str,
    ) -> StoreResult<Option<VoiceSessionRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&SESSION_BY_ID)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The app's newest session in `room_name` (live or not).
    pub async fn voice_session_by_room(
        &self,
        app_id: &str,
        room_name: &str,
    ) -> StoreResult<Option<VoiceSessionRecord>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE room_name = $1 AND app_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&sql)
            .bind(room_name)
            .bind(app_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The voice sessions whose customer id is `customer_id` (seed 003's customer, or a desk
    /// contact who called from the widget) in the apps of one workspace, newest first.
    pub async fn voice_sessions_of_customer(
        &self,
        workspace_id: &str,
        customer_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<VoiceSessionRecord>> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {} FROM voice_sessions v JOIN apps a ON a.id = v.app_id \
                 WHERE a.workspace_id = $1 AND v.customer_id = $2 \
                 ORDER BY v.created_at DESC, v.id DESC LIMIT $3",
                crate::qualified(SESSION_COLUMNS, "v")
            )
        });
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(SQL.as_str())
            .bind(workspace_id)
            .bind(customer_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// The newest session of any app in `room_name`, for LiveKit's webhooks (which know rooms,
    /// not apps): the live one if any.
    pub async fn voice_session_for_room(
        &self,
        room_name: &str,
    ) -> StoreResult<Option<VoiceSessionRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&SESSION_FOR_ROOM)
            .bind(room_name)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn voice_session_by_external_id(
        &self,
        external_id: &str,
    ) -> StoreResult<Option<VoiceSessionRecord>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE external_id = $1 \
             ORDER BY created_at DESC LIMIT 1"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&sql)
            .bind(external_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// An app's sessions, newest first, strictly after the cursor (`created_at`, `id`).
    pub async fn list_voice_sessions(
        &self,
        app_id: &str,
        filter: &VoiceSessionFilter,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<VoiceSessionRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE app_id = $1 {} \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4",
            filter_sql(filter, 5)
        );
        Ok(on_pool!(self, pool => {
            let query = sqlx::query_as::<_, VoiceSessionRecord>(&sql)
                .bind(app_id)
                .bind(before_at)
                .bind(before_id)
                .bind(limit);
            bind_filter!(query, filter).fetch_all(pool).await
        })?)
    }

    /// The calls of one conversation (sessions sharing its session id), oldest first.
    pub async fn voice_sessions_of_conversation(
        &self,
        app_id: &str,
        session_key: &str,
        limit: i64,
    ) -> StoreResult<Vec<VoiceSessionRecord>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE app_id = $1 AND session_key = $2 \
             ORDER BY created_at, id LIMIT $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&sql)
            .bind(app_id)
            .bind(session_key)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// A page by offset (seed 002's pagination), with the total.
    pub async fn voice_sessions_by_offset(
        &self,
        app_id: &str,
        filter: &VoiceSessionFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<VoiceSessionRecord>, i64)> {
        let conditions = filter_sql(filter, 4);
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE app_id = $1 {conditions} \
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
        );
        let count_sql = format!(
            "SELECT COUNT(*) FROM voice_sessions WHERE app_id = $1 AND $2 = $2 AND $3 = $3 \
             {conditions}"
        );
        let rows = on_pool!(self, pool => {
            let query = sqlx::query_as::<_, VoiceSessionRecord>(&sql)
                .bind(app_id)
                .bind(limit)
                .bind(offset);
            bind_filter!(query, filter).fetch_all(pool).await
        })?;
        let total: i64 = on_pool!(self, pool => {
            let query = sqlx::query_scalar::<_, i64>(&count_sql)
                .bind(app_id)
                .bind(limit)
                .bind(offset);
            bind_filter!(query, filter).fetch_one(pool).await
        })?;
        Ok((rows, total))
    }

    /// Sessions of every app still open and created before `created_before`, oldest first,
    /// strictly after the cursor (`created_at`, `id`) of a previous batch.
    pub async fn open_voice_sessions(
        &self,
        created_before: i64,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<VoiceSessionRecord>> {
        let (after_at, after_id) = after.unwrap_or((i64::MIN, ""));
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM voice_sessions WHERE ended_at IS NULL \
             AND created_at < $1 AND (created_at > $2 OR (created_at = $2 AND id > $3)) \
             ORDER BY created_at, id LIMIT $4"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, VoiceSessionRecord>(&sql)
            .bind(created_before)
            .bind(after_at)
            .bind(after_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Marks the earliest still-present participant with `identity` as gone. `false` when none.
    pub async fn close_participant(
        &self,
        session_id: &str,
        identity: &str,
        left_at: i64,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE voice_participants SET left_at = $3 WHERE id = (SELECT id FROM \
             voice_participants WHERE session_id = $1 AND identity = $2 AND left_at IS NULL \
             ORDER BY joined_at LIMIT 1)",
        )
        .bind(session_id)
        .bind(identity)
        .bind(left_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done > 0)
    }

    /// Marks every participant still present as gone (the room closed).
    pub async fn close_all_participants(&self, session_id: &str, left_at: i64) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE voice_participants SET left_at = $2 WHERE session_id = $1 AND left_at IS NULL",
        )
        .bind(session_id)
        .bind(left_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM voice_participants WHERE session_id = $1 \
             ORDER BY joined_at, id"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ParticipantRecord>(&sql)
            .bind(session_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Records one verified LiveKit event, once by its id: in one transaction, reads the room's
    /// session, claims the id and writes what `writes_for` makes of the session. The session
    /// stays locked from the read to the commit, so concurrent events for one session apply one
    /// after another and none is read stale. On SQLite, events waiting together share one
    /// transaction ([`crate::group_commit`]); each still gets its own outcome.
    pub async fn record_livekit_event<F>(
        &self,
        claim: LivekitEventClaim,
        writes_for: F,
    ) -> StoreResult<LivekitEventOutcome>
    where
        F: Fn(&VoiceSessionRecord) -> LivekitEventWrites + Send + Sync + 'static,
    {
        match self {
            Store::Sqlite(sqlite) => {
                let recording = EventRecording {
                    claim,
                    writes_for: Box::new(writes_for),
                };
                sqlite.group_commit.write(&sqlite.main, recording).await
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let outcome = record_event_postgres(&mut tx, &claim, &writes_for).await?;
                tx.commit().await?;
                Ok(outcome)
            }
        }
    }

    /// Forgets handled event ids older than `before` (LiveKit stops retrying long before).
    pub async fn purge_livekit_events(&self, before: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM livekit_webhook_events WHERE received_at < $1",
        )
        .bind(before)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }

    /// Appends lines, then trims the app's log to its newest `keep` lines. One transaction.
    pub async fn append_client_logs(
        &self,
        records: &[ClientLogRecord],
        keep: i64,
    ) -> StoreResult<()> {
        let Some(first) = records.first() else {
            return Ok(());
        };
        let insert = "INSERT INTO client_logs (id, app_id, level, source, message, session_id, \
                      created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let trim = "DELETE FROM client_logs WHERE app_id = $1 AND id IN (SELECT id FROM \
                    client_logs WHERE app_id = $1 ORDER BY created_at DESC, id DESC \
                    LIMIT -1 OFFSET $2)";
        let trim_pg = "DELETE FROM client_logs WHERE app_id = $1 AND id IN (SELECT id FROM \
                       client_logs WHERE app_id = $1 ORDER BY created_at DESC, id DESC \
                       OFFSET $2)";
        match self {
            Store::Sqlite(crate::SqlitePools { main: pool, .. }) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                for r in records {
                    bind_log!(sqlx::query(insert), r).execute(&mut *tx).await?;
                }
                sqlx::query(trim)
                    .bind(&first.app_id)
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for r in records {
                    bind_log!(sqlx::query(insert), r).execute(&mut *tx).await?;
                }
                sqlx::query(trim_pg)
                    .bind(&first.app_id)
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// The app's newest `tail` lines, oldest first.
    pub async fn client_log_tail(
        &self,
        app_id: &str,
        tail: i64,
    ) -> StoreResult<Vec<ClientLogRecord>> {
        let mut rows = on_pool!(self, pool => sqlx::query_as::<_, ClientLogRecord>(
            "SELECT id, app_id, level, source, message, session_id, created_at FROM client_logs \
             WHERE app_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(app_id)
        .bind(tail)
        .fetch_all(pool)
        .await)?;
        rows.reverse();
        Ok(rows)
    }
}

/// The filter's conditions, numbering placeholders from `first`; bind with `bind_filter!`.
fn filter_sql(filter: &VoiceSessionFilter, first: usize) -> String {
    let mut sql = String::new();
    let mut n = first;
    if !filter.statuses.is_empty() {
        let list: Vec<String> = (0..filter.statuses.len())
            .map(|i| format!("${}", n + i))
            .collect();
        sql.push_str(&format!(" AND status IN ({})", list.join(", ")));
        n += filter.statuses.len();
    }
    if filter.origin.is_some() {
        sql.push_str(&format!(" AND origin = ${n}"));
        n += 1;
    }
    if filter.owner_token_hash.is_some() {
        sql.push_str(&format!(" AND owner_token_hash = ${n}"));
    }
    if filter.with_room {
        sql.push_str(" AND room_name IS NOT NULL");
    }
    sql
}
