//! The one dispatcher: a Discord interaction in, the interaction response out. Both transports
//! (the serenity gateway adapter and the HTTP endpoint) and `archivist interact` call it.
//!
//! No serenity `Context` and no talking to Discord here: the response is returned and a transport
//! sends it. The I/O there is goes through handles that are synchronous and bounded in time: the
//! engine; storage ([`crate::storage::Store`], which runs queries on its own runtime and waits at
//! most `storage.timeout_ms`), read for the server's settings on every interaction and written
//! before a 👍/👎 is acknowledged; and `/add`'s one download (bounded in size and time). Both
//! transports run the dispatcher on a blocking thread, so a slow database or download is covered
//! by the deferral like a slow answer. It applies the per-user rate limit, turns [`BotError`]s into a private message (user errors) or a logged apology
//! (internal errors and panics), checks every response against Discord's limits before it
//! leaves, and logs one line per interaction. For answers that take long, [`deferral`] and
//! [`after_deferral`] tell a transport how to defer and then deliver.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serenity::model::application::{CommandInteraction, ComponentInteraction, Interaction};

use crate::search::Engine;
use crate::settings::{DiscordSettings, Settings, TeacherSettings};
use crate::storage::Store;

use super::buttons;
use super::commands;
use super::custom_id::Action;
use super::error::{BotError, APOLOGY};
use super::handlers::{self, Invocation, Reply};
use super::limits::{file_violations, shrink_to_fit, violations};
use super::ratelimit::RateLimiter;
use super::response::{kind, Message, Response};
use super::teacher;

/// What every interaction is answered with: the engine and the Discord settings.
pub struct DispatchContext {
    pub engine: Arc<Engine>,
    pub quotes_per_page: usize,
    pub search_per_page: usize,
    limiter: RateLimiter,
    /// Button presses are counted apart, with three times the allowance: paging through a
    /// document is quick clicking, not flooding.
    button_limiter: RateLimiter,
    /// Settings, feedback, unanswered questions; `None`: nothing is stored (a press of 👍/👎
    /// is answered "could not be recorded").
    pub store: Option<Store>,
    /// What `/add` may download and how.
    pub teacher: TeacherSettings,
}

impl DispatchContext {
    pub fn new(engine: Arc<Engine>, s: &DiscordSettings) -> DispatchContext {
        DispatchContext {
            engine,
            quotes_per_page: s.quotes_per_page.clamp(1, 10),
            search_per_page: s.search_per_page.clamp(1, 20),
            limiter: RateLimiter::new(
                s.rate_limit_commands,
                Duration::from_secs(s.rate_limit_window_secs),
            ),
            button_limiter: RateLimiter::new(
                s.rate_limit_commands.saturating_mul(3),
                Duration::from_secs(s.rate_limit_window_secs),
            ),
            store: None,
            teacher: Settings::defaults().teacher,
        }
    }

    /// The same, keeping settings and feedback in `store`.
    pub fn with_store(mut self, store: Store) -> DispatchContext {
        self.store = Some(store);
        self
    }

    /// The same, with `/add`'s download settings.
    pub fn with_teacher(mut self, teacher: TeacherSettings) -> DispatchContext {
        self.teacher = teacher;
        self
    }
}

impl DispatchContext {
    /// The archive's name for footers (read from the corpus in service, which may be swapped).
    pub fn archive(&self) -> Option<String> {
        self.engine.archive_name()
    }
}

/// How one interaction went, for the log line.
struct Outcome {
    what: String,
    results: Option<usize>,
    result: &'static str,
}

/// Answers one interaction now.
pub fn dispatch(ctx: &DispatchContext, interaction: &Interaction) -> Response {
    dispatch_at(ctx, interaction, Instant::now())
}

/// Parses an interaction as Discord sends it (JSON) and answers it.
pub fn dispatch_json(ctx: &DispatchContext, body: &str) -> serde_json::Result<Response> {
    let interaction: Interaction = serde_json::from_str(body)?;
    Ok(dispatch(ctx, &interaction))
}

/// [`dispatch`] with the time given (the rate limiter's clock), for tests.
pub fn dispatch_at(ctx: &DispatchContext, interaction: &Interaction, now: Instant) -> Response {
    let started = Instant::now();
    let (response, outcome) = match interaction {
        Interaction::Ping(_) => (Response::pong(), outcome("ping", None, "ok")),
        Interaction::Autocomplete(ci) => autocomplete(ctx, ci),
        Interaction::Command(ci) => {
            let what = format!("/{}", ci.data.name);
            limited(&ctx.limiter, ci.user.id.get(), now, what, || {
                command(ctx, ci)
            })
        }
        Interaction::Component(ci) => {
            let what = format!(
                "button {}",
                ci.data.custom_id.split(':').next().unwrap_or("")
            );
            let limiter = &ctx.button_limiter;
            limited(limiter, ci.user.id.get(), now, what, || component(ctx, ci))
        }
        _ => (
            Response::message(
                Message::text("I can't handle that kind of interaction.").ephemeral(),
            ),
            outcome("other", None, "user_error"),
        ),
    };
    let response = checked(response, &interaction.id().to_string(), &outcome.what);
    tracing::info!(
        interaction = %interaction.id(),
        command = %outcome.what,
        latency_ms = started.elapsed().as_millis() as u64,
        results = outcome.results.map_or(-1, |n| n as i64),
        result = outcome.result,
        "interaction"
    );
    crate::metrics::interaction(
        &outcome.what,
        outcome.result,
        outcome.results,
        started.elapsed(),
    );
    response
}

fn outcome(what: &str, results: Option<usize>, result: &'static str) -> Outcome {
    Outcome {
        what: what.to_string(),
        results,
        result,
    }
}

/// Applies the rate limit, runs `f` (catching panics), and turns errors into replies.
fn limited(
    limiter: &RateLimiter,
    user: u64,
    now: Instant,
    what: String,
    f: impl FnOnce() -> Result<Reply, BotError>,
) -> (Response, Outcome) {
    if let Err(wait) = limiter.check(user, now) {
        let secs = wait.as_millis().div_ceil(1000).max(1);
        let m = Message::text(format!(
            "You're asking faster than I can keep up with. Please wait {secs} second{} and try \
             again.",
            if secs == 1 { "" } else { "s" }
        ));
        let o = Outcome {
            what,
            results: None,
            result: "rate_limited",
        };
        return (Response::message(m.ephemeral()), o);
    }
    into_response(what, caught(f))
}

/// Runs `f`, turning a panic into an internal error (the process and the other requests go on).
fn caught(f: impl FnOnce() -> Result<Reply, BotError>) -> Result<Reply, BotError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(BotError::Internal(anyhow::anyhow!("panic: {msg}")))
    })
}

/// A handler's result as a response: the reply, a private note for user errors, or a logged
/// internal error and a private apology.
fn into_response(what: String, result: Result<Reply, BotError>) -> (Response, Outcome) {
    match result {
        Ok(mut reply) => {
            if shrink_to_fit(&mut reply.message) {
                tracing::warn!(command = %what, "reply shortened to fit Discord's 6000 limit");
            }
            let o = Outcome {
                what,
                results: reply.results,
                result: "ok",
            };
            let r = if reply.update {
                Response::update(reply.message)
            } else {
                Response::message(reply.message)
            };
            (r, o)
        }
        Err(BotError::User(text)) => {
            let o = Outcome {
                what,
                results: None,
                result: "user_error",
            };
            (Response::message(Message::text(text).ephemeral()), o)
        }
        Err(BotError::Internal(e)) => {
            tracing::error!(command = %what, error = format!("{e:#}"), "internal error");
            let o = Outcome {
                what,
                results: None,
                result: "internal_error",
            };
            (Response::message(Message::text(APOLOGY).ephemeral()), o)
        }
    }
}

fn command(ctx: &DispatchContext, ci: &CommandInteraction) -> Result<Reply, BotError> {
    let spec = commands::find(&ci.data.name).ok_or_else(|| {
        BotError::user("I don't know that command any more; it may have been renamed.")
    })?;
    let inv = Invocation {
        user: ci.user.id.get(),
        options: &ci.data.options,
        id: ci.id.get(),
        view: ctx.command_view(ci),
        resolved: Some(&ci.data.resolved),
    };
    if commands::is_teacher(spec) {
        teacher::allowed(&inv)?;
    }
    let mut reply = (spec.run)(ctx, &inv)?;
    // A server that wants answers private gets them private, unless the student said
    // `private:false`.
    if inv.view.private() && inv.explicit_flag("private") != Some(false) && !reply.update {
        reply.message = reply.message.ephemeral();
    }
    Ok(reply)
}

fn component(ctx: &DispatchContext, ci: &ComponentInteraction) -> Result<Reply, BotError> {
    let values = match &ci.data.kind {
        serenity::model::application::ComponentInteractionDataKind::StringSelect { values } => {
            values.as_slice()
        }
        _ => &[],
    };
    let press = buttons::Press {
        id: &ci.data.custom_id,
        user: ci.user.id.get(),
        message: &ci.message,
        view: ctx.component_view(ci),
        values,
    };
    buttons::press(ctx, &press)
}

fn autocomplete(ctx: &DispatchContext, ci: &CommandInteraction) -> (Response, Outcome) {
    let what = format!("autocomplete /{}", ci.data.name);
    let choices = match ci.data.autocomplete() {
        Some(o) => catch_unwind(AssertUnwindSafe(|| {
            let view = ctx.command_view(ci);
            handlers::autocomplete(ctx, &view, &ci.data.name, o.name, o.value)
        }))
        .unwrap_or_default(),
        None => Vec::new(),
    };
    let n = choices.len();
    (
        Response::choices(choices),
        Outcome {
            what,
            results: Some(n),
            result: "ok",
        },
    )
}

/// Never lets a response Discord would refuse leave: a violation is logged and replaced by the
/// apology (or no choices, for autocomplete).
fn checked(response: Response, interaction_id: &str, what: &str) -> Response {
    let mut problems = violations(&response.to_json());
    if let Some(m) = response.message_data() {
        problems.extend(file_violations(m));
    }
    if problems.is_empty() {
        return response;
    }
    tracing::error!(
        interaction = interaction_id,
        command = %what,
        problems = ?problems,
        "response breaks Discord limits"
    );
    if response.kind == kind::AUTOCOMPLETE {
        Response::choices(Vec::new())
    } else {
        Response::message(Message::text(APOLOGY).ephemeral())
    }
}

/// The deferral to send first if the answer is not ready in time: "thinking…" for commands and
/// for buttons that post a new message (private when the answer will be), a silent
/// acknowledgement for buttons that update their message. `None` for pings and autocomplete,
/// which cannot be deferred.
pub fn deferral(interaction: &Interaction) -> Option<Response> {
    match interaction {
        Interaction::Command(ci) => {
            // Teacher commands answer privately; a server's "private by default" is not known
            // here (it is read from storage with the answer), so a public deferral of such an
            // answer is replaced by a private one ([`after_deferral`]).
            let private = ci.data.name == "help"
                || commands::find(&ci.data.name).is_some_and(commands::is_teacher)
                || ci.data.options.iter().any(|o| {
                    o.name == "private"
                        && matches!(
                            o.value,
                            serenity::model::application::CommandDataOptionValue::Boolean(true)
                        )
                });
            Some(Response::deferred(private))
        }
        Interaction::Component(ci) => match Action::decode(&ci.data.custom_id) {
            Some(
                Action::AskPage { .. }
                | Action::SearchPage { .. }
                | Action::ReadPage { .. }
                | Action::ContextsPage { .. }
                | Action::FeedbackReason { .. },
            ) => Some(Response::deferred_update()),
            _ => Some(Response::deferred(true)),
        },
        _ => None,
    }
}

/// How to deliver a response after a deferral.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Edit the deferred ("original") response, or the message the button was on.
    EditOriginal(Message),
    /// Send a new follow-up message (e.g. a private error after a silent acknowledgement).
    Followup(Message),
    /// The deferral said public but the answer is private (or the other way round): delete the
    /// "thinking…" message and send the answer as a follow-up.
    Replace(Message),
    /// Nothing to deliver.
    Nothing,
}

/// What to send once `response` is ready, given that `deferred` was sent first.
pub fn after_deferral(deferred: &Response, response: Response) -> Delivery {
    let ephemeral = response.is_ephemeral();
    let Some(m) = response.message_data().cloned() else {
        return Delivery::Nothing;
    };
    // An edit cannot change who sees the message (that was settled by the deferral), and
    // Discord refuses the ephemeral flag on edits.
    let edit = |m: Message| Delivery::EditOriginal(Message { flags: 0, ..m });
    match (deferred.kind, response.kind) {
        (kind::DEFERRED_UPDATE, kind::UPDATE_MESSAGE) => edit(m),
        (kind::DEFERRED_UPDATE, _) => Delivery::Followup(m),
        (_, _) if ephemeral != deferred_is_private(deferred) => Delivery::Replace(m),
        _ => edit(m),
    }
}

fn deferred_is_private(r: &Response) -> bool {
    matches!(
        r.data,
        Some(super::response::ResponseData::Flags { flags }) if flags & super::response::EPHEMERAL != 0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::response::Embed;

    fn content(r: &Response) -> String {
        r.message_data()
            .and_then(|m| m.content.clone())
            .unwrap_or_default()
    }

    #[test]
    fn internal_errors_and_panics_become_a_private_apology() {
        let (r, o) = into_response(
            "/ask".into(),
            caught(|| Err(anyhow::anyhow!("index file /secret/path is broken").into())),
        );
        assert_eq!((content(&r).as_str(), r.is_ephemeral()), (APOLOGY, true));
        assert_eq!(o.result, "internal_error");
        let (r, o) = into_response("/ask".into(), caught(|| panic!("boom")));
        assert_eq!(content(&r), APOLOGY);
        assert_eq!(o.result, "internal_error");
        let (r, o) = into_response("/doc".into(), Err(BotError::user("No such document.")));
        assert_eq!(
            (content(&r).as_str(), r.is_ephemeral()),
            ("No such document.", true)
        );
        assert_eq!(o.result, "user_error");
    }

    #[test]
    fn a_response_over_the_limits_never_leaves() {
        let big = Message::embed(Embed {
            title: Some("t".repeat(300)),
            ..Default::default()
        });
        let r = checked(Response::message(big), "1", "/ask");
        assert_eq!(content(&r), APOLOGY);
        let fine = Response::message(Message::text("ok"));
        assert_eq!(checked(fine.clone(), "1", "/ask"), fine);
    }
}
