//! Messages with files over Discord's REST API. Discord takes files only as a
//! `multipart/form-data` body: a `payload_json` part (the message JSON, whose `attachments` name
//! the files) and one `files[n]` part per file, `n` being the attachment's id.
//!
//! serenity sends multipart bodies too, but numbers every file it is handed directly `files[0]`
//! (it numbers them only through its own message builders), so the body is made here
//! ([`multipart`]) and sent with a plain HTTP client to the route serenity names, through the
//! same proxy as serenity's client (a stand-in Discord in tests). Interaction callbacks and
//! interaction webhooks are authorised by the interaction token in their path: no bot token is
//! sent. Only messages that carry files go this way; everything else goes through serenity.

use std::sync::OnceLock;

use anyhow::{Context as _, Result};
use serenity::http::{Http, Route};

use super::response::File;

/// A `multipart/form-data` body and its `Content-Type` (which names the boundary).
#[derive(Debug, Clone, PartialEq)]
pub struct Multipart {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// The body Discord expects for a message (or an interaction response) with files: `payload`
/// as `payload_json`, then `files[0]`, `files[1]`, … with their names and content types.
pub fn multipart(payload: &serde_json::Value, files: &[File]) -> Multipart {
    let json = payload.to_string();
    let boundary = boundary_for(json.as_bytes(), files);
    let mut body: Vec<u8> = Vec::new();
    let mut part = |headers: String, bytes: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json"
            .into(),
        json.as_bytes(),
    );
    for (i, f) in files.iter().enumerate() {
        part(
            format!(
                "Content-Disposition: form-data; name=\"files[{i}]\"; filename=\"{}\"\r\n\
                 Content-Type: {}",
                f.name.replace(['"', '\r', '\n', '\\'], "_"),
                f.content_type.replace(['\r', '\n'], "")
            ),
            &f.bytes,
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Multipart {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    }
}

/// A boundary that occurs in none of the parts.
fn boundary_for(json: &[u8], files: &[File]) -> String {
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    (0u64..)
        .map(|n| {
            format!(
                "archivist-{n:x}-{:08x}",
                super::custom_id::hash32(&json.len().to_string())
            )
        })
        .find(|b| {
            !contains(json, b.as_bytes()) && files.iter().all(|f| !contains(&f.bytes, b.as_bytes()))
        })
        .expect("some boundary is free")
}

/// Which request carries the message.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The first response: `POST /interactions/{id}/{token}/callback`.
    Callback {
        interaction: serenity::all::InteractionId,
        token: &'a str,
    },
    /// `PATCH /webhooks/{app}/{token}/messages/@original`.
    EditOriginal {
        application: serenity::all::ApplicationId,
        token: &'a str,
    },
    /// `POST /webhooks/{app}/{token}`.
    FollowUp {
        application: serenity::all::ApplicationId,
        token: &'a str,
    },
}

/// Sends `payload` with `files` to `target`, through `http`'s proxy when it has one.
pub async fn send(
    http: &Http,
    target: Target<'_>,
    payload: &serde_json::Value,
    files: &[File],
) -> Result<()> {
    let (method, route) = match target {
        Target::Callback { interaction, token } => (
            reqwest::Method::POST,
            Route::InteractionResponse {
                interaction_id: interaction,
                token,
            },
        ),
        Target::EditOriginal { application, token } => (
            reqwest::Method::PATCH,
            Route::WebhookOriginalInteractionResponse {
                application_id: application,
                token,
            },
        ),
        Target::FollowUp { application, token } => (
            reqwest::Method::POST,
            Route::WebhookFollowupMessages {
                application_id: application,
                token,
            },
        ),
    };
    let mut url = route.path().into_owned();
    if let Some(proxy) = &http.proxy {
        url = url.replace("https://discord.com", proxy.trim_end_matches('/'));
    }
    let form = multipart(payload, files);
    let response = client()
        .request(method, &url)
        .header(reqwest::header::CONTENT_TYPE, form.content_type)
        .header(reqwest::header::USER_AGENT, USER_AGENT)
        .body(form.body)
        .send()
        .await
        .context("cannot reach Discord to upload files")?;
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        let text: String = text.chars().take(300).collect();
        anyhow::bail!("Discord refused the upload ({status}): {text}");
    }
    Ok(())
}

const USER_AGENT: &str = concat!(
    "DiscordBot (https://github.com/archivist, ",
    env!("CARGO_PKG_VERSION"),
    ")"
);

/// One HTTP client for the process (it keeps connections open).
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_named_as_discord_reads_them() {
        let files = [
            File::new("trend.png", "image/png", vec![0x89, b'P', b'N', b'G']),
            File::new("a\"b.csv", "text/csv", b"x,y\n1,2\n".to_vec()),
        ];
        let m = multipart(&serde_json::json!({"content": "hi"}), &files);
        let boundary = m.content_type.split("boundary=").nth(1).unwrap();
        let body = String::from_utf8_lossy(&m.body);
        let parts: Vec<&str> = body.split(&format!("--{boundary}")).collect();
        assert_eq!(parts.len(), 5, "{body}");
        assert!(parts[1].contains("name=\"payload_json\""));
        assert!(parts[1].ends_with("\r\n\r\n{\"content\":\"hi\"}\r\n"));
        assert!(parts[2]
            .contains("name=\"files[0]\"; filename=\"trend.png\"\r\nContent-Type: image/png"));
        assert!(parts[3].contains("name=\"files[1]\"; filename=\"a_b.csv\""));
        assert!(parts[3].ends_with("\r\n\r\nx,y\n1,2\n\r\n"));
        assert_eq!(parts[4], "--\r\n");
    }
}
