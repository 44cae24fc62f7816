//! Building users from JSON (`POST /emulator/users`, `--seed`) and login-id helpers.

use serde_json::{Map, Value};

use crate::errors::{ApiError, ApiResult};
use crate::state::{new_user_id, Data, Tenant, User, UserTenant};

/// `^\+[1-9][0-9]{3,14}$`
pub fn is_phone(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 5
        && b.len() <= 16
        && b.first() == Some(&b'+')
        && matches!(b.get(1), Some(b'1'..=b'9'))
        && b.iter().skip(2).all(u8::is_ascii_digit)
}

/// A loose email check (one `@`, non-empty local part, dotted or plain domain).
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.contains(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// The core-js email regex of descope-api.md §2.0, used where the API re-validates an address
/// (OTP update): `^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*$`.
pub fn is_strict_email(s: &str) -> bool {
    const LOCAL_EXTRA: &str = ".!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_EXTRA.contains(c))
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// `j***@example.com`
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// `+1******4567`: keep `+` and the first digit and the last four digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(2).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

pub fn opt_str(obj: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
    }
}

pub fn opt_bool(obj: &Map<String, Value>, key: &str) -> ApiResult<bool> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a boolean"))),
    }
}

pub fn opt_obj<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
) -> ApiResult<Option<&'a Map<String, Value>>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ApiError::invalid(format!("{key} must be an object"))),
    }
}

fn str_list(obj: &Map<String, Value>, key: &str) -> ApiResult<Vec<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::invalid(format!("{key} must be strings")))
            })
            .collect(),
        Some(_) => Err(ApiError::invalid(format!(
            "{key} must be an array of strings"
        ))),
    }
}

/// Permissions of the given roles (from seeded role definitions), deduplicated in order.
pub fn role_permissions(data: &Data, roles: &[String]) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for r in roles {
        for p in data.roles.get(r).into_iter().flatten() {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
    }
    out
}

/// Creates a verified user from the control-API shape
/// `{loginId, email?, phone?, name?, password?, roleNames?, userTenants?, customAttributes?}`.
pub fn user_from_control(data: &Data, v: &Value, now: i64) -> ApiResult<User> {
    let obj = v.as_object().ok_or_else(ApiError::malformed)?;
    let login_id = opt_str(obj, "loginId")?.unwrap_or_default();
    if login_id.is_empty() {
        return Err(ApiError::missing("loginId"));
    }
    let mut email = opt_str(obj, "email")?.unwrap_or_default();
    let mut phone = opt_str(obj, "phone")?.unwrap_or_default();
    if email.is_empty() && is_email(&login_id) {
        email = login_id.clone();
    }
    if phone.is_empty() && is_phone(&login_id) {
        phone = login_id.clone();
    }
    let role_names = str_list(obj, "roleNames")?;
    let mut user_tenants = vec![];
    match obj.get("userTenants") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for t in a {
                let t = t
                    .as_object()
                    .ok_or_else(|| ApiError::invalid("userTenants entries must be objects"))?;
                let tenant_id = opt_str(t, "tenantId")?.unwrap_or_default();
                if tenant_id.is_empty() {
                    return Err(ApiError::missing("userTenants.tenantId"));
                }
                let roles = str_list(t, "roleNames")?;
                let mut perms = str_list(t, "permissions")?;
                for p in role_permissions(data, &roles) {
                    if !perms.contains(&p) {
                        perms.push(p);
                    }
                }
                let tenant_name = opt_str(t, "tenantName")?
                    .or_else(|| data.tenants.get(&tenant_id).map(|t| t.name.clone()))
                    .unwrap_or_default();
                user_tenants.push(UserTenant {
                    tenant_id,
                    tenant_name,
                    role_names: roles,
                    permissions: perms,
                });
            }
        }
        Some(_) => return Err(ApiError::invalid("userTenants must be an array")),
    }
    let custom_attributes = opt_obj(obj, "customAttributes")?
        .cloned()
        .unwrap_or_default();
    let mut permissions = str_list(obj, "permissions")?;
    for p in role_permissions(data, &role_names) {
        if !permissions.contains(&p) {
            permissions.push(p);
        }
    }
    Ok(User {
        user_id: new_user_id(),
        login_ids: vec![login_id],
        name: opt_str(obj, "name")?.unwrap_or_default(),
        given_name: opt_str(obj, "givenName")?.unwrap_or_default(),
        middle_name: opt_str(obj, "middleName")?.unwrap_or_default(),
        family_name: opt_str(obj, "familyName")?.unwrap_or_default(),
        verified_email: !email.is_empty(),
        verified_phone: !phone.is_empty(),
        email,
        phone,
        role_names,
        permissions,
        user_tenants,
        custom_attributes,
        password_hash: opt_str(obj, "password")?.map(|p| crate::password::hash(&p)),
        created_time: now,
        ..User::default()
    })
}

/// Loads a `--seed` array: user objects, plus optional `{tenants:[{id,name}]}` /
/// `{roles:[{name,permissions}]}` entries or per-user `tenants`/`roles` keys.
pub fn load_seed(data: &mut Data, seed: &Value, now: i64) -> Result<usize, String> {
    let items = seed.as_array().ok_or("seed must be a JSON array")?;
    // Roles and tenants first, so users can refer to them.
    for item in items {
        if let Some(roles) = item.get("roles").and_then(Value::as_array) {
            for r in roles {
                if let Some(name) = r.get("name").and_then(Value::as_str) {
                    let perms = r
                        .get("permissions")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|p| p.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    data.roles.insert(name.to_string(), perms);
                }
            }
        }
        if let Some(tenants) = item.get("tenants").and_then(Value::as_array) {
            for t in tenants {
                if let Some(id) = t
                    .get("id")
                    .or_else(|| t.get("tenantId"))
                    .and_then(Value::as_str)
                {
                    let name = t
                        .get("name")
                        .or_else(|| t.get("tenantName"))
                        .and_then(Value::as_str)
                        .unwrap_or(id);
                    data.tenants.insert(
                        id.to_string(),
                        Tenant {
                            name: name.to_string(),
                            ..Tenant::default()
                        },
                    );
                }
            }
        }
    }
    let mut n = 0;
    for item in items {
        if item.get("loginId").is_none() {
            continue;
        }
        let user = user_from_control(data, item, now)
            .map_err(|e| format!("seed user: {}", e.description))?;
        if let Some(l) = user.login_ids.first() {
            if data.login_index.contains_key(l) {
                return Err(format!("seed user: duplicate loginId {l}"));
            }
        }
        for t in &user.user_tenants {
            data.ensure_tenant(&t.tenant_id, &t.tenant_name);
        }
        data.insert_user(user);
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_masks() {
        assert!(is_phone("+15551234567"));
        assert!(!is_phone("+05551234567"));
        assert!(!is_phone("15551234567"));
        assert!(is_phone("+1555"));
        assert!(!is_phone("+155"));
        assert!(!is_phone("+1555x"));
        assert_eq!(mask_phone("+15551234567"), "+1******4567");
        assert_eq!(mask_email("jane@example.com"), "j***@example.com");
        assert!(is_email("a@b.co"));
        assert!(!is_email("ab.co"));
    }

    #[test]
    fn strict_email_follows_the_core_js_regex() {
        for ok in ["a@b", "a.b+c@ex-ample.co.uk", "x!#$%&'*+/=?^_`{|}~-@d.e"] {
            assert!(is_strict_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "@b.co", "a@", "a@b..co", "a@.b", "a@b.", "a b@c.d", "a@b@c", "a@b_c.d",
            "ä@b.co", "a@b,co",
        ] {
            assert!(!is_strict_email(bad), "{bad}");
        }
    }
}
