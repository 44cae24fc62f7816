//! Tenant selection, the user's tenants and login history (descope-api.md §2.10). All need a session.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::json::ObjectWriter;
use crate::request::{post, Auth, Method, Request};

/// Longest tenant id accepted.
pub const MAX_TENANT_ID_BYTES: usize = 256;
/// Most tenant ids in one `myTenants` call.
pub const MAX_TENANT_IDS: usize = 1000;

fn check_tenant_id(id: &str) -> Result<(), Error> {
    if id.is_empty() || id.len() > MAX_TENANT_ID_BYTES {
        return Err(Error::validation(
            "invalidTenant",
            "tenant ids must be non-empty strings of at most 256 bytes",
        ));
    }
    Ok(())
}

/// `POST /v1/auth/tenant/select` with `{tenant}` → JWTResponse whose tokens carry `dct`.
pub fn select_tenant(tenant_id: &str) -> Result<Request, Error> {
    check_tenant_id(tenant_id)?;
    let mut w = ObjectWriter::new();
    w.string("tenant", tenant_id);
    Ok(post(
        "/v1/auth/tenant/select".to_string(),
        w.finish(),
        Auth::Refresh,
    ))
}

/// `myTenants`' selector: the current (`dct`) tenant, or these ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantSelector<'a> {
    Current,
    Ids(&'a [&'a str]),
}

/// `POST /v1/auth/me/tenants` with `{dct: true}` or `{ids: [...]}` → `{tenants: [...]}`.
pub fn my_tenants(selector: TenantSelector<'_>) -> Result<Request, Error> {
    let mut w = ObjectWriter::new();
    match selector {
        TenantSelector::Current => {
            w.bool("dct", true);
        }
        TenantSelector::Ids(ids) => {
            if ids.len() > MAX_TENANT_IDS {
                return Err(Error::validation(
                    "invalidTenant",
                    "at most 1000 tenant ids",
                ));
            }
            for id in ids {
                check_tenant_id(id)?;
            }
            w.string_array("ids", ids);
        }
    }
    Ok(post(
        "/v1/auth/me/tenants".to_string(),
        w.finish(),
        Auth::Refresh,
    ))
}

/// `GET /v1/auth/me/history` → a bare array of entries.
pub fn history() -> Request {
    Request {
        method: Method::Get,
        path: "/v1/auth/me/history".to_string(),
        body: None,
        auth: Auth::Refresh,
    }
}
