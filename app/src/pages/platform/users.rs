//! Users: the members of the app's workspace with their roles; owners and admins add members and
//! change roles. Only owners grant or take away ownership, and a workspace keeps an owner.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::platform::dashboard::UsersView;
use model::platform::users::{Member, PASSWORD_MIN_CHARS, Role};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::format;
use crate::server_fns::platform::users::{AddMember, ChangeMemberRole, load_users};

/// What each role may do, in a sentence: shown beside the role choices.
const ROLE_SUMMARIES: [(Role, &str); 4] = [
    (
        Role::Owner,
        "everything, including ownership and security settings",
    ),
    (
        Role::Admin,
        "apps, secrets, settings, users and every dashboard",
    ),
    (
        Role::Agent,
        "conversations and the handoff queue, knowledge to read",
    ),
    (Role::Viewer, "dashboards to read, nothing to change"),
];

#[component]
pub fn UsersPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let add = ServerAction::<AddMember>::new();
    let change = ServerAction::<ChangeMemberRole>::new();
    let users = Resource::new(slug, load_users);
    let failure = move || last_error(add).or_else(|| last_error(change));
    view! {
        <Title text="Users · Switchboard" />
        <header class="page-header">
            <h1>"Users"</h1>
            <p class="lede">"The people of this workspace and what their role lets them do in each of its apps."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading members…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(view) => view! { <Members view add change /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Members(
    view: UsersView,
    add: ServerAction<AddMember>,
    change: ServerAction<ChangeMemberRole>,
) -> impl IntoView {
    let UsersView {
        workspace_id,
        workspace_name,
        members,
        may_manage,
        is_owner,
        me,
    } = view;
    let title = format!("{workspace_name}: {} members", members.len());
    let rows = members
        .into_iter()
        .map(|member| {
            let editable = may_manage && (is_owner || member.role != Role::Owner);
            let is_me = member.user_id == me;
            view! { <MemberRow workspace_id=workspace_id.clone() member editable is_owner is_me change /> }
        })
        .collect_view();
    view! {
        <div class="detail-layout">
            <section class="card flush" aria-labelledby="members-title">
                <h2 id="members-title" class="card-title">{title}</h2>
                <table class="table" id="members">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Joined (UTC)"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
            <aside class="detail-side">
                {may_manage.then(|| view! { <AddMemberForm workspace_id add /> })}
                <section class="card">
                    <h2>"Roles"</h2>
                    <dl class="facts compact">
                        {ROLE_SUMMARIES
                            .into_iter()
                            .map(|(role, summary)| view! { <dt>{role.as_str()}</dt><dd>{summary}</dd> })
                            .collect_view()}
                    </dl>
                </section>
            </aside>
        </div>
    }
}

#[component]
fn MemberRow(
    workspace_id: String,
    member: Member,
    editable: bool,
    is_owner: bool,
    is_me: bool,
    change: ServerAction<ChangeMemberRole>,
) -> impl IntoView {
    let role = member.role;
    let (user_id, label) = (member.user_id.clone(), format!("Role of {}", member.email));
    let email = member.email.clone();
    let role_cell = if editable {
        // Owners may hand out every role; admins everything below owner.
        let choices = Role::ALL
            .into_iter()
            .filter(move |choice| is_owner || *choice != Role::Owner);
        view! {
            <ActionForm action=change attr:class="inline-form">
                <input type="hidden" name="workspace_id" value=workspace_id />
                <input type="hidden" name="user_id" value=user_id />
                <label>
                    <span class="visually-hidden">{label}</span>
                    <select name="role">
                        {choices
                            .map(|choice| view! { <option value=choice.as_str() selected=choice == role>{choice.as_str()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button class="button secondary small-button" type="submit">"Change"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <span class="badge off">{role.as_str()}</span> }.into_any()
    };
    view! {
        <tr data-member=email>
            <th scope="row">
                {member.name}
                {is_me.then(|| view! { <span class="muted small">" (you)"</span> })}
                {(!member.is_active).then(|| view! { <span class="badge off">"deactivated"</span> })}
            </th>
            <td class="mono">{member.email}</td>
            <td>{role_cell}</td>
            <td>{format::utc_minutes(member.joined_at)}</td>
        </tr>
    }
}

#[component]
fn AddMemberForm(workspace_id: String, add: ServerAction<AddMember>) -> impl IntoView {
    let password_hint =
        format!("At least {PASSWORD_MIN_CHARS} characters; give it to them privately.");
    view! {
        <section class="card">
            <h2>"Add a member"</h2>
            <ActionForm action=add attr:class="form" attr:id="add-member">
                <input type="hidden" name="workspace_id" value=workspace_id />
                <label>"Name" <input type="text" name="member[name]" required maxlength="100" autocomplete="off" /></label>
                <label>"Email" <input type="email" name="member[email]" required autocomplete="off" /></label>
                <label>
                    "Password"
                    <input type="password" name="member[password]" required minlength=PASSWORD_MIN_CHARS autocomplete="new-password" />
                    <span class="muted small">{password_hint}</span>
                </label>
                <label>
                    "Role"
                    <select name="member[role]">
                        <option value="agent">"agent"</option>
                        <option value="viewer">"viewer"</option>
                        <option value="admin">"admin"</option>
                    </select>
                </label>
                <button class="button" type="submit">"Add member"</button>
            </ActionForm>
        </section>
    }
}
