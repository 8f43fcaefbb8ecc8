//! Tickets: created by a member, filed by a visitor through the widget, or converted from a
//! conversation (once). Their status follows [`TicketStatus::can_become`]; a visitor's comment
//! on a ticket waiting on them puts it back in progress. Authors are who the server
//! authenticated; internal comments never reach the visitor. A form's data is checked against
//! its fields.

use model::desk::conversations::{SenderKind, WriteMessage};
use model::desk::tickets::{
    CreateTicket, CreateTicketForm, FieldType, FormField, Priority, Ticket, TicketComment,
    TicketDetail, TicketForm, TicketFormList, TicketList, TicketPage, TicketPatch, TicketQuery,
    TicketStatus, VisitorTicket, WriteComment,
};
use model::platform::users::Permission;
use serde_json::{Map, Value};
use store::{StoreError, TicketCommentRecord, TicketFilter, TicketFormRecord, TicketRecord};

use crate::desk::conversations::checked_text;
use crate::desk::{Desk, Visitor};
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Actor, Error, FieldError, Result};

const MAX_SUBJECT_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 10_000;
const MAX_SUMMARY_CHARS: usize = 5_000;
const CONVERTED_SUBJECT: &str = "Ticket from conversation";
/// Tickets the widget lists for a visitor.
const VISITOR_TICKETS: i64 = 50;
const MAX_FORM_FIELDS: usize = 30;
const MAX_FIELD_OPTIONS: usize = 50;
const MAX_ANSWER_CHARS: usize = 10_000;

fn to_ticket(record: TicketRecord) -> Ticket {
    Ticket {
        status: TicketStatus::parse(&record.status).unwrap_or(TicketStatus::Submitted),
        priority: Priority::parse(&record.priority).unwrap_or_default(),
        id: record.id,
        workspace_id: record.workspace_id,
        contact_id: record.contact_id,
        conversation_id: record.conversation_id,
        subject: record.subject,
        description: record.description,
        assignee_id: record.assignee_id,
        form_id: record.form_id,
        form_data: record.form_data,
        resolution_summary: record.resolution_summary,
        resolved_at: record.resolved_at,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn to_comment(record: TicketCommentRecord) -> TicketComment {
    TicketComment {
        id: record.id,
        ticket_id: record.ticket_id,
        author: SenderKind::parse(&record.author_kind).unwrap_or(SenderKind::Bot),
        body: record.body,
        internal: record.internal,
        created_at: record.created_at,
    }
}

fn to_form(record: TicketFormRecord) -> TicketForm {
    TicketForm {
        fields: serde_json::from_value(record.fields).unwrap_or_default(),
        id: record.id,
        workspace_id: record.workspace_id,
        name: record.name,
        description: record.description,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

/// The answers `data` gives to `fields`: every required field answered, each answer of its
/// field's type (a choice among its options), no answer to a field the form lacks.
pub fn check_form_data(fields: &[FormField], data: &Map<String, Value>) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut fail = |id: &str, message: &str| {
        problems.push(FieldError::new(format!("formData.{id}"), message));
    };
    for key in data.keys() {
        if !fields.iter().any(|field| field.id == *key) {
            fail(key, "is not a field of the form");
        }
    }
    for field in fields {
        let answer = data.get(&field.id).filter(|value| !is_blank(value));
        let Some(answer) = answer else {
            if field.required {
                fail(&field.id, "is required");
            }
            continue;
        };
        let valid = match field.field_type {
            FieldType::Text | FieldType::Textarea => answer
                .as_str()
                .is_some_and(|text| text.chars().count() <= MAX_ANSWER_CHARS),
            FieldType::Number => answer.is_number(),
            FieldType::Date => answer
                .as_str()
                .is_some_and(|text| text.parse::<jiff::civil::Date>().is_ok()),
            FieldType::Select => answer
                .as_str()
                .is_some_and(|choice| field.options.iter().any(|option| option == choice)),
            FieldType::MultiSelect => answer.as_array().is_some_and(|choices| {
                choices.iter().all(|choice| {
                    choice
                        .as_str()
                        .is_some_and(|choice| field.options.iter().any(|option| option == choice))
                })
            }),
        };
        if !valid {
            let expected = match field.field_type {
                FieldType::Text | FieldType::Textarea => {
                    "must be text of at most 10,000 characters"
                }
                FieldType::Number => "must be a number",
                FieldType::Date => "must be a date like 2026-12-31",
                FieldType::Select => "must be one of the field's options",
                FieldType::MultiSelect => "must be a list of the field's options",
            };
            fail(&field.id, expected);
        }
    }
    problems
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn check_form_fields(fields: &[FormField], checks: &mut Checks) {
    if fields.is_empty() || fields.len() > MAX_FORM_FIELDS {
        checks.fail("fields", format!("must hold 1–{MAX_FORM_FIELDS} fields"));
    }
    for (index, field) in fields.iter().enumerate() {
        let valid_id = (1..=64).contains(&field.id.len())
            && field
                .id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !valid_id {
            checks.fail(
                format!("fields[{index}].id"),
                "must be 1–64 letters, digits, - or _",
            );
        }
        if fields[..index].iter().any(|other| other.id == field.id) {
            checks.fail(format!("fields[{index}].id"), "is used by another field");
        }
        checks.text(format!("fields[{index}].label"), field.label.trim(), 1, 100);
        let choices = matches!(field.field_type, FieldType::Select | FieldType::MultiSelect);
        if choices && !(1..=MAX_FIELD_OPTIONS).contains(&field.options.len()) {
            checks.fail(
                format!("fields[{index}].options"),
                format!("a choice needs 1–{MAX_FIELD_OPTIONS} options"),
            );
        }
        if !choices && !field.options.is_empty() {
            checks.fail(
                format!("fields[{index}].options"),
                "only select and multi-select fields have options",
            );
        }
        for (position, option) in field.options.iter().enumerate() {
            checks.text(
                format!("fields[{index}].options[{position}]"),
                option.trim(),
                1,
                100,
            );
        }
    }
}

/// Subject and description, trimmed; problems go to `checks`.
fn checked_subject(
    subject: &str,
    description: Option<String>,
    checks: &mut Checks,
) -> (String, Option<String>) {
    let subject = subject.trim().to_owned();
    checks.text("subject", &subject, 1, MAX_SUBJECT_CHARS);
    let description = description
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    checks.optional_text("description", description.as_deref(), MAX_DESCRIPTION_CHARS);
    (subject, description)
}

impl Desk<'_> {
    /// A page of a workspace's tickets, newest first (needs `conversations.read`).
    pub async fn tickets(&self, actor: &Actor, query: TicketQuery) -> Result<TicketPage> {
        let workspace_id = self
            .desk_workspace(actor, query.workspace_id, Permission::ConversationsRead)
            .await?;
        if let Some(status) = &query.status
            && TicketStatus::parse(status).is_none()
        {
            return Err(Error::InvalidFields(vec![FieldError::new(
                "status",
                "must be submitted, in_progress, waiting_on_customer or resolved",
            )]));
        }
        let me = actor.user_id().unwrap_or_default();
        let assignee = match query.assignee.as_deref() {
            None | Some("") => None,
            Some("none") => Some(None),
            Some("me") => Some(Some(me)),
            Some(id) => Some(Some(id)),
        };
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 25, 100)?;
        let records = self
            .store()
            .list_tickets(&TicketFilter {
                workspace_id: &workspace_id,
                status: query.status.as_deref(),
                assignee,
                after: paging.after(),
                limit: paging.fetch(),
            })
            .await?;
        let (records, next_cursor) =
            paging.page(records, |record| (record.created_at, record.id.as_str()));
        Ok(TicketPage {
            tickets: records.into_iter().map(to_ticket).collect(),
            next_cursor,
        })
    }

    /// A ticket with every comment, internal ones included, and its form.
    pub async fn ticket(&self, actor: &Actor, id: &str) -> Result<TicketDetail> {
        let record = self
            .member_ticket(actor, id, Permission::ConversationsRead)
            .await?;
        self.ticket_detail(record, true).await
    }

    /// Creates a ticket (`tickets.manage`), or converts a conversation into one: the ticket
    /// takes its contact, and a conversation converts once (409 the second time).
    pub async fn create_ticket(&self, actor: &Actor, input: CreateTicket) -> Result<Ticket> {
        let (workspace_id, conversation) = match &input.conversation_id {
            Some(conversation_id) => {
                let conversation = self
                    .member_conversation(actor, conversation_id, Permission::TicketsManage)
                    .await?;
                (conversation.workspace_id.clone(), Some(conversation))
            }
            None => (
                self.desk_workspace(actor, input.workspace_id.clone(), Permission::TicketsManage)
                    .await?,
                None,
            ),
        };
        if let Some(conversation) = &conversation
            && self
                .store()
                .ticket_of_conversation(&conversation.id)
                .await?
                .is_some()
        {
            return Err(Error::Conflict(
                "This conversation was converted to a ticket already".to_owned(),
            ));
        }
        let mut checks = Checks::new();
        let subject = match (&input.subject, &conversation) {
            (Some(subject), _) => subject.clone(),
            (None, Some(_)) => CONVERTED_SUBJECT.to_owned(),
            (None, None) => String::new(),
        };
        let (subject, description) = checked_subject(&subject, input.description, &mut checks);
        let contact_id = match (&conversation, input.contact_id) {
            (Some(conversation), _) => Some(conversation.contact_id.clone()),
            (None, Some(contact_id)) => {
                let contact = self.store().contact_by_id(&contact_id).await?;
                if contact.is_none_or(|contact| contact.workspace_id != workspace_id) {
                    checks.fail("contactId", "is not a contact of this workspace");
                }
                Some(contact_id)
            }
            (None, None) => None,
        };
        if let Some(assignee) = &input.assignee_id
            && self
                .store()
                .workspace_member(&workspace_id, assignee)
                .await?
                .is_none()
        {
            checks.fail("assigneeId", "is not a member of this workspace");
        }
        let form_id = self
            .checked_form(
                &workspace_id,
                input.form_id,
                input.form_data.as_ref(),
                &mut checks,
            )
            .await?;
        checks.finish()?;
        // A converted conversation passes on its assignee and (a handoff's) priority.
        let assignee_id = input.assignee_id.or_else(|| {
            conversation
                .as_ref()
                .and_then(|conversation| conversation.assignee_id.clone())
        });
        let priority = input.priority.unwrap_or_else(|| {
            conversation
                .as_ref()
                .and_then(|conversation| conversation.priority.as_deref())
                .and_then(Priority::parse)
                .unwrap_or_default()
        });
        let now = self.now_ms();
        let record = TicketRecord {
            id: new_id(),
            workspace_id,
            contact_id,
            conversation_id: conversation.map(|conversation| conversation.id),
            subject,
            description,
            status: TicketStatus::Submitted.as_str().to_owned(),
            priority: priority.as_str().to_owned(),
            assignee_id,
            form_id,
            form_data: input.form_data,
            resolution_summary: None,
            resolved_at: None,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .insert_ticket(&record)
            .await
            .map_err(|err| match err {
                StoreError::UniqueViolation => Error::Conflict(
                    "This conversation was converted to a ticket already".to_owned(),
                ),
                other => other.into(),
            })?;
        Ok(to_ticket(record))
    }

    /// Changes a ticket's status (along the transitions), priority or assignee. Resolving
    /// records `resolvedAt` and the summary (also as a public comment); reopening clears them.
    pub async fn update_ticket(
        &self,
        actor: &Actor,
        id: &str,
        patch: TicketPatch,
    ) -> Result<Ticket> {
        let before = self
            .member_ticket(actor, id, Permission::TicketsManage)
            .await?;
        let now = self.now_ms().max(before.updated_at + 1);
        let mut after = TicketRecord {
            updated_at: now,
            ..before.clone()
        };
        let mut checks = Checks::new();
        let summary = patch
            .resolution_summary
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
        checks.optional_text("resolutionSummary", summary.as_deref(), MAX_SUMMARY_CHARS);
        if summary.is_some() && patch.status != Some(TicketStatus::Resolved) {
            checks.fail("resolutionSummary", "goes with status: resolved");
        }
        if let Some(Some(assignee)) = &patch.assignee_id
            && self
                .store()
                .workspace_member(&before.workspace_id, assignee)
                .await?
                .is_none()
        {
            checks.fail("assigneeId", "is not a member of this ticket's workspace");
        }
        checks.finish()?;
        let mut comment = None;
        if let Some(to) = patch.status {
            let from = TicketStatus::parse(&before.status).unwrap_or(TicketStatus::Submitted);
            if from != to && !from.can_become(to) {
                return Err(Error::InvalidTransition {
                    what: "ticket",
                    from: from.as_str(),
                    to: to.as_str(),
                });
            }
            after.status = to.as_str().to_owned();
            if to == TicketStatus::Resolved && from != to {
                after.resolved_at = Some(now);
                after.resolution_summary = summary.clone();
                comment = Some(TicketCommentRecord {
                    id: new_id(),
                    ticket_id: before.id.clone(),
                    author_kind: SenderKind::Bot.as_str().to_owned(),
                    author_id: None,
                    body: match &summary {
                        Some(summary) => format!("Ticket resolved: {summary}"),
                        None => "Ticket resolved".to_owned(),
                    },
                    internal: false,
                    created_at: now,
                });
            } else if to != TicketStatus::Resolved {
                after.resolved_at = None;
                after.resolution_summary = None;
            }
        }
        if let Some(priority) = patch.priority {
            after.priority = priority.as_str().to_owned();
        }
        if let Some(assignee) = patch.assignee_id {
            after.assignee_id = assignee;
        }
        if !self
            .store()
            .update_ticket_if(&before, &after, comment.as_ref())
            .await?
        {
            return Err(Error::Conflict(
                "The ticket changed meanwhile: load it again".to_owned(),
            ));
        }
        Ok(to_ticket(after))
    }

    /// A member's comment, public or internal (`tickets.manage`).
    pub async fn comment_on_ticket(
        &self,
        actor: &Actor,
        id: &str,
        input: WriteComment,
    ) -> Result<TicketComment> {
        let body = checked_text(input.body)?;
        let ticket = self
            .member_ticket(actor, id, Permission::TicketsManage)
            .await?;
        let record = TicketCommentRecord {
            id: new_id(),
            ticket_id: ticket.id,
            author_kind: SenderKind::Agent.as_str().to_owned(),
            author_id: actor.user_id().map(str::to_owned),
            body,
            internal: input.internal,
            created_at: self.now_ms(),
        };
        self.store().insert_ticket_comment(&record).await?;
        Ok(to_comment(record))
    }

    /// A workspace's ticket forms.
    pub async fn ticket_forms(
        &self,
        actor: &Actor,
        workspace_id: Option<String>,
    ) -> Result<TicketFormList> {
        let workspace_id = self
            .desk_workspace(actor, workspace_id, Permission::ConversationsRead)
            .await?;
        self.forms_of(&workspace_id).await
    }

    pub async fn create_ticket_form(
        &self,
        actor: &Actor,
        input: CreateTicketForm,
    ) -> Result<TicketForm> {
        let workspace_id = self
            .desk_workspace(actor, input.workspace_id, Permission::TicketsManage)
            .await?;
        let mut checks = Checks::new();
        let name = input.name.trim().to_owned();
        checks.text("name", &name, 1, 100);
        let description = input
            .description
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
        checks.optional_text("description", description.as_deref(), 1_000);
        check_form_fields(&input.fields, &mut checks);
        checks.finish()?;
        let fields: Vec<FormField> = input
            .fields
            .into_iter()
            .map(|field| FormField {
                label: field.label.trim().to_owned(),
                options: field
                    .options
                    .into_iter()
                    .map(|option| option.trim().to_owned())
                    .collect(),
                ..field
            })
            .collect();
        let now = self.now_ms();
        let record = TicketFormRecord {
            id: new_id(),
            workspace_id,
            name,
            description,
            fields: serde_json::to_value(&fields)
                .map_err(|err| Error::Invalid(format!("fields: {err}")))?,
            created_at: now,
            updated_at: now,
        };
        self.store().insert_ticket_form(&record).await?;
        Ok(to_form(record))
    }

    /// Deletes a form; its tickets keep their data.
    pub async fn delete_ticket_form(&self, actor: &Actor, id: &str) -> Result<()> {
        let form = self
            .store()
            .ticket_form(id)
            .await?
            .ok_or(Error::NotFound("ticket form"))?;
        actor.require_for(&form.workspace_id, Permission::TicketsManage, "ticket form")?;
        self.store().delete_ticket_form(&form.id).await?;
        Ok(())
    }

    /// The visitor's tickets, newest first.
    pub async fn visitor_tickets(&self, visitor: &Visitor) -> Result<TicketList> {
        let records = self
            .store()
            .tickets_of_contact(&visitor.contact_id, VISITOR_TICKETS)
            .await?;
        Ok(TicketList {
            tickets: records.into_iter().map(to_ticket).collect(),
        })
    }

    /// One of the visitor's tickets, with its public comments.
    pub async fn visitor_ticket(&self, visitor: &Visitor, id: &str) -> Result<TicketDetail> {
        let record = self.visitor_owned_ticket(visitor, id).await?;
        self.ticket_detail(record, false).await
    }

    /// The visitor files a ticket for themselves.
    pub async fn visitor_create_ticket(
        &self,
        visitor: &Visitor,
        input: VisitorTicket,
    ) -> Result<Ticket> {
        let mut checks = Checks::new();
        let (subject, description) =
            checked_subject(&input.subject, input.description, &mut checks);
        let form_id = self
            .checked_form(
                visitor.workspace_id(),
                input.form_id,
                input.form_data.as_ref(),
                &mut checks,
            )
            .await?;
        checks.finish()?;
        self.admit_visitor_write(visitor).await?;
        let now = self.now_ms();
        let record = TicketRecord {
            id: new_id(),
            workspace_id: visitor.workspace_id().to_owned(),
            contact_id: Some(visitor.contact_id.clone()),
            conversation_id: None,
            subject,
            description,
            status: TicketStatus::Submitted.as_str().to_owned(),
            priority: Priority::Normal.as_str().to_owned(),
            assignee_id: None,
            form_id,
            form_data: input.form_data,
            resolution_summary: None,
            resolved_at: None,
            created_at: now,
            updated_at: now,
        };
        self.store().insert_ticket(&record).await?;
        Ok(to_ticket(record))
    }

    /// The visitor's comment on their ticket: always public, authored by their contact.
    pub async fn visitor_comment(
        &self,
        visitor: &Visitor,
        id: &str,
        input: WriteMessage,
    ) -> Result<TicketComment> {
        let body = checked_text(input.body)?;
        let ticket = self.visitor_owned_ticket(visitor, id).await?;
        self.admit_visitor_write(visitor).await?;
        let record = TicketCommentRecord {
            id: new_id(),
            ticket_id: ticket.id,
            author_kind: SenderKind::Visitor.as_str().to_owned(),
            author_id: Some(visitor.contact_id.clone()),
            body,
            internal: false,
            created_at: self.now_ms(),
        };
        self.store().insert_ticket_comment(&record).await?;
        Ok(to_comment(record))
    }

    /// The forms a visitor may fill in.
    pub async fn visitor_ticket_forms(&self, visitor: &Visitor) -> Result<TicketFormList> {
        self.forms_of(visitor.workspace_id()).await
    }

    async fn forms_of(&self, workspace_id: &str) -> Result<TicketFormList> {
        let records = self.store().ticket_forms_of_workspace(workspace_id).await?;
        Ok(TicketFormList {
            forms: records.into_iter().map(to_form).collect(),
        })
    }

    /// The form, if it is the workspace's and `data` answers it; problems go to `checks`.
    async fn checked_form(
        &self,
        workspace_id: &str,
        form_id: Option<String>,
        data: Option<&Map<String, Value>>,
        checks: &mut Checks,
    ) -> Result<Option<String>> {
        let Some(form_id) = form_id else {
            if data.is_some_and(|data| !data.is_empty()) {
                checks.fail("formData", "goes with formId");
            }
            return Ok(None);
        };
        let form = self
            .store()
            .ticket_form(&form_id)
            .await?
            .filter(|form| form.workspace_id == workspace_id);
        let Some(form) = form else {
            checks.fail("formId", "is not a ticket form of this workspace");
            return Ok(None);
        };
        let fields = to_form(form).fields;
        for problem in check_form_data(&fields, data.unwrap_or(&Map::new())) {
            checks.fail(problem.field, problem.message);
        }
        Ok(Some(form_id))
    }

    async fn ticket_detail(
        &self,
        record: TicketRecord,
        with_internal: bool,
    ) -> Result<TicketDetail> {
        let comments = self
            .store()
            .ticket_comments(&record.id, with_internal)
            .await?;
        let form = match &record.form_id {
            Some(form_id) => self.store().ticket_form(form_id).await?.map(to_form),
            None => None,
        };
        Ok(TicketDetail {
            ticket: to_ticket(record),
            comments: comments.into_iter().map(to_comment).collect(),
            form,
        })
    }

    async fn visitor_owned_ticket(&self, visitor: &Visitor, id: &str) -> Result<TicketRecord> {
        self.store()
            .ticket(id)
            .await?
            .filter(|ticket| ticket.contact_id.as_deref() == Some(visitor.contact_id.as_str()))
            .ok_or(Error::NotFound("ticket"))
    }

    /// The ticket, if the actor holds `permission` in its workspace; "not found" otherwise.
    async fn member_ticket(
        &self,
        actor: &Actor,
        id: &str,
        permission: Permission,
    ) -> Result<TicketRecord> {
        let ticket = self
            .store()
            .ticket(id)
            .await?
            .ok_or(Error::NotFound("ticket"))?;
        actor.require_for(&ticket.workspace_id, permission, "ticket")?;
        Ok(ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(id: &str, field_type: FieldType, required: bool, options: &[&str]) -> FormField {
        FormField {
            id: id.to_owned(),
            field_type,
            label: id.to_owned(),
            required,
            options: options.iter().map(|option| (*option).to_owned()).collect(),
        }
    }

    #[test]
    fn form_data_is_checked_against_the_form() {
        let fields = [
            field("order", FieldType::Text, true, &[]),
            field("count", FieldType::Number, false, &[]),
            field("when", FieldType::Date, false, &[]),
            field("kind", FieldType::Select, true, &["bug", "question"]),
            field("areas", FieldType::MultiSelect, false, &["web", "app"]),
        ];
        let data = |value: Value| value.as_object().cloned().unwrap();
        let good = data(json!({"order": "A-1", "count": 2, "when": "2026-12-31",
                               "kind": "bug", "areas": ["web"]}));
        assert_eq!(check_form_data(&fields, &good), vec![]);
        let bad = data(json!({"order": " ", "count": "two", "when": "31/12/2026",
                              "kind": "other", "areas": ["tv"], "extra": 1}));
        let mut problems: Vec<String> = check_form_data(&fields, &bad)
            .into_iter()
            .map(|problem| problem.field)
            .collect();
        problems.sort();
        assert_eq!(
            problems,
            [
                "formData.areas",
                "formData.count",
                "formData.extra",
                "formData.kind",
                "formData.order",
                "formData.when"
            ]
        );
    }

    #[test]
    fn the_ticket_transitions() {
        use TicketStatus::*;
        assert!(Submitted.can_become(InProgress));
        assert!(WaitingOnCustomer.can_become(InProgress));
        assert!(Resolved.can_become(InProgress));
        assert!(!Resolved.can_become(Submitted));
        assert!(!InProgress.can_become(Submitted));
        assert!(!Resolved.can_become(WaitingOnCustomer));
    }
}
