//! Analytics: the overview and timeseries from indexed SQL aggregates, and the daily insights
//! job.

use std::collections::{BTreeMap, HashMap};

use model::agent::analytics::{
    BucketSize, Insight, InsightList, InsightOfPeriod, Overview, TimeBucket, Timeseries, TopicCount,
};
use model::platform::users::Permission;
use store::{InsightRecord, WindowTotals};
use time::{Date, OffsetDateTime};

use crate::agent::Agent;
use crate::clock::DAY_MS;
use crate::{Caller, Error, Result, Services};

/// Most buckets one timeseries may have.
const MAX_BUCKETS: i64 = 1_000;
/// User messages read to find a day's topics.
const TOPIC_SAMPLE: i64 = 5_000;
const TOP_TOPICS: usize = 10;
/// Words too common to be topics.
const STOPWORDS: &[&str] = &[
    "about", "after", "again", "because", "before", "could", "doesn", "don't", "hello", "would",
    "should", "their", "there", "these", "thing", "think", "those", "where", "which", "while",
    "please", "thank", "thanks", "really", "right", "what's", "that's", "there's", "would",
];

impl Agent<'_> {
    /// Seed 000's overview for `[since, until)` (defaults: all time until now). Needs the app
    /// secret.
    pub async fn analytics_overview(
        &self,
        caller: &Caller,
        since: Option<i64>,
        until: Option<i64>,
    ) -> Result<Overview> {
        caller.require(Permission::AnalyticsRead)?;
        let (since, until) = window(since, until, self.now_ms())?;
        let store = self.store();
        let app_id = caller.app.id.as_str();
        let (totals, searches, open_gaps) = tokio::try_join!(
            store.window_totals(app_id, since, until, until.saturating_sub(DAY_MS)),
            store.knowledge_search_totals(app_id, since, until),
            store.open_knowledge_gaps(app_id),
        )?;
        let mut overview = overview(since, until, &totals);
        // As the seed: searches are counted in the window, open gaps over all time.
        overview.unresolved_gaps = open_gaps;
        overview.total_knowledge_searches = searches.searches;
        overview.avg_knowledge_score = searches.avg_top_score;
        overview.knowledge_gap_rate =
            (searches.searches > 0).then(|| searches.gaps as f64 / searches.searches as f64);
        Ok(overview)
    }

    /// Per-hour or per-day counts for charts. Needs the app secret.
    pub async fn analytics_timeseries(
        &self,
        caller: &Caller,
        since: Option<i64>,
        until: Option<i64>,
        bucket: BucketSize,
    ) -> Result<Timeseries> {
        caller.require(Permission::AnalyticsRead)?;
        let size = bucket.millis();
        let now = self.now_ms();
        let end = until.unwrap_or_else(|| end_after(now));
        let since = since.unwrap_or_else(|| end.saturating_sub(30 * DAY_MS).max(0));
        let (since, until) = window(Some(since), Some(end), now)?;
        // Whole buckets: from the one holding `since` to the one holding `until - 1`.
        let first = since.div_euclid(size) * size;
        let last = (until - 1).div_euclid(size) * size;
        if (last - first) / size + 1 > MAX_BUCKETS {
            return Err(Error::Invalid(format!(
                "At most {MAX_BUCKETS} buckets: narrow the window or use a larger bucket"
            )));
        }
        let counts = self
            .store()
            .timeseries(&caller.app.id, since, until, size)
            .await?;
        let buckets = (0..=(last - first) / size)
            .map(|i| {
                let start = first + i * size;
                let found = counts.get(&start).cloned().unwrap_or_default();
                TimeBucket {
                    start,
                    conversations: found.conversations,
                    resolved: found.resolved,
                    handoffs: found.handoffs,
                    tool_executions: found.tool_executions,
                    avg_csat: found.avg_csat,
                }
            })
            .collect();
        Ok(Timeseries {
            bucket,
            since,
            until,
            buckets,
        })
    }

    /// One day's insight (`YYYY-MM-DD`), or null if not computed. Needs the app secret.
    pub async fn insight(&self, caller: &Caller, period: &str) -> Result<InsightOfPeriod> {
        caller.require(Permission::AnalyticsRead)?;
        parse_day(period)?;
        let found = self
            .store()
            .list_insights(&caller.app.id, period, period, 1)
            .await?;
        Ok(InsightOfPeriod {
            insight: found.into_iter().next().map(to_insight),
        })
    }

    /// The latest days' insights (at most `limit`, default 30), optionally from/to a day.
    pub async fn insights(
        &self,
        caller: &Caller,
        from: Option<&str>,
        to: Option<&str>,
        limit: Option<i64>,
    ) -> Result<InsightList> {
        caller.require(Permission::AnalyticsRead)?;
        for day in [from, to].into_iter().flatten() {
            parse_day(day)?;
        }
        let records = self
            .store()
            .list_insights(
                &caller.app.id,
                from.unwrap_or("0000-00-00"),
                to.unwrap_or("9999-12-31"),
                limit.unwrap_or(30).clamp(1, 366),
            )
            .await?;
        Ok(InsightList {
            insights: records.into_iter().map(to_insight).collect(),
        })
    }

    /// Computes yesterday's and today's (UTC) insights of every active app; run periodically.
    /// Returns how many were written.
    pub async fn compute_daily_insights(&self) -> Result<usize> {
        let today = self.now_ms().div_euclid(DAY_MS) * DAY_MS;
        let mut written = 0;
        for app_id in self.store().active_app_ids().await? {
            for day_start in [today - DAY_MS, today] {
                self.compute_insight(&app_id, day_start).await?;
                written += 1;
            }
        }
        Ok(written)
    }
}

impl Services {
    /// One app's metrics for the UTC day starting at `day_start`.
    pub(crate) async fn compute_insight(&self, app_id: &str, day_start: i64) -> Result<()> {
        let day_end = day_start + DAY_MS;
        let totals = self
            .store()
            .window_totals(app_id, day_start, day_end, day_end)
            .await?;
        let day = overview(day_start, day_end, &totals);
        let texts = self
            .store()
            .user_message_texts(app_id, day_start, day_end, TOPIC_SAMPLE)
            .await?;
        let record = InsightRecord {
            app_id: app_id.to_owned(),
            period: day_label(day_start),
            total_conversations: day.total_conversations,
            resolution_rate: day.resolution_rate,
            handoff_rate: day.handoff_rate,
            avg_duration_ms: day.avg_duration_ms,
            avg_csat: day.avg_csat,
            top_topics: serde_json::to_value(top_topics(&texts)).unwrap_or_default(),
            tool_usage: serde_json::to_value(&day.tool_usage).unwrap_or_default(),
            tool_executions: day.total_tool_executions,
            guardrail_violations: day.total_guardrail_violations,
            computed_at: self.now_ms(),
        };
        self.store().upsert_insight(&record).await?;
        Ok(())
    }
}

/// The latest instant a window may name: the last millisecond of the year 9999.
pub(crate) const MAX_INSTANT_MS: i64 = 253_402_300_799_999;

/// `[since, until)` with their defaults (all time, up to and including `now`), checked: both
/// from 0 to [`MAX_INSTANT_MS`], in order; `since` after `until` is a 400.
pub(crate) fn window(since: Option<i64>, until: Option<i64>, now: i64) -> Result<(i64, i64)> {
    let until = until.unwrap_or_else(|| end_after(now));
    let since = since.unwrap_or(0);
    if !(0..=MAX_INSTANT_MS).contains(&since) || !(0..=MAX_INSTANT_MS).contains(&until) {
        return Err(Error::Invalid(format!(
            "since and until must be 0 to {MAX_INSTANT_MS} (ms since the epoch)"
        )));
    }
    if since > until {
        return Err(Error::Invalid("since must not be after until".to_owned()));
    }
    Ok((since, until))
}

/// The exclusive end of a window that holds `now`: what was recorded in this very millisecond is
/// counted too.
pub(crate) fn end_after(now: i64) -> i64 {
    now.saturating_add(1)
}

fn overview(since: i64, until: i64, totals: &WindowTotals) -> Overview {
    let c = &totals.conversations;
    let rate = |part: i64, whole: i64| {
        if whole > 0 {
            part as f64 / whole as f64
        } else {
            0.0
        }
    };
    let executions: i64 = totals.tools.iter().map(|t| t.executions).sum();
    let successes: i64 = totals.tools.iter().map(|t| t.successes).sum();
    Overview {
        since,
        until,
        total_conversations: c.total,
        resolution_rate: rate(c.resolved, c.total),
        handoff_rate: rate(c.handed_off, c.total),
        avg_csat: totals.avg_csat,
        avg_duration_ms: if c.ended > 0 {
            c.duration_sum_ms / c.ended
        } else {
            0
        },
        tool_success_rate: (executions > 0).then(|| successes as f64 / executions as f64),
        tool_usage: totals
            .tools
            .iter()
            .map(|t| (t.tool_name.clone(), t.executions))
            .collect(),
        total_tool_executions: executions,
        total_guardrail_violations: totals.violations,
        pending_handoffs: totals.handoffs.pending,
        // Filled in by the overview; daily insights do not report knowledge.
        unresolved_gaps: 0,
        avg_knowledge_score: None,
        knowledge_gap_rate: None,
        total_knowledge_searches: 0,
        conversations_last_24h: c.recent,
        handoffs_last_24h: totals.handoffs.recent,
    }
}

/// The most frequent words longer than four letters, stopwords aside.
fn top_topics(texts: &[String]) -> Vec<TopicCount> {
    let mut counts: HashMap<String, i64> = HashMap::new();
    for text in texts {
        for word in text
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(|w| w.trim_matches('\'').to_lowercase())
            .filter(|w| w.chars().count() > 4 && !STOPWORDS.contains(&w.as_str()))
        {
            *counts.entry(word).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, i64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked
        .into_iter()
        .take(TOP_TOPICS)
        .map(|(topic, count)| TopicCount { topic, count })
        .collect()
}

fn parse_day(day: &str) -> Result<Date> {
    let invalid = || Error::Invalid(format!("{day:?} is not a day in YYYY-MM-DD form"));
    let mut parts = day.split('-');
    let (Some(year), Some(month), Some(date), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if (year.len(), month.len(), date.len()) != (4, 2, 2) {
        return Err(invalid());
    }
    let number = |text: &str| text.parse::<u16>().map_err(|_| invalid());
    let month = time::Month::try_from(u8::try_from(number(month)?).map_err(|_| invalid())?)
        .map_err(|_| invalid())?;
    let date = u8::try_from(number(date)?).map_err(|_| invalid())?;
    Date::from_calendar_date(i32::from(number(year)?), month, date).map_err(|_| invalid())
}

fn day_label(day_start: i64) -> String {
    OffsetDateTime::from_unix_timestamp(day_start / 1_000)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

fn to_insight(record: InsightRecord) -> Insight {
    Insight {
        period: record.period,
        total_conversations: record.total_conversations,
        resolution_rate: record.resolution_rate,
        handoff_rate: record.handoff_rate,
        avg_duration_ms: record.avg_duration_ms,
        avg_csat: record.avg_csat,
        top_topics: serde_json::from_value(record.top_topics).unwrap_or_default(),
        tool_usage: serde_json::from_value::<BTreeMap<String, i64>>(record.tool_usage)
            .unwrap_or_default(),
        tool_executions: record.tool_executions,
        guardrail_violations: record.guardrail_violations,
        computed_at: record.computed_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_frequent_long_words() {
        let texts = vec![
            "My refund never arrived".to_owned(),
            "Where is my REFUND? The order was cancelled".to_owned(),
            "order status please".to_owned(),
        ];
        let topics = top_topics(&texts);
        let topic = |topic: &str, count| TopicCount {
            topic: topic.to_owned(),
            count,
        };
        assert_eq!(topics[..2], [topic("order", 2), topic("refund", 2)]);
        assert!(
            topics
                .iter()
                .all(|t| t.topic != "please" && t.topic != "where")
        );
    }

    #[test]
    fn a_window_without_an_end_holds_what_was_recorded_this_millisecond() {
        assert_eq!(window(None, None, 5_000).unwrap(), (0, 5_001));
        assert_eq!(
            window(Some(4_000), Some(4_500), 5_000).unwrap(),
            (4_000, 4_500)
        );
        assert!(window(Some(4_000), Some(3_000), 5_000).is_err());
    }

    #[test]
    fn days_are_utc_calendar_days() {
        assert_eq!(day_label(1_700_006_400_000), "2023-11-15");
        assert!(parse_day("2023-11-15").is_ok());
        assert!(parse_day("2023-13-01").is_err());
        assert!(parse_day("yesterday").is_err());
    }
}
