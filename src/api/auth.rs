//! Bearer-token security for write operations.

use std::sync::Arc;

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::AppState;
use super::problem::Problem;
use crate::auth::{Claims, Role, TokenError};

/// A JWT signed with one of the server's Ed25519 keys (EdDSA). Admins manage councils and
/// parties; a publisher writes the documents of the council named in its token.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check_token")]
pub struct BearerAuth(pub Claims);

async fn check_token(req: &Request, bearer: Bearer) -> poem::Result<Claims> {
    let refuse = |e: TokenError| poem::Error::from(Problem::unauthorized(e.to_string()));
    let state = req.data::<Arc<AppState>>().ok_or_else(|| poem::Error::from(Problem::internal(&"state missing")))?;
    let claims = crate::auth::verify(&state.service.keys, &state.policy, &bearer.token).map_err(refuse)?;
    match state.service.is_revoked(&claims.jti).await {
        Ok(true) => Err(refuse(TokenError::Revoked)),
        Ok(false) => Ok(claims),
        Err(e) => Err(Problem::from(e).into()),
    }
}

impl BearerAuth {
    /// Admins only.
    pub fn require_admin(&self) -> Result<&Claims, Problem> {
        match self.0.role {
            Role::Admin => Ok(&self.0),
            Role::Publisher | Role::Subscriber => Err(Problem::forbidden("this operation is for admins")),
        }
    }

    /// Admins and subscribers: webhooks are registered by the apps that receive them, with a
    /// token that cannot publish, so a publisher's credential never goes to a third party.
    pub fn require_subscriber(&self) -> Result<&Claims, Problem> {
        match self.0.role {
            Role::Admin | Role::Subscriber => Ok(&self.0),
            Role::Publisher => Err(Problem::forbidden(
                "webhooks are registered with a subscriber token (maslikhat token issue --role subscriber), \
                 not a publisher's",
            )),
        }
    }

    /// Admins, or the publisher of `council`.
    pub fn require_council(&self, council: &str) -> Result<&Claims, Problem> {
        match (self.0.role, self.0.council.as_deref()) {
            (Role::Admin, _) => Ok(&self.0),
            (Role::Publisher, Some(c)) if c == council => Ok(&self.0),
            (Role::Publisher, _) => {
                Err(Problem::forbidden(format!("this token publishes for another council, not {council}")))
            }
            (Role::Subscriber, _) => Err(Problem::forbidden("a subscriber token publishes nothing")),
        }
    }
}
