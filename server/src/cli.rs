//! The `app` subcommands: administration from the shell, printing to stdout.

use std::io::Read;

use domain::platform::secrets;
use domain::{Actor, NewUser, Services};
use model::platform::apps::{AppWithSecret, CreateApp};
use model::platform::users::Role;

use crate::config::{AppCommand, CreateAppArgs, UserCommand};

/// Runs one `app` subcommand; the error is the message to print.
pub async fn run_app_command(services: &Services, command: AppCommand) -> Result<(), String> {
    let operator = Actor::operator();
    match command {
        AppCommand::Create(args) => {
            let created = services
                .platform()
                .create_app(&operator, create_input(args)?)
                .await
                .map_err(|e| e.to_string())?;
            print_secret("Created", &created);
        }
        AppCommand::List => {
            let apps = services
                .platform()
                .list_apps(&operator)
                .await
                .map_err(|e| e.to_string())?;
            if apps.is_empty() {
                println!("No apps yet: create one with `server app create --slug … --name …`.");
            }
            for app in apps {
                let state = if app.is_active { "active" } else { "inactive" };
                println!(
                    "{:<32} {:<8} {:<40} {}",
                    app.slug, state, app.settings.model_id, app.name
                );
            }
        }
        AppCommand::Update { slug, json } => {
            let patch: model::platform::apps::AppPatch =
                serde_json::from_str(&json).map_err(|e| {
                    format!("--json must be a JSON object of the fields to change: {e}")
                })?;
            let app = services
                .platform()
                .update_app(&operator, &slug, patch)
                .await
                .map_err(|e| e.to_string())?;
            println!("Updated {}.", app.slug);
        }
        AppCommand::RotateSecret { slug } => {
            let rotated = services
                .platform()
                .rotate_app_secret(&operator, &slug)
                .await
                .map_err(|e| e.to_string())?;
            print_secret("Rotated the secret of", &rotated);
        }
        AppCommand::Deactivate { slug } => {
            services
                .platform()
                .set_app_active(&operator, &slug, false)
                .await
                .map_err(|e| e.to_string())?;
            println!("Deactivated {slug}: its credentials are refused.");
        }
        AppCommand::Activate { slug } => {
            services
                .platform()
                .set_app_active(&operator, &slug, true)
                .await
                .map_err(|e| e.to_string())?;
            println!("Activated {slug}.");
        }
    }
    Ok(())
}

/// The JSON (if any) with the flags laid over it.
fn create_input(args: CreateAppArgs) -> Result<CreateApp, String> {
    let mut input = match &args.json {
        Some(json) => serde_json::from_str::<CreateApp>(json)
            .map_err(|e| format!("--json is not a valid app: {e}"))?,
        None => CreateApp {
            slug: args
                .slug
                .clone()
                .ok_or("--slug is required (or give --json)")?,
            name: args
                .name
                .clone()
                .ok_or("--name is required (or give --json)")?,
            secret: None,
            workspace_id: None,
            settings: Default::default(),
        },
    };
    if let Some(slug) = args.slug {
        input.slug = slug;
    }
    if let Some(name) = args.name {
        input.name = name;
    }
    if args.secret.is_some() {
        input.secret = args.secret;
    }
    if args.workspace_id.is_some() {
        input.workspace_id = args.workspace_id;
    }
    if let Some(model_id) = args.model_id {
        input.settings.model_id = model_id;
    }
    if let Some(reply_as_audio) = args.reply_as_audio {
        input.settings.reply_as_audio = reply_as_audio;
    }
    if let Some(system_prompt) = args.system_prompt {
        input.settings.system_prompt = system_prompt;
    }
    Ok(input)
}

fn print_secret(verb: &str, created: &AppWithSecret) {
    println!(
        "{verb} app {} ({}) in workspace {}.",
        created.app.slug, created.app.name, created.app.workspace_id
    );
    println!("App secret (shown once; only its hash is stored):");
    println!("{}", created.app_secret);
}

/// Runs one `user` subcommand; the error is the message to print.
pub async fn run_user_command(services: &Services, command: UserCommand) -> Result<(), String> {
    let UserCommand::Create(args) = command;
    let role = Role::parse(&args.role).ok_or("--role must be owner, admin, agent or viewer")?;
    let (password, generated) = if args.password_stdin {
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        (password.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        // 24 random bytes: far above the password rules, for the user to change later.
        let password = secrets::generate("").map_err(|e| e.to_string())?;
        (password, true)
    };
    let name = args.name.unwrap_or_else(|| {
        args.email
            .split('@')
            .next()
            .unwrap_or(&args.email)
            .to_owned()
    });
    let user = services
        .platform()
        .create_user(
            &Actor::operator(),
            NewUser {
                email: args.email,
                name,
                password: password.clone(),
                role,
                workspace_id: args.workspace_id,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    let workspace = user
        .memberships
        .first()
        .map_or_else(String::new, |m| m.workspace_name.clone());
    println!(
        "Created {} user {} in workspace {workspace}.",
        role.as_str(),
        user.email
    );
    if generated {
        println!("Password (shown once):");
        println!("{password}");
    }
    Ok(())
}
