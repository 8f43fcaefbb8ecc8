//! A workspace's support automation, and what it makes the widget do: ask an anonymous
//! visitor for an email, show the median first-response time of the last 7 days, and offer a
//! rating when a conversation closes (one per conversation).

use model::desk::automation::{
    AutomationQuery, AutomationSettings, AutomationUpdate, ConversationRating, RateConversation,
    WidgetSettings,
};
use model::platform::users::Permission;
use store::{AutomationRecord, RatingRecord, StoreError};

use crate::desk::{Desk, Visitor};
use crate::validation::Checks;
use crate::{Actor, Error, Result};

/// The window of the reply time the widget shows.
const REPLY_TIME_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1_000;

fn to_settings(record: Option<AutomationRecord>) -> AutomationSettings {
    match record {
        Some(record) => AutomationSettings {
            show_reply_time: record.show_reply_time,
            collect_email: record.collect_email,
            ask_for_rating: record.ask_for_rating,
        },
        None => AutomationSettings::default(),
    }
}

pub(crate) fn to_rating(record: RatingRecord) -> ConversationRating {
    ConversationRating {
        conversation_id: record.conversation_id,
        rating: record.rating,
        comment: record.comment,
        created_at: record.created_at,
    }
}

/// The median of `values` (the mean of the middle two for an even count); `None` if empty.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2
    })
}

impl Desk<'_> {
    /// The workspace's settings, or the defaults (any member).
    pub async fn automation(
        &self,
        actor: &Actor,
        query: AutomationQuery,
    ) -> Result<AutomationSettings> {
        let workspace_id = self
            .desk_workspace(actor, query.workspace_id, Permission::ConversationsRead)
            .await?;
        Ok(to_settings(
            self.store().automation_settings(&workspace_id).await?,
        ))
    }

    /// Changes the toggles present (`settings.security`).
    pub async fn update_automation(
        &self,
        actor: &Actor,
        update: AutomationUpdate,
    ) -> Result<AutomationSettings> {
        let workspace_id = self
            .desk_workspace(actor, update.workspace_id, Permission::SettingsSecurity)
            .await?;
        let current = to_settings(self.store().automation_settings(&workspace_id).await?);
        let record = AutomationRecord {
            workspace_id,
            show_reply_time: update.show_reply_time.unwrap_or(current.show_reply_time),
            collect_email: update.collect_email.unwrap_or(current.collect_email),
            ask_for_rating: update.ask_for_rating.unwrap_or(current.ask_for_rating),
            updated_at: self.now_ms(),
        };
        self.store().upsert_automation_settings(&record).await?;
        Ok(to_settings(Some(record)))
    }

    /// What the widget should do for this visitor now.
    pub async fn widget_settings(&self, visitor: &Visitor) -> Result<WidgetSettings> {
        let settings = to_settings(
            self.store()
                .automation_settings(visitor.workspace_id())
                .await?,
        );
        let ask_for_email = settings.collect_email
            && self
                .store()
                .contact_by_id(&visitor.contact_id)
                .await?
                .is_some_and(|contact| contact.email.is_none());
        let median_reply_ms = if settings.show_reply_time {
            let since = self.now_ms() - REPLY_TIME_WINDOW_MS;
            median(
                self.store()
                    .first_response_times(visitor.workspace_id(), since)
                    .await?,
            )
        } else {
            None
        };
        Ok(WidgetSettings {
            ask_for_email,
            ask_for_rating: settings.ask_for_rating,
            median_reply_ms,
        })
    }

    /// The visitor rates one of their closed conversations, once, when the workspace asks for
    /// ratings.
    pub async fn rate_conversation(
        &self,
        visitor: &Visitor,
        conversation_id: &str,
        input: RateConversation,
    ) -> Result<ConversationRating> {
        let mut checks = Checks::new();
        if !(1..=5).contains(&input.rating) {
            checks.fail("rating", "must be a whole number from 1 to 5");
        }
        let comment = input
            .comment
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
        checks.optional_text("comment", comment.as_deref(), 1_000);
        checks.finish()?;
        let conversation = self.visitor_conversation(visitor, conversation_id).await?;
        let settings = to_settings(
            self.store()
                .automation_settings(&conversation.workspace_id)
                .await?,
        );
        if !settings.ask_for_rating {
            return Err(Error::PermissionDenied(
                "This workspace does not ask for ratings".to_owned(),
            ));
        }
        self.admit_visitor_write(visitor).await?;
        let record = RatingRecord {
            conversation_id: conversation.id.clone(),
            workspace_id: conversation.workspace_id.clone(),
            assignee_id: conversation.assignee_id.clone(),
            rating: input.rating,
            comment,
            created_at: self.now_ms(),
        };
        let stored = self
            .store()
            .insert_rating(&record)
            .await
            .map_err(|err| match err {
                StoreError::UniqueViolation => {
                    Error::Conflict("This conversation is rated already".to_owned())
                }
                other => other.into(),
            })?;
        if !stored {
            return Err(Error::Conflict(
                "Only a closed conversation can be rated".to_owned(),
            ));
        }
        Ok(to_rating(record))
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![4, 1, 10, 2]), Some(3));
    }
}
