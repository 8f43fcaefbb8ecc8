//! Customer satisfaction ratings: a whole number 1–5, one per session.

use model::agent::conversations::MAX_NAME_CHARS;
use model::agent::persona::{CsatPage, CsatRating, SubmitCsat};
use model::platform::users::Permission;
use store::CsatRecord;

use crate::agent::Agent;
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Caller, Error, Result};

const MAX_COMMENT_CHARS: usize = 2_000;

impl Agent<'_> {
    /// Records the session's rating; a second rating replaces the first. Session tokens may
    /// call it.
    pub async fn submit_csat(&self, caller: &Caller, input: SubmitCsat) -> Result<CsatRating> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        checks.text("sessionId", &input.session_id, 1, MAX_NAME_CHARS);
        checks.optional_text("comment", input.comment.as_deref(), MAX_COMMENT_CHARS);
        checks.finish()?;
        if input.rating.fract() != 0.0 || !(1.0..=5.0).contains(&input.rating) {
            return Err(Error::Invalid(
                "Rating must be a whole number between 1 and 5".to_owned(),
            ));
        }
        self.claim_session(caller, &input.session_id).await?;
        let now = self.now_ms();
        let record = self
            .store()
            .upsert_csat(&CsatRecord {
                id: new_id(),
                app_id: caller.app.id.clone(),
                session_id: input.session_id,
                rating: input.rating as i64,
                comment: input.comment.filter(|c| !c.trim().is_empty()),
                created_at: now,
                updated_at: now,
            })
            .await?;
        Ok(to_rating(record))
    }

    /// The app's ratings, newest first. Needs the app secret.
    pub async fn list_csat(
        &self,
        caller: &Caller,
        since: Option<i64>,
        until: Option<i64>,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<CsatPage> {
        caller.require(Permission::ConversationsRead)?;
        let paging = Paging::new(cursor, limit, 50, 200)?;
        let records = self
            .store()
            .list_csat(&caller.app.id, since, until, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |r| (r.created_at, r.id.as_str()));
        Ok(CsatPage {
            ratings: records.into_iter().map(to_rating).collect(),
            next_cursor,
        })
    }
}

pub(crate) fn to_rating(record: CsatRecord) -> CsatRating {
    CsatRating {
        id: record.id,
        session_id: record.session_id,
        rating: record.rating,
        comment: record.comment,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}
