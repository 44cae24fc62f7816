//! `myTenants` (descope-api.md §2.10), whose `true | string[]` selector has its own builder; tenant
//! selection and the login history are in the wire table.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::json::ObjectWriter;
use crate::request::{post, Auth, Request};

/// Longest tenant id accepted.
pub const MAX_TENANT_ID_BYTES: usize = 256;
/// Most tenant ids in one `myTenants` call.
pub const MAX_TENANT_IDS: usize = 1000;

pub(crate) fn check_tenant_id(id: &str) -> Result<(), Error> {
    if id.is_empty() || id.len() > MAX_TENANT_ID_BYTES {
        return Err(Error::validation(
            "invalidTenant",
            "tenant ids must be non-empty strings of at most 256 bytes",
        ));
    }
    Ok(())
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
