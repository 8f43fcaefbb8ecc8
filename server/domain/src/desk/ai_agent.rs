//! The AI agent of chat: per-app settings (`persona.manage` to change them), working hours,
//! and the AI turns shown on a thread's messages. The answering itself needs the knowledge
//! base, so it is in the bridge (`crate::bridge::ai_answers`).

use std::collections::HashMap;

use model::desk::ai_agent::{
    AiAgentSettings, AiAnswer, AiHandoffReason, AiSource, AiTurnStats, KNOWLEDGE_RESPONDER,
    PutAiAgentSettings, Weekday, WorkingHours, WorkingSpan,
};
use model::desk::conversations::DeskMessage;
use model::platform::users::Permission;
use store::{AiAnswerRecord, AiSettingsRecord};

use crate::clock::DAY_MS;
use crate::desk::Desk;
use crate::error::FieldError;
use crate::platform::workspaces::is_timezone;
use crate::{Caller, Error, Result, Services};

const MAX_HANDOFF_MESSAGE_CHARS: usize = 500;
const MAX_MODEL_CHARS: usize = 100;
const MAX_SPANS: usize = 50;
/// The AI agent page's window.
const AI_STATS_DAYS: u32 = 30;

impl Desk<'_> {
    pub async fn ai_agent_settings(&self, caller: &Caller) -> Result<AiAgentSettings> {
        caller.require(Permission::KnowledgeRead)?;
        self.ai_settings_of(&caller.app.id).await
    }

    /// How the app's AI turns went over the last [`AI_STATS_DAYS`] days.
    pub async fn ai_turn_stats(&self, caller: &Caller) -> Result<AiTurnStats> {
        caller.require(Permission::KnowledgeRead)?;
        let since = self.now_ms() - i64::from(AI_STATS_DAYS) * DAY_MS;
        let counts = self.store().ai_turn_counts(&caller.app.id, since).await?;
        Ok(AiTurnStats {
            days: AI_STATS_DAYS,
            answered: counts.answered,
            handed_off: counts.handed_off,
            rated_helpful: counts.rated_helpful,
            rated_unhelpful: counts.rated_unhelpful,
        })
    }

    /// Replaces the app's AI agent settings, checked: the model's form, the threshold's range,
    /// collections of this app, a real timezone and well-formed hours.
    pub async fn put_ai_agent_settings(
        &self,
        caller: &Caller,
        input: PutAiAgentSettings,
    ) -> Result<AiAgentSettings> {
        caller.require(Permission::PersonaManage)?;
        let mut problems = Vec::new();
        let model = input
            .model
            .map(|m| m.trim().to_owned())
            .unwrap_or_else(|| KNOWLEDGE_RESPONDER.to_owned());
        let model_ok = model == KNOWLEDGE_RESPONDER
            || model.strip_prefix("openai/").is_some_and(|name| {
                !name.is_empty()
                    && model.len() <= MAX_MODEL_CHARS
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
            });
        if !model_ok {
            problems.push(FieldError::new(
                "model",
                "must be `knowledge` or `openai/<model>`",
            ));
        }
        let threshold = input.confidence_threshold;
        if threshold.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
            problems.push(FieldError::new("confidenceThreshold", "must be 0 to 1"));
        }
        let handoff_message = input
            .handoff_message
            .map(|m| m.trim().to_owned())
            .unwrap_or_else(|| model::desk::ai_agent::DEFAULT_HANDOFF_MESSAGE.to_owned());
        let length = handoff_message.chars().count();
        if length == 0 || length > MAX_HANDOFF_MESSAGE_CHARS {
            problems.push(FieldError::new(
                "handoffMessage",
                format!("must be 1 to {MAX_HANDOFF_MESSAGE_CHARS} characters"),
            ));
        }
        if let Some(hours) = &input.working_hours {
            check_hours(hours, &mut problems);
        }
        let known = self.store().list_collections(&caller.app.id).await?;
        let mut collection_ids = input.collection_ids;
        collection_ids.sort();
        collection_ids.dedup();
        if collection_ids
            .iter()
            .any(|id| !known.iter().any(|c| &c.collection.id == id))
        {
            problems.push(FieldError::new(
                "collectionIds",
                "must be collections of this app",
            ));
        }
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        let record = AiSettingsRecord {
            app_id: caller.app.id.clone(),
            enabled: input.enabled,
            model,
            confidence_threshold: threshold,
            collection_ids,
            handoff_message,
            working_hours: input
                .working_hours
                .map(serde_json::to_value)
                .transpose()
                .map_err(|e| Error::Internal(Box::new(e)))?,
            updated_at: self.now_ms(),
        };
        self.store().put_ai_settings(&record).await?;
        self.audit_change(
            caller,
            "ai_agent.updated",
            "app",
            Some(caller.app.id.clone()),
            Some(serde_json::json!({ "enabled": record.enabled, "model": record.model })),
        )
        .await?;
        Ok(to_settings(record))
    }
}

impl Services {
    /// An app's AI agent settings; the defaults (off) until saved.
    pub(crate) async fn ai_settings_of(&self, app_id: &str) -> Result<AiAgentSettings> {
        Ok(self
            .store()
            .ai_settings(app_id)
            .await?
            .map(to_settings)
            .unwrap_or_default())
    }

    /// The messages with the AI turns they posted.
    pub(crate) async fn with_ai_answers(
        &self,
        conversation_id: &str,
        mut messages: Vec<DeskMessage>,
    ) -> Result<Vec<DeskMessage>> {
        if !messages
            .iter()
            .any(|m| m.sender == model::desk::conversations::SenderKind::Bot)
        {
            return Ok(messages);
        }
        let mut answers: HashMap<String, AiAnswer> = self
            .store()
            .ai_answers_of_conversation(conversation_id)
            .await?
            .into_iter()
            .map(|record| (record.message_id.clone(), to_answer(record)))
            .collect();
        for message in &mut messages {
            message.ai = answers.remove(&message.id);
        }
        Ok(messages)
    }
}

fn to_settings(record: AiSettingsRecord) -> AiAgentSettings {
    AiAgentSettings {
        enabled: record.enabled,
        model: record.model,
        confidence_threshold: record.confidence_threshold,
        collection_ids: record.collection_ids,
        handoff_message: record.handoff_message,
        working_hours: record
            .working_hours
            .and_then(|value| serde_json::from_value(value).ok()),
        updated_at: Some(record.updated_at),
    }
}

pub(crate) fn to_answer(record: AiAnswerRecord) -> AiAnswer {
    AiAnswer {
        confidence: record.confidence,
        sources: serde_json::from_value::<Vec<AiSource>>(record.sources).unwrap_or_default(),
        model: record.model,
        latency_ms: record.latency_ms,
        handed_off: record.handed_off,
        handoff_reason: record
            .handoff_reason
            .as_deref()
            .and_then(AiHandoffReason::parse),
        helpful: record.helpful,
    }
}

fn check_hours(hours: &WorkingHours, problems: &mut Vec<FieldError>) {
    if !is_timezone(&hours.timezone) {
        problems.push(FieldError::new(
            "workingHours.timezone",
            "must be an IANA timezone, like Europe/Paris",
        ));
    }
    if hours.days.len() > MAX_SPANS {
        problems.push(FieldError::new(
            "workingHours.days",
            format!("at most {MAX_SPANS} spans"),
        ));
    }
    for (i, span) in hours.days.iter().enumerate() {
        match (minutes(&span.start), minutes(&span.end)) {
            (Some(start), Some(end)) if start < end => {}
            _ => problems.push(FieldError::new(
                format!("workingHours.days[{i}]"),
                "needs start and end as HH:MM, start before end",
            )),
        }
    }
}

/// Minutes since midnight of `HH:MM` (`24:00` allowed, as an end).
fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(24 * 60),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// When humans answer next, if not now: `None` while a span is open (or with no hours set),
/// else the day and time the next span opens, in the hours' timezone ("Monday at 09:00").
pub(crate) fn humans_back(hours: Option<&WorkingHours>, now_ms: i64) -> Option<String> {
    let hours = hours?;
    let zone = jiff::tz::TimeZone::get(&hours.timezone).ok()?;
    let now = jiff::Timestamp::from_millisecond(now_ms)
        .ok()?
        .to_zoned(zone);
    let today = weekday(now.weekday());
    let minute_now =
        u32::from(now.hour().unsigned_abs()) * 60 + u32::from(now.minute().unsigned_abs());
    let spans: Vec<(Weekday, u32, u32)> = hours
        .days
        .iter()
        .filter_map(|s: &WorkingSpan| Some((s.day, minutes(&s.start)?, minutes(&s.end)?)))
        .collect();
    if spans
        .iter()
        .any(|&(day, start, end)| day == today && start <= minute_now && minute_now < end)
    {
        return None;
    }
    let today_index = Weekday::ALL.iter().position(|d| *d == today)?;
    // The next opening within a week: later today, then the following days.
    for offset in 0..8 {
        let day = Weekday::ALL[(today_index + offset) % 7];
        let next = spans
            .iter()
            .filter(|&&(d, start, _)| d == day && (offset > 0 || start > minute_now))
            .map(|&(_, start, _)| start)
            .min();
        if let Some(start) = next {
            let when = format!("{:02}:{:02}", start / 60, start % 60);
            return Some(match offset {
                0 => format!("today at {when}"),
                1 => format!("tomorrow at {when}"),
                _ => format!("on {} at {when}", day.name()),
            });
        }
    }
    Some("later".to_owned())
}

fn weekday(day: jiff::civil::Weekday) -> Weekday {
    match day {
        jiff::civil::Weekday::Monday => Weekday::Monday,
        jiff::civil::Weekday::Tuesday => Weekday::Tuesday,
        jiff::civil::Weekday::Wednesday => Weekday::Wednesday,
        jiff::civil::Weekday::Thursday => Weekday::Thursday,
        jiff::civil::Weekday::Friday => Weekday::Friday,
        jiff::civil::Weekday::Saturday => Weekday::Saturday,
        jiff::civil::Weekday::Sunday => Weekday::Sunday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays_9_to_5(timezone: &str) -> WorkingHours {
        WorkingHours {
            timezone: timezone.to_owned(),
            days: [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ]
            .into_iter()
            .map(|day| WorkingSpan {
                day,
                start: "09:00".to_owned(),
                end: "17:00".to_owned(),
            })
            .collect(),
        }
    }

    fn at(text: &str) -> i64 {
        let stamp: jiff::Timestamp = text.parse().unwrap();
        stamp.as_millisecond()
    }

    #[test]
    fn humans_are_back_at_the_next_opening_in_the_hours_timezone() {
        let paris = weekdays_9_to_5("Europe/Paris");
        // Friday 2026-12-04 10:00 in Paris (09:00 UTC): open.
        assert_eq!(humans_back(Some(&paris), at("2026-12-04T09:00:00Z")), None);
        // Friday 18:00 in Paris: back on Monday.
        assert_eq!(
            humans_back(Some(&paris), at("2026-12-04T17:00:00Z")).as_deref(),
            Some("on Monday at 09:00")
        );
        // Tuesday 07:30 in Paris: later today.
        assert_eq!(
            humans_back(Some(&paris), at("2026-12-08T06:30:00Z")).as_deref(),
            Some("today at 09:00")
        );
        // Monday 20:00 in Paris: tomorrow.
        assert_eq!(
            humans_back(Some(&paris), at("2026-12-07T19:00:00Z")).as_deref(),
            Some("tomorrow at 09:00")
        );
        // The same instant is within New York's hours of another table.
        let new_york = weekdays_9_to_5("America/New_York");
        assert_eq!(
            humans_back(Some(&new_york), at("2026-12-04T17:00:00Z")),
            None
        );
        assert_eq!(humans_back(None, at("2026-12-05T12:00:00Z")), None);
    }

    #[test]
    fn hours_are_checked() {
        let mut problems = Vec::new();
        check_hours(
            &WorkingHours {
                timezone: "Mars/Olympus".to_owned(),
                days: vec![WorkingSpan {
                    day: Weekday::Monday,
                    start: "17:00".to_owned(),
                    end: "09:00".to_owned(),
                }],
            },
            &mut problems,
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(minutes("24:00"), Some(1440));
        assert_eq!(minutes("24:01"), None);
        assert_eq!(minutes("9:00"), None);
    }
}
