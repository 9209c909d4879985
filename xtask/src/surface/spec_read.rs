//! Reading the spec: operations, their parameters and bodies, `$ref`s.

use super::*;

pub(super) struct Op {
    pub(super) id: String,
    /// The HTTP method, upper case.
    pub(super) method: String,
    /// The path below the server URL.
    pub(super) path: String,
    pub(super) summary: String,
    pub(super) description: String,
    pub(super) params: Vec<Param>,
    /// The request body's component schema.
    pub(super) body: Option<String>,
    /// The 2xx response's component schema.
    pub(super) response: Option<String>,
}

pub(super) struct Param {
    pub(super) name: String,
    pub(super) description: String,
    pub(super) schema: Value,
}

pub(super) fn operations(doc: &Value) -> Result<Vec<Op>, String> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in crate::spec::METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            let mut params = Vec::new();
            let all = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for p in all {
                let (_, p) = resolve(doc, p)?;
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if p["in"] != "path" {
                    return Err(format!(
                        "operation `{id}`: parameter `{name}` is `in: {}`; the surface generator \
                         (xtask/src/surface/) only handles path parameters so far",
                        p["in"].as_str().unwrap_or("?")
                    ));
                }
                let (_, schema) = resolve(doc, &p["schema"])?;
                params.push(Param {
                    name,
                    description: text(p.get("description")),
                    schema: schema.clone(),
                });
            }
            // Path parameters in the order the path names them: generated calls pass them so.
            params.sort_by_key(|p| path.find(&format!("{{{}}}", p.name)));
            let body = match op.get("requestBody") {
                Some(b) => {
                    let (_, b) = resolve(doc, b)?;
                    let schema = &b["content"]["application/json"]["schema"];
                    Some(ref_name(schema).ok_or_else(|| {
                        format!(
                            "operation `{id}`: the request body's schema must be a `$ref` to a \
                             component schema (the wrapper names its request type after it)"
                        )
                    })?)
                }
                None => None,
            };
            let response = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .find_map(|(_, r)| {
                    let (_, r) = resolve(doc, r).ok()?;
                    ref_name(&r["content"]["application/json"]["schema"])
                });
            out.push(Op {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(op.get("summary")),
                description: text(op.get("description")),
                params,
                body,
                response,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

pub(super) fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

pub(super) fn ref_name(schema: &Value) -> Option<String> {
    schema["$ref"]
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

/// Follows a local `$ref` (one level is all this spec uses; chains are followed too).
pub(super) fn resolve<'a>(
    doc: &'a Value,
    v: &'a Value,
) -> Result<(Option<String>, &'a Value), String> {
    let mut v = v;
    let mut name = None;
    for _ in 0..8 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return Ok((name, v));
        };
        let pointer = r
            .strip_prefix('#')
            .ok_or_else(|| format!("`$ref: {r}` is not a local reference"))?;
        v = doc
            .pointer(pointer)
            .ok_or_else(|| format!("`$ref: {r}` points nowhere"))?;
        name = r.rsplit('/').next().map(str::to_string);
    }
    Err("a `$ref` chain is longer than 8".into())
}

pub(super) fn schema<'a>(doc: &'a Value, name: &str) -> Result<&'a Value, String> {
    doc.pointer(&format!("/components/schemas/{name}"))
        .ok_or_else(|| format!("component schema `{name}` does not exist"))
}

/// Request schemas reachable from `name`, `name` first, each once.
pub(super) fn collect_schemas(
    doc: &Value,
    name: &str,
    out: &mut Vec<String>,
) -> Result<(), String> {
    if out.iter().any(|n| n == name) {
        return Ok(());
    }
    out.push(name.to_string());
    let s = schema(doc, name)?;
    for (_, prop) in properties(s) {
        if let Some(child) = ref_name(prop) {
            collect_schemas(doc, &child, out)?;
        }
    }
    Ok(())
}

pub(super) fn properties(s: &Value) -> impl Iterator<Item = (&String, &Value)> {
    s.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}
