//! AI answers in chat: when a visitor writes in a chat no human has answered, the app's AI
//! agent answers from its published public articles (the knowledge base's search, limited to
//! what end users may read and to the agent's collections), citing them; or hands the chat to a
//! human with its handoff message, marking it for the Inbox's "needs human" filter.
//!
//! The server decides when the AI speaks, from what it stored: the widget cannot trigger it,
//! forge its record or its confidence (opencom's flaws 6.1). Once a member has replied, or the
//! AI has handed off, the AI stays silent in that conversation.

use std::sync::Arc;
use std::time::Instant;

use model::agent::knowledge::{SearchKnowledge, SearchMode, SearchResult};
use model::desk::ai_agent::{AiAgentSettings, AiHandoffReason, AiSource, KNOWLEDGE_RESPONDER};
use model::desk::conversations::SenderKind;
use model::platform::apps::App;
use store::{AiAnswerRecord, DeskMessageRecord};

use crate::bridge::help_center::article_path;
use crate::desk::Visitor;
use crate::desk::ai_agent::humans_back;
use crate::desk::help_center::{forest, to_collection};
use crate::ids::new_id;
use crate::ports::ChatTurn;
use crate::{Error, Result, Services};

/// The threshold when neither the AI agent, the app nor the embedding model gives one.
const DEFAULT_THRESHOLD: f64 = 0.5;
/// Passages retrieved for an answer; the cited articles come from these.
const ANSWER_PASSAGES: i64 = 4;
/// Articles an answer cites at most.
const MAX_SOURCES: usize = 3;
/// Characters of the best passage the knowledge responder answers with.
const ANSWER_CHARS: usize = 480;
/// Said, before the handoff message, when the answer could not be generated.
const FALLBACK: &str = "Sorry, I'm having trouble answering right now.";
/// What a model says when its sources do not answer the question (the system prompt asks for
/// it); such an answer hands off.
const NO_ANSWER: &str = "NO_ANSWER";

/// What the AI did with a visitor's message.
#[derive(Clone, Debug, PartialEq)]
pub enum AiOutcome {
    /// AI answers are off, a member has replied, or the chat waits for a human already.
    Silent,
    Answered,
    HandedOff(AiHandoffReason),
}

impl Services {
    /// Answers the visitor's message in the background: the visitor's request does not wait
    /// for retrieval or a model. Failures are logged; the conversation then simply waits for a
    /// human, as without AI.
    pub(crate) fn answer_in_background(
        &self,
        visitor: &Visitor,
        conversation_id: &str,
        question: &str,
    ) {
        let services = self.clone();
        let app = visitor.app.clone();
        let conversation_id = conversation_id.to_owned();
        let question = question.to_owned();
        tokio::spawn(async move {
            if let Err(error) = services
                .answer_in_chat(&app, &conversation_id, &question, Instant::now())
                .await
            {
                tracing::warn!(%error, conversation = %conversation_id, "AI answer failed");
            }
        });
    }

    /// The AI's turn after a visitor's `question` in a chat: an answer citing articles, a
    /// handoff to a human, or nothing. `asked` is when the visitor's message arrived, for the
    /// recorded latency.
    pub(crate) async fn answer_in_chat(
        &self,
        app: &Arc<App>,
        conversation_id: &str,
        question: &str,
        asked: Instant,
    ) -> Result<AiOutcome> {
        let settings = self.ai_settings_of(&app.id).await?;
        if !settings.enabled {
            return Ok(AiOutcome::Silent);
        }
        let Some(conversation) = self.store().desk_conversation(conversation_id).await? else {
            return Ok(AiOutcome::Silent);
        };
        if conversation.app_id != app.id
            || conversation.channel != "chat"
            || conversation.needs_human
        {
            return Ok(AiOutcome::Silent);
        }
        let turn = Turn {
            app,
            settings: &settings,
            conversation_id,
            question,
            asked,
        };
        if asks_for_human(question) {
            return self
                .hand_off(&turn, AiHandoffReason::AskedForHuman, 0.0, Vec::new())
                .await;
        }
        let found = match self.retrieve_for_answer(&turn).await {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "AI answer: retrieval failed");
                return self
                    .hand_off(&turn, AiHandoffReason::Failed, 0.0, Vec::new())
                    .await;
            }
        };
        let threshold = self.answer_threshold(app, &settings);
        let confidence = found.first().map_or(0.0, |best| best.score);
        let sources = self.sources(app, &found, threshold).await;
        if confidence < threshold || sources.is_empty() {
            return self
                .hand_off(&turn, AiHandoffReason::LowConfidence, confidence, sources)
                .await;
        }
        let generated = if settings.model == KNOWLEDGE_RESPONDER {
            Ok(excerpt(&found[0].content))
        } else {
            self.generate(&settings.model, question, &found).await
        };
        match generated {
            Ok(answer) if cannot_answer(&answer) => {
                self.hand_off(&turn, AiHandoffReason::LowConfidence, confidence, sources)
                    .await
            }
            Ok(answer) => {
                self.post_turn(&turn, answer, confidence, sources, None)
                    .await
            }
            Err(error) => {
                tracing::warn!(%error, model = %settings.model, "AI answer: generation failed");
                self.hand_off(&turn, AiHandoffReason::Failed, confidence, sources)
                    .await
            }
        }
    }

    /// The visitor rates one of the AI's turns in their conversation. An unhelpful answer
    /// records its question as a knowledge gap, so the team sees what the articles miss.
    pub async fn rate_ai_answer(
        &self,
        visitor: &Visitor,
        conversation_id: &str,
        message_id: &str,
        helpful: bool,
    ) -> Result<()> {
        let conversation = self
            .desk()
            .visitor_conversation(visitor, conversation_id)
            .await?;
        let answer = self
            .store()
            .ai_answer(message_id)
            .await?
            .filter(|a| a.conversation_id == conversation.id)
            .ok_or(Error::NotFound("AI answer"))?;
        let first_rating = answer.helpful.is_none();
        self.store().rate_ai_answer(message_id, helpful).await?;
        if !helpful && first_rating {
            self.record_unanswered_question(
                &visitor.app.id,
                &answer.question,
                answer.confidence,
                conversation_id,
            )
            .await?;
        }
        Ok(())
    }

    /// The confidence an answer needs: the AI agent's threshold, else the knowledge base's (the
    /// app's `knowledgeThreshold`, else the embedding model's calibrated default).
    fn answer_threshold(&self, app: &App, settings: &AiAgentSettings) -> f64 {
        settings
            .confidence_threshold
            .or(app.settings.knowledge_threshold)
            .unwrap_or_else(|| {
                self.embedder()
                    .map_or(DEFAULT_THRESHOLD, |embedder| embedder.default_threshold())
            })
    }

    /// Published public passages for the question, from the AI's collections (and their
    /// subcollections) when it has any; best first. Logged against the conversation, so a
    /// question nothing answers becomes a knowledge gap.
    async fn retrieve_for_answer(&self, turn: &Turn<'_>) -> Result<Vec<SearchResult>> {
        let collections = if turn.settings.collection_ids.is_empty() {
            None
        } else {
            let all = self
                .store()
                .list_collections(&turn.app.id)
                .await?
                .into_iter()
                .map(to_collection)
                .collect();
            let mut chosen = Vec::new();
            collect_chosen(
                &forest(all),
                &turn.settings.collection_ids,
                false,
                &mut chosen,
            );
            Some(chosen)
        };
        let input = SearchKnowledge {
            query: turn.question.chars().take(1_000).collect(),
            top_k: Some(ANSWER_PASSAGES),
            session_id: Some(turn.conversation_id.to_owned()),
            mode: Some(SearchMode::Hybrid),
            ..SearchKnowledge::default()
        };
        let found = self
            .search_public_articles(turn.app, input, collections.as_deref())
            .await?;
        Ok(found.results)
    }

    /// The articles of the passages at or above the threshold, each once, best first.
    async fn sources(&self, app: &App, found: &[SearchResult], threshold: f64) -> Vec<AiSource> {
        let mut sources: Vec<AiSource> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for hit in found.iter().filter(|hit| hit.score >= threshold) {
            if seen.contains(&hit.id.as_str()) || sources.len() >= MAX_SOURCES {
                continue;
            }
            seen.push(&hit.id);
            if let Ok(Some(article)) = self.store().knowledge_document(&app.id, &hit.id).await {
                sources.push(AiSource {
                    url: article_path(&app.slug, &article.slug),
                    title: article.title,
                    slug: article.slug,
                });
            }
        }
        sources
    }

    /// An answer from the app's model, grounded in the passages.
    async fn generate(
        &self,
        model: &str,
        question: &str,
        found: &[SearchResult],
    ) -> Result<String> {
        let model = model.strip_prefix("openai/").unwrap_or(model);
        let context: String = found
            .iter()
            .enumerate()
            .map(|(i, hit)| format!("[Source {}: {}]\n{}\n\n", i + 1, hit.title, hit.content))
            .collect();
        let turns = [
            ChatTurn {
                role: "system",
                content: format!(
                    "You answer a customer's question in a support chat, using only the \
                     sources below. Be brief and friendly, and name the titles of the sources \
                     you use. If the sources do not answer the question, reply with exactly \
                     {NO_ANSWER} and nothing else. Offer a human only if the customer asks for \
                     one.\n\n{context}"
                ),
            },
            ChatTurn {
                role: "user",
                content: question.to_owned(),
            },
        ];
        let answer = self.ports().chat.complete(model, &turns).await?;
        if answer.trim().is_empty() {
            return Err(Error::Upstream("the model answered nothing".to_owned()));
        }
        Ok(answer.trim().to_owned())
    }

    /// Says the handoff message (with when humans are back, outside working hours) and marks
    /// the conversation for a human.
    async fn hand_off(
        &self,
        turn: &Turn<'_>,
        reason: AiHandoffReason,
        confidence: f64,
        sources: Vec<AiSource>,
    ) -> Result<AiOutcome> {
        let mut message = turn.settings.handoff_message.clone();
        if reason == AiHandoffReason::Failed {
            message = format!("{FALLBACK} {message}");
        }
        let hours = turn.settings.working_hours.as_ref();
        if let (Some(back), Some(hours)) = (humans_back(hours, self.now_ms()), hours) {
            message = format!(
                "{message} Our team is away right now and will be back {back} ({}).",
                hours.timezone
            );
        }
        self.post_turn(turn, message, confidence, sources, Some(reason))
            .await
    }

    /// Posts the AI's message with its record, unless a member replied meanwhile.
    async fn post_turn(
        &self,
        turn: &Turn<'_>,
        body: String,
        confidence: f64,
        sources: Vec<AiSource>,
        handoff: Option<AiHandoffReason>,
    ) -> Result<AiOutcome> {
        let now = self.now_ms();
        let message = DeskMessageRecord {
            id: new_id(),
            conversation_id: turn.conversation_id.to_owned(),
            sender_kind: SenderKind::Bot.as_str().to_owned(),
            sender_id: None,
            body,
            internal: false,
            created_at: now,
        };
        let record = AiAnswerRecord {
            message_id: message.id.clone(),
            conversation_id: turn.conversation_id.to_owned(),
            app_id: turn.app.id.clone(),
            question: turn.question.to_owned(),
            confidence,
            sources: serde_json::to_value(&sources).unwrap_or_default(),
            model: turn.settings.model.clone(),
            latency_ms: i64::try_from(turn.asked.elapsed().as_millis()).unwrap_or(i64::MAX),
            handed_off: handoff.is_some(),
            handoff_reason: handoff.map(|r| r.as_str().to_owned()),
            helpful: None,
            created_at: now,
        };
        if !self.store().insert_ai_turn(&message, &record).await? {
            return Ok(AiOutcome::Silent);
        }
        self.publish_desk(turn.conversation_id, Some(&message))
            .await;
        Ok(match handoff {
            Some(reason) => AiOutcome::HandedOff(reason),
            None => AiOutcome::Answered,
        })
    }
}

/// One AI turn's inputs.
struct Turn<'a> {
    app: &'a Arc<App>,
    settings: &'a AiAgentSettings,
    conversation_id: &'a str,
    question: &'a str,
    asked: Instant,
}

/// The ids of the chosen collections and of everything under them.
fn collect_chosen(
    nodes: &[model::desk::help_center::CollectionNode],
    chosen: &[String],
    inside: bool,
    out: &mut Vec<String>,
) {
    for node in nodes {
        let picked = inside || chosen.contains(&node.collection.id);
        if picked {
            out.push(node.collection.id.clone());
        }
        collect_chosen(&node.children, chosen, picked, out);
    }
}

/// Whether the visitor asks for a person: explicit requests only, so that "is one item per
/// person allowed?" or "my agent code" are questions, not handoffs.
pub fn asks_for_human(text: &str) -> bool {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let pair = |a: &str, b: &[&str]| {
        words
            .windows(2)
            .any(|p| p[0] == a && b.contains(&p[1].as_str()))
    };
    has("human")
        || has("humans")
        || has("representative")
        || has("operator")
        || pair("real", &["person", "people", "agent"])
        || pair("live", &["person", "agent", "support"])
        || pair("actual", &["person", "people"])
        || pair("support", &["agent", "team", "staff"])
        || words.windows(3).any(|w| {
            ["talk", "speak", "chat"].contains(&w[0].as_str())
                && ["to", "with"].contains(&w[1].as_str())
                && ["someone", "somebody", "agent", "staff", "person"].contains(&w[2].as_str())
        })
}

/// Whether a generated answer says the sources do not answer the question. An answer that
/// merely offers a human is an answer, not a handoff.
fn cannot_answer(answer: &str) -> bool {
    let lower = answer.to_lowercase();
    answer.contains(NO_ANSWER)
        || [
            "i don't have enough information",
            "i do not have enough information",
            "i cannot find",
            "i can't find",
            "i don't know",
        ]
        .iter()
        .any(|phrase| lower.contains(phrase))
}

/// The knowledge responder's answer: the best passage's first sentences, without Markdown
/// marks, cut at a sentence end.
fn excerpt(passage: &str) -> String {
    let text: String = passage
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(|line| line.trim_start_matches(['>', '-', '*', ' ']))
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['*', '_', '`'], "");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= ANSWER_CHARS {
        return text;
    }
    let head: String = text.chars().take(ANSWER_CHARS).collect();
    match head.rfind(['.', '!', '?']) {
        Some(end) if end > ANSWER_CHARS / 3 => head[..=end].to_owned(),
        _ => format!("{}…", head.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_explicit_requests_ask_for_a_human() {
        for asks in [
            "Can I talk to a human?",
            "human please",
            "I want a real person",
            "connect me to a representative",
            "can I speak with someone",
            "live agent",
        ] {
            assert!(asks_for_human(asks), "{asks}");
        }
        for question in [
            "Is one item per person allowed?",
            "What is my agent code?",
            "Where is my billing address?",
            "How do refunds work?",
        ] {
            assert!(!asks_for_human(question), "{question}");
        }
    }

    #[test]
    fn an_answer_that_offers_a_human_is_still_an_answer() {
        assert!(!cannot_answer(
            "Refunds take five days (Refund policy). If you need more help, I can connect you \
             with a human agent."
        ));
        assert!(cannot_answer("NO_ANSWER"));
        assert!(cannot_answer(
            "I don't have enough information to answer that."
        ));
    }

    #[test]
    fn the_knowledge_responder_says_the_passage_s_first_sentences() {
        assert_eq!(
            excerpt("## Refunds\n\n**Refunds** arrive within five days."),
            "Refunds arrive within five days."
        );
        let long = "Sentence one is here. ".repeat(40);
        let cut = excerpt(&long);
        assert!(
            cut.ends_with('.') && cut.chars().count() <= ANSWER_CHARS,
            "{cut}"
        );
    }
}
