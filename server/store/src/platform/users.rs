//! Dashboard users, workspace memberships and login sessions.

use std::sync::LazyLock;

use crate::{Store, StoreResult, on_pool, qualified};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    /// Lowercased.
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A membership with its workspace's name.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MembershipRecord {
    pub workspace_id: String,
    pub workspace_name: String,
    pub user_id: String,
    pub role: String,
}

/// A member of a workspace: the user, and their role there.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRecord {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub is_active: bool,
    pub role: String,
    pub joined_at: i64,
}

/// What became of a role change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleChange {
    Changed,
    NotMember,
    /// Refused: the workspace would have no owner left.
    LastOwner,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserSessionRecord {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub expires_at: i64,
    pub created_at: i64,
    pub source_ip: Option<String>,
}

const USER_COLUMNS: &str = "id, email, name, password_hash, is_active, created_at, updated_at";
const MEMBER_SELECT: &str = "SELECT u.id AS user_id, u.email, u.name, u.is_active, m.role, \
     m.created_at AS joined_at FROM workspace_members m JOIN users u ON u.id = m.user_id";

impl Store {
    pub async fn count_users(&self) -> StoreResult<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
            .fetch_one(pool)
            .await)?,
        )
    }

    /// Inserts a user and their first membership in one transaction.
    pub async fn insert_user_with_membership(
        &self,
        user: &UserRecord,
        workspace_id: &str,
        role: &str,
    ) -> StoreResult<()> {
        let insert_user =
            format!("INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&insert_user)
                .bind(&user.id)
                .bind(&user.email)
                .bind(&user.name)
                .bind(&user.password_hash)
                .bind(user.is_active)
                .bind(user.created_at)
                .bind(user.updated_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(workspace_id)
            .bind(&user.id)
            .bind(role)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Adds an existing user to a workspace; `UniqueViolation` when they are a member already.
    pub async fn insert_membership(
        &self,
        workspace_id: &str,
        user_id: &str,
        role: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(role)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, UserRecord>(&sql)
            .bind(email)
            .fetch_optional(pool)
            .await)?)
    }

    /// The user's memberships, by workspace name.
    pub async fn memberships_of(&self, user_id: &str) -> StoreResult<Vec<MembershipRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, MembershipRecord>(
            "SELECT m.workspace_id, w.name AS workspace_name, m.user_id, m.role \
             FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id \
             WHERE m.user_id = $1 ORDER BY w.name, w.id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await)?,
        )
    }

    /// The workspace's members, by email.
    pub async fn workspace_members(&self, workspace_id: &str) -> StoreResult<Vec<MemberRecord>> {
        let sql = format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 ORDER BY u.email");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, MemberRecord>(&sql)
            .bind(workspace_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// One member of the workspace.
    pub async fn workspace_member(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRecord>> {
        let sql = format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 AND m.user_id = $2");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, MemberRecord>(&sql)
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Gives a member another role, unless that leaves the workspace without an owner: the
    /// check and the change are one statement.
    pub async fn set_member_role(
        &self,
        workspace_id: &str,
        user_id: &str,
        role: &str,
    ) -> StoreResult<RoleChange> {
        let changed = on_pool!(self, pool => sqlx::query(
            "UPDATE workspace_members SET role = $3 \
             WHERE workspace_id = $1 AND user_id = $2 \
               AND ($3 = 'owner' OR role <> 'owner' OR \
                    (SELECT COUNT(*) FROM workspace_members \
                     WHERE workspace_id = $1 AND role = 'owner') > 1)",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(role)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if changed > 0 {
            return Ok(RoleChange::Changed);
        }
        let member = on_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await)?;
        Ok(match member {
            None => RoleChange::NotMember,
            Some(_) => RoleChange::LastOwner,
        })
    }

    pub async fn insert_user_session(&self, session: &UserSessionRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO user_sessions (id, user_id, token_hash, expires_at, created_at, source_ip) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.id)
        .bind(&session.user_id)
        .bind(&session.token_hash)
        .bind(session.expires_at)
        .bind(session.created_at)
        .bind(&session.source_ip)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A live session (unexpired at `now`) and its active user.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<UserRecord>> {
        // Built once: this runs on every signed-in page and admin request.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {} FROM user_sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.is_active",
                qualified(USER_COLUMNS, "u")
            )
        });
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, UserRecord>(SQL.as_str())
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn delete_user_session(&self, token_hash: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM user_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_user_sessions_before(&self, cutoff: i64) -> StoreResult<u64> {
        Ok(
            on_pool!(self, pool => sqlx::query("DELETE FROM user_sessions WHERE expires_at < $1")
            .bind(cutoff)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?,
        )
    }
}
