//! Databases and SQL: `database` snippets, `query` steps in a SQL dialect, `transaction` steps.
//! A query's placeholders are checked against its `params` (E-QUERY-020 / 021; `:name` in every
//! dialect, or the dialect's own `$1`, `?`, `?1`, `@p1`, `@name`: LANGUAGE-DECISIONS 26, 27) and
//! rewritten to the database's positional form; its `returns` says how rows become the step's
//! value (E-QUERY-022 when missing, E-QUERY-013 when no column can fill it).
//!
//! A failed query returns the `DbError` from the function when its return type has one (after a
//! rollback inside a transaction); otherwise it ends the run with the named error.

use super::covenant_sql::SqlText;
use super::*;
use crate::cst::Node;
use crate::ir::{Database, RowShape, SqlQuery};
use crate::sql::{self, Dialect, Placeholder};
use crate::stdlib::Intrinsic;

/// An attribute's value when it is text (a string or a bare word).
pub(super) fn lit_text(a: &ast::Attr) -> Option<Spanned<String>> {
    match &a.value.value {
        LitValue::Str(s) | LitValue::Word(s) => Some(Spanned::new(s.clone(), a.value.span)),
        _ => None,
    }
}

/// Whether a column can hold a value of this type.
pub(super) fn column_type(t: &Type) -> bool {
    match t {
        Type::Int | Type::Float | Type::Bool | Type::String | Type::Bytes | Type::Error => true,
        Type::Optional(inner) => !matches!(**inner, Type::Optional(_)) && column_type(inner),
        _ => false,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn database_snippet(&mut self, s: &ast::Snippet) {
        let meta = |key: &str| s.metadata.iter().find(|a| a.key.value == key).and_then(lit_text);
        let dialect = match meta("dialect") {
            None => Dialect::Sqlite,
            Some(d) => match Dialect::from_name(&d.value) {
                Some(dialect) => dialect,
                None => {
                    self.diags.push(
                        Diagnostic::error("E-QUERY-002", format!("`{}` is not a database dialect", d.value), d.span)
                            .with_label("unknown dialect")
                            .with_help("use `postgres`, `mysql`, `sqlserver` or `sqlite`"),
                    );
                    return;
                }
            },
        };
        let connection = meta("connection").map(|c| c.value).unwrap_or_default();
        let tables = self.schema_tables(s);
        self.schemas.insert(self.out.databases.len() as u32, tables);
        self.out.databases.push(Database { id: s.id.value.clone(), dialect, connection, readonly: true });
    }

    /// The database a query or transaction runs on: the one `target` names (its snippet id or the
    /// id's last segment), or the only one declared.
    pub(super) fn database_for(&mut self, target: Option<&Spanned<String>>, at: Span) -> Option<u32> {
        let dbs = &self.out.databases;
        let found = match target {
            Some(t) => dbs.iter().position(|d| d.id == t.value || d.id.rsplit('.').next() == Some(t.value.as_str())),
            None if dbs.len() == 1 => Some(0),
            None => None,
        };
        if found.is_none() {
            let names: Vec<&str> = dbs.iter().map(|d| d.id.as_str()).collect();
            let d = match target {
                // Queries on the project are answered elsewhere (check/project.rs): here it is a write.
                Some(t) if t.value == "project" || t.value.starts_with("project.") => {
                    Diagnostic::error("E-QUERY-002", "a program cannot change its own project", t.span)
                        .with_label("the program's symbol graph is read-only at run time")
                        .with_help("read it with `query target=\"project\"` or `traverse target=\"project\"`")
                }
                Some(t) => {
                    let d = Diagnostic::error("E-QUERY-002", format!("no database `{}`", t.value), t.span)
                        .with_label("not a declared database");
                    match closest(&t.value, names.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(t.span, format!("\"{s}\"")),
                        None if names.is_empty() => d.with_help(
                            "declare it: `snippet id=\"db.app\" kind=\"database\" metadata dialect=\"sqlite\" end end`",
                        ),
                        None => d.with_help(format!("declared databases: {}", names.join(", "))),
                    }
                }
                None if names.is_empty() => Diagnostic::error(
                    "E-QUERY-002",
                    "this query has no database to run on",
                    at,
                )
                .with_label("no `database` snippet is declared")
                .with_help(
                    "declare one: `snippet id=\"db.app\" kind=\"database\" metadata dialect=\"sqlite\" end end`",
                ),
                None => Diagnostic::error("E-QUERY-002", "this query does not say which database it runs on", at)
                    .with_label("several databases are declared")
                    .with_help(format!("add `target=\"..\"` naming one of {}", names.join(", "))),
            };
            self.diags.push(d);
        }
        found.map(|i| i as u32)
    }

    /// The `effect database` declaration that allows a query (its span, and whether it is
    /// read-only), or E-EFFECT-001 / 002.
    fn database_effect(&mut self, s: &ast::Snippet, kind: &Spanned<String>) -> Option<(Span, bool)> {
        let decl = s.effects.iter().find(|e| e.name.value == "database");
        if decl.is_none() {
            self.missing_effect(s, kind, &format!("{} step", kind.value), "database", "E-EFFECT-002");
        }
        decl.map(|d| (d.span, super::effects::readonly_param(d)))
    }

    pub(super) fn query_step(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let node = &step.node;
        let attrs: Vec<&ast::Attr> =
            node.attrs().chain(node.children.iter().filter(|c| c.word.is_none()).flat_map(Node::attrs)).collect();
        let text = |key: &str| attrs.iter().find(|a| a.key.value == key).and_then(|a| lit_text(a));
        let kind = Spanned::new("query".to_string(), node.head_span());
        let dialect = text("dialect");
        let Some(dialect) = dialect.filter(|d| d.value != "covenant") else {
            if text("target").is_some_and(|t| t.value == "project") {
                return self.project_query(s, step, body, out);
            }
            return self.covenant_query(s, step, body, out);
        };
        let returns = node.children.iter().find(|c| c.is("returns"));
        if returns.is_none() {
            self.diags.push(
                Diagnostic::error("E-QUERY-022", "this SQL query does not say what it returns", node.head_span())
                    .with_label("needs a `returns` annotation")
                    .with_help("add `returns collection of=\"Row\"`, `returns type=\"T\"`, or `returns type=\"Unit\"`"),
            );
        }
        let params: Vec<(Spanned<String>, Operand)> = node
            .children
            .iter()
            .filter(|c| c.is("params"))
            .flat_map(|p| p.children.iter().filter(|c| c.is("param")))
            .filter_map(|p| {
                let name = p.attr("name").and_then(lit_text)?;
                let value = match (p.attr("from").and_then(lit_text), p.attr("lit")) {
                    (Some(from), _) => Operand::Var(from),
                    (None, Some(lit)) => Operand::Lit(lit.value.clone()),
                    (None, None) => Operand::Var(name.clone()),
                };
                Some((name, value))
            })
            .collect();
        let Some(sql_body) = node.children.iter().find_map(|c| c.raw.as_ref()) else {
            self.diags.push(
                Diagnostic::error("E-QUERY-022", "this SQL query has no `body`", node.head_span())
                    .with_label("needs the SQL text")
                    .with_help("add `body SELECT ... end` with the statement"),
            );
            return self.bind_poison(step, body);
        };
        let mut ok = self.placeholders_match(sql_body, &params);
        let Some(db) = self.database_for(text("target").as_ref(), node.head_span()) else {
            return self.bind_poison(step, body);
        };
        let database = self.out.databases[db as usize].clone();
        match Dialect::from_name(&dialect.value) {
            Some(d) if d == database.dialect => {}
            _ => {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        "E-QUERY-002",
                        format!(
                            "this query is written for `{}`, but `{}` is a {} database",
                            dialect.value,
                            database.id,
                            database.dialect.name()
                        ),
                        dialect.span,
                    )
                    .with_label("not the database's dialect")
                    .with_help(format!("write it for {}", database.dialect.name()))
                    .with_edit(dialect.span, format!("\"{}\"", database.dialect.name())),
                );
            }
        }
        // The parameters' values, each of a type a column holds.
        let mut values = vec![];
        for (name, operand) in &params {
            let v = self.value(operand, body, out);
            if !column_type(&v.ty()) {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("param `{}` is {}, which no column holds", name.value, v.ty()),
                        name.span,
                    )
                    .with_label(format!("this is {}", v.ty()))
                    .with_help("pass an Int, Float, Bool, String or Bytes value, or an optional one"),
                );
            }
            values.push(v);
        }
        let (shape, ty) = match returns {
            Some(r) => self.row_shape(r),
            None => (RowShape::Unit, Type::Error),
        };
        let names: Vec<&str> = params.iter().map(|(n, _)| n.value.as_str()).collect();
        let (text, order) = sql::rewrite(&sql_body.value, database.dialect, params.len(), |ph, bare| match ph {
            Placeholder::Named(n) => names.iter().position(|x| x == n),
            Placeholder::Position(n) => n.checked_sub(1),
            Placeholder::Next => Some(bare),
        });
        if !ok || ty == Type::Error && shape != RowShape::Unit {
            self.database_effect(s, &kind);
            return self.bind_poison(step, body);
        }
        let values: Vec<Value> = order.iter().filter_map(|i| values.get(*i).cloned()).collect();
        let text = SqlText { dialect: database.dialect, text, values };
        self.run_query(s, step, db, text, shape, ty, sql_body.span, body, out)
    }

    /// A query written for its database (SQL as given, or written from a Covenant-dialect step):
    /// the effect it needs, a write under `database(readonly=true)` (E-QUERY-015, at `text_span`
    /// for SQL), the `Intrinsic::Query`, and what happens when it fails.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_query(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        db: u32,
        text: SqlText,
        shape: RowShape,
        ty: Type,
        text_span: Span,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let word = match &step.kind {
            StepKind::Other { kind } => kind.value.clone(),
            _ => "query".to_string(),
        };
        let kind = Spanned::new(word, step.node.head_span());
        let decl = self.database_effect(s, &kind);
        let readonly = decl.is_some_and(|(_, readonly)| readonly);
        if readonly && sql::is_write(&text.text) {
            self.diags.push(
                Diagnostic::error(
                    "E-QUERY-015",
                    "this statement writes, but the function's database access is read-only",
                    text_span,
                )
                .with_label("a write")
                .with_help("remove `readonly=true` from `effect database`, or make the statement a query"),
            );
            return self.bind_poison(step, body);
        }
        if !readonly {
            self.out.databases[db as usize].readonly = false;
        }
        let traps = !self.returns_db_error(body);
        let index = self.out.queries.len() as u32;
        let args = text.values;
        self.out.queries.push(SqlQuery {
            database: db,
            sql: text.text,
            params: args.iter().map(Value::ty).collect(),
            shape,
            in_transaction: body.transaction == Some(db),
            traps,
        });
        if let Some(d) = decl {
            self.out.effect_uses.push(EffectUse {
                effect: "database".into(),
                intrinsic: Intrinsic::Query(index),
                call_span: step.span,
                decl_span: d.0,
            });
        }
        let local = step.bind_as.as_ref().and_then(|name| self.bind(body, name, ty.clone(), false));
        out.push(Op::Intrinsic { intrinsic: Intrinsic::Query(index), args, result: local, returns: ty.clone() });
        if !traps {
            self.db_failure(body, out);
        }
        local.map_or(Value::Unit, |l| Value::Local(l, ty))
    }

    /// E-QUERY-020 / 021: every placeholder has a param and every param a placeholder.
    fn placeholders_match(&mut self, sql_body: &Spanned<String>, params: &[(Spanned<String>, Operand)]) -> bool {
        let found = sql::placeholders(&sql_body.value);
        let mut used = vec![false; params.len()];
        let mut next = 0;
        let mut ok = true;
        for (range, ph) in &found {
            let span =
                Span { start: sql_body.span.start + range.start as u32, end: sql_body.span.start + range.end as u32 };
            let index = match ph {
                Placeholder::Named(name) => params.iter().position(|(p, _)| p.value == *name),
                Placeholder::Position(n) => n.checked_sub(1).filter(|i| *i < params.len()),
                Placeholder::Next => {
                    next += 1;
                    (next <= params.len()).then(|| next - 1)
                }
            };
            match index {
                Some(i) => used[i] = true,
                None => {
                    ok = false;
                    let shown = &sql_body.value[range.clone()];
                    let declared: Vec<String> = params.iter().map(|(p, _)| format!("`{}`", p.value)).collect();
                    self.diags.push(
                        Diagnostic::error(
                            "E-QUERY-020",
                            format!("placeholder `{shown}` has no matching `param`"),
                            span,
                        )
                        .with_label("no param for this placeholder")
                        .with_help(if declared.is_empty() {
                            "declare it in a `params` block: `param name=\"...\" from=\"...\"`".to_string()
                        } else {
                            format!("declare it in `params` (declared: {})", declared.join(", "))
                        }),
                    );
                }
            }
        }
        for ((p, _), used) in params.iter().zip(used) {
            if !used {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        "E-QUERY-021",
                        format!("param `{}` is not used in the SQL body", p.value),
                        p.span,
                    )
                    .with_label("no placeholder for this param")
                    .with_help(format!("write `:{}` where the value belongs, or remove the param", p.value)),
                );
            }
        }
        ok
    }

    /// `returns type="T"` or `returns collection of="T"`: the shape and the step's type.
    pub(super) fn row_shape(&mut self, r: &Node) -> (RowShape, Type) {
        let collection = r.has_flag("collection");
        let key = if collection { "of" } else { "type" };
        let Some(written) = r.attr(key).and_then(lit_text) else {
            self.diags.push(
                Diagnostic::error("E-QUERY-022", "this `returns` does not name a type", r.head_span())
                    .with_label(format!("needs `{key}=\"..\"`"))
                    .with_help(
                        "write `returns collection of=\"Row\"`, `returns type=\"T\"`, or `returns type=\"Unit\"`",
                    ),
            );
            return (RowShape::Unit, Type::Error);
        };
        let ty = self.resolve_type(&ast::TypeRef { text: written.value.clone(), span: written.span });
        let row_ty = match &ty {
            Type::Optional(inner) if !collection => (**inner).clone(),
            t => t.clone(),
        };
        // A struct's fields are read from the columns of their names.
        let fits = match &row_ty {
            Type::Struct(n) => {
                let bad: Vec<String> = self
                    .out
                    .types
                    .struct_fields(n)
                    .iter()
                    .filter(|(_, t)| !column_type(t))
                    .map(|(f, t)| format!("`{f}` ({t})"))
                    .collect();
                if !bad.is_empty() {
                    self.diags.push(
                        Diagnostic::error(
                            "E-QUERY-013",
                            format!("no column can fill field {} of `{}`", bad.join(", "), n.name),
                            written.span,
                        )
                        .with_label("a row cannot become this type")
                        .with_help("give the struct fields of Int, Float, Bool, String or Bytes, or optionals of them"),
                    );
                }
                bad.is_empty()
            }
            _ => true,
        };
        if !fits || ty == Type::Error {
            return (RowShape::Unit, Type::Error);
        }
        if !column_type(&row_ty) && !matches!(row_ty, Type::Struct(_) | Type::Unit) {
            self.diags.push(
                Diagnostic::error("E-QUERY-013", format!("a row cannot become {ty}"), written.span)
                    .with_label("not a struct or a column's type")
                    .with_help("return a struct, a collection of structs, or one Int, Float, Bool, String or Bytes"),
            );
            return (RowShape::Unit, Type::Error);
        }
        match (collection, &row_ty) {
            (true, _) => (RowShape::Rows(row_ty.clone()), Type::list(row_ty)),
            (false, Type::Unit) => (RowShape::Unit, Type::Unit),
            (false, Type::Struct(_)) => (RowShape::Row(ty.clone()), ty),
            (false, _) => (RowShape::Scalar(ty.clone()), ty),
        }
    }

    /// Whether the function's return type is a union with the library's `DbError`.
    fn returns_db_error(&mut self, body: &Body) -> bool {
        let db_error = self.std_type_text("DbError");
        matches!(&body.returns, Type::Result(_, e) if **e == db_error)
    }

    /// After a database operation: when it failed, roll back an open transaction and return the
    /// `DbError`.
    fn db_failure(&mut self, body: &mut Body, out: &mut Vec<Op>) {
        let failed = body.new_local(Type::Bool);
        out.push(Op::Intrinsic {
            intrinsic: Intrinsic::DbFailed,
            args: vec![],
            result: Some(failed),
            returns: Type::Bool,
        });
        let db_error = self.std_type_text("DbError");
        let e = body.new_local(db_error.clone());
        let mut then = vec![Op::Intrinsic {
            intrinsic: Intrinsic::DbError,
            args: vec![],
            result: Some(e),
            returns: db_error.clone(),
        }];
        if let Some(db) = body.transaction {
            then.push(Op::Intrinsic {
                intrinsic: Intrinsic::TxRollback(db),
                args: vec![],
                result: None,
                returns: Type::Unit,
            });
        }
        let returns = body.returns.clone();
        let value = self.coerce(Value::Local(e, db_error), &returns, body, &mut then).unwrap_or(Value::Poison);
        then.push(Op::Return(value));
        out.push(Op::If { cond: Value::Local(failed, Type::Bool), then, otherwise: vec![] });
    }

    /// A step that could not be checked binds its name to an unknown type (no follow-on errors).
    pub(super) fn bind_poison(&mut self, step: &ast::Step, body: &mut Body) -> Value {
        if let Some(name) = &step.bind_as {
            self.bind(body, name, Type::Error, false);
        }
        Value::Poison
    }

    /// `transaction`: its steps run on one transaction of the database its first query names,
    /// committed at the end; a failed step rolls it back.
    pub(super) fn transaction_step(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        steps: &[ast::Step],
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let kind = Spanned::new("transaction".to_string(), step.node.head_span());
        let first_query = steps.iter().find(|st| matches!(&st.kind, StepKind::Other { kind } if kind.value == "query"));
        let Some(first_query) = first_query else {
            self.diags.push(
                Diagnostic::error("E-QUERY-002", "this transaction has no query", step.node.head_span())
                    .with_label("nothing to run in a transaction")
                    .with_help("put the `query` steps that must succeed or fail together inside it"),
            );
            return self.bind_poison(step, body);
        };
        let target = first_query.node.attr("target").and_then(lit_text);
        let (Some(db), Some(decl)) =
            (self.database_for(target.as_ref(), first_query.node.head_span()), self.database_effect(s, &kind))
        else {
            return self.bind_poison(step, body);
        };
        let traps = !self.returns_db_error(body);
        let intrinsic = Intrinsic::TxBegin(db);
        self.out.effect_uses.push(EffectUse {
            effect: "database".into(),
            intrinsic,
            call_span: step.span,
            decl_span: decl.0,
        });
        for intrinsic in [Intrinsic::TxCommit(db), Intrinsic::TxRollback(db)] {
            self.out.effect_uses.push(EffectUse {
                effect: "database".into(),
                intrinsic,
                call_span: step.span,
                decl_span: decl.0,
            });
        }
        out.push(Op::Intrinsic { intrinsic, args: vec![Value::Bool(traps)], result: None, returns: Type::Unit });
        if !traps {
            self.db_failure(body, out);
        }
        let outer = body.transaction.replace(db);
        let value = self.block(s, steps, body, out);
        body.transaction = outer;
        out.push(Op::Intrinsic {
            intrinsic: Intrinsic::TxCommit(db),
            args: vec![Value::Bool(traps)],
            result: None,
            returns: Type::Unit,
        });
        if !traps {
            self.db_failure(body, out);
        }
        let Some(name) = &step.bind_as else { return value };
        match self.bind(body, name, value.ty(), false) {
            Some(local) => {
                out.push(Op::Set { local, value: value.clone() });
                Value::Local(local, value.ty())
            }
            None => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::column_type;
    use crate::types::Type;

    #[test]
    fn columns_hold_scalars_and_their_optionals() {
        assert!(column_type(&Type::Int));
        assert!(column_type(&Type::Optional(Box::new(Type::String))));
        assert!(!column_type(&Type::list(Type::Int)));
        assert!(!column_type(&Type::Optional(Box::new(Type::Optional(Box::new(Type::Int))))));
    }
}
