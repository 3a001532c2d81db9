//! Covenant-dialect queries (`select` .. `from` .. `where` .. `order` .. `limit`) and `insert`,
//! `update`, `delete` steps on a database, written as SQL for the database's dialect at compile
//! time. Every value (a `var` or a `lit`) becomes a parameter, never text; names are quoted as the
//! dialect quotes identifiers. With a `schema` in the database snippet, tables and columns are
//! checked and a query's rows get a struct type: a declared struct with exactly the selected
//! columns, else one named after the table.

use super::*;
use crate::cst::Node;
use crate::ir::RowShape;
use crate::sql::Dialect;

/// A table of a database's `schema`: its name and columns (name, type; `Type::Error` when the
/// type is not one Covenant reads).
#[derive(Clone, Debug)]
pub(super) struct Table {
    pub name: String,
    pub columns: Vec<(String, Type)>,
}

/// SQL text being written for one dialect, with its parameters.
pub(super) struct SqlText {
    pub dialect: Dialect,
    pub text: String,
    pub values: Vec<Value>,
}

impl SqlText {
    fn new(dialect: Dialect) -> SqlText {
        SqlText { dialect, text: String::new(), values: vec![] }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// A name, each dotted part quoted (`u.id` -> `"u"."id"`).
    fn ident(&mut self, name: &str) {
        let parts: Vec<String> = name
            .split('.')
            .map(|p| match self.dialect {
                Dialect::Mysql => format!("`{}`", p.replace('`', "``")),
                Dialect::Sqlserver => format!("[{}]", p.replace(']', "]]")),
                _ => format!("\"{}\"", p.replace('"', "\"\"")),
            })
            .collect();
        self.text.push_str(&parts.join("."));
    }

    /// A value: a placeholder in the dialect's positional form.
    fn param(&mut self, v: Value) {
        self.values.push(v);
        let n = self.values.len();
        match self.dialect {
            Dialect::Postgres => self.text.push_str(&format!("${n}")),
            Dialect::Sqlite => self.text.push_str(&format!("?{n}")),
            Dialect::Sqlserver => self.text.push_str(&format!("@p{n}")),
            Dialect::Mysql => self.text.push('?'),
        }
    }
}

/// The text of a line's attribute `key`.
pub(super) fn text_of(node: &Node, key: &str) -> Option<Spanned<String>> {
    node.attr(key).and_then(super::query::lit_text)
}

/// All attributes of a step: on its own lines and on attribute-only lines.
fn step_attr(node: &Node, key: &str) -> Option<ast::Attr> {
    node.attrs()
        .chain(node.children.iter().filter(|c| c.word.is_none()).flat_map(Node::attrs))
        .find(|a| a.key.value == key)
        .cloned()
}

fn step_text(node: &Node, key: &str) -> Option<Spanned<String>> {
    step_attr(node, key).as_ref().and_then(super::query::lit_text)
}

const COMPARISONS: [(&str, &str); 6] =
    [("equals", "="), ("not_equals", "<>"), ("less", "<"), ("greater", ">"), ("less_eq", "<="), ("greater_eq", ">=")];

impl<'a> Checker<'a> {
    /// The tables of a `database` snippet's `schema` section.
    pub(super) fn schema_tables(&mut self, s: &ast::Snippet) -> Vec<Table> {
        let mut tables = vec![];
        for schema in s.node.children.iter().filter(|c| c.is("schema")) {
            for t in schema.children.iter().filter(|c| c.is("table")) {
                let Some(name) = text_of(t, "name") else { continue };
                let mut columns = vec![];
                for f in t.children.iter().filter(|c| c.is("field")) {
                    let Some(col) = text_of(f, "name") else { continue };
                    let ty = text_of(f, "type").and_then(|ty| self.parse_type(&ty.value)).unwrap_or(Type::Error);
                    // `optional` (or a nullable marker) makes the column's type optional.
                    let optional = f.has_flag("optional")
                        || matches!(f.attr("optional").map(|a| &a.value.value), Some(LitValue::Bool(true)));
                    let ty = if optional && !matches!(ty, Type::Optional(_) | Type::Error) {
                        Type::Optional(Box::new(ty))
                    } else {
                        ty
                    };
                    columns.push((col.value, ty));
                }
                tables.push(Table { name: name.value, columns });
            }
        }
        tables
    }

    /// `db.table` or `table` (with the step's `target`): the database and the table's name.
    fn table_target(&mut self, node: &Node, key: &str) -> Option<(u32, Spanned<String>)> {
        let Some(written) = step_text(node, key) else {
            self.diags.push(
                Diagnostic::error("E-PARSE-002", format!("this step is missing `{key}=`"), node.head_span())
                    .with_label(format!("needs `{key}=\"db.table\"`"))
                    .with_help("name the table, with its database when there are several: `app_db.users`"),
            );
            return None;
        };
        let (db_name, table) = match written.value.rsplit_once('.') {
            Some((db, table)) => (Some(Spanned::new(db.to_string(), written.span)), table.to_string()),
            // `update` names its table with `target`: then only a dotted name says the database.
            None if key == "target" => (None, written.value.clone()),
            None => (step_text(node, "target"), written.value.clone()),
        };
        let db = self.database_for(db_name.as_ref(), node.head_span())?;
        Some((db, Spanned::new(table, written.span)))
    }

    /// The table's columns when the database has a schema; E-QUERY-002 when it has one without
    /// this table.
    fn table_columns(&mut self, db: u32, table: &Spanned<String>) -> Option<Option<Vec<(String, Type)>>> {
        let tables = self.schemas.get(&db).cloned().unwrap_or_default();
        if tables.is_empty() {
            return Some(None);
        }
        if let Some(t) = tables.iter().find(|t| t.name == table.value) {
            return Some(Some(t.columns.clone()));
        }
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        let mut d = Diagnostic::error(
            "E-QUERY-002",
            format!("no table `{}` in the database's schema", table.value),
            table.span,
        )
        .with_label("not a table of this database");
        d = match closest(&table.value, names.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("its tables: {}", names.join(", "))),
        };
        self.diags.push(d);
        None
    }

    /// A column the schema knows (or any column without a schema), else E-QUERY-002.
    fn column(&mut self, columns: Option<&[(String, Type)]>, name: &Spanned<String>) -> bool {
        let Some(columns) = columns else { return true };
        let bare = name.value.rsplit('.').next().unwrap_or(&name.value);
        if columns.iter().any(|(c, _)| c == bare) || name.value.contains('.') {
            return true;
        }
        let mut d = Diagnostic::error("E-QUERY-002", format!("no column `{}`", name.value), name.span)
            .with_label("not a column of this table");
        if let Some(s) = closest(bare, columns.iter().map(|(c, _)| c.as_str())) {
            d = d.with_help(format!("did you mean `{s}`?")).with_edit(name.span, format!("\"{s}\""));
        } else {
            let all: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
            d = d.with_help(format!("its columns: {}", all.join(", ")));
        }
        self.diags.push(d);
        false
    }

    /// A value written as `var=`, `from=` or `lit=` on a line.
    fn line_value(&mut self, line: &Node, body: &mut Body, out: &mut Vec<Op>) -> Option<Value> {
        let operand = match (text_of(line, "var").or_else(|| text_of(line, "from")), line.attr("lit")) {
            (Some(name), _) => Operand::Var(name),
            (None, Some(lit)) => Operand::Lit(lit.value.clone()),
            _ => return None,
        };
        let v = self.value(&operand, body, out);
        Some(v)
    }

    /// Writes a condition (`equals field=.. var=..`, `and`/`or` .. `end`, `not`); false when it
    /// could not be written.
    fn condition(
        &mut self,
        sql: &mut SqlText,
        node: &Node,
        columns: Option<&[(String, Type)]>,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> bool {
        let word = node.word().unwrap_or_default().to_string();
        match word.as_str() {
            "and" | "or" => {
                let parts: Vec<&Node> = node.children.iter().filter(|c| c.word.is_some()).collect();
                if parts.is_empty() {
                    sql.push(if word == "and" { "1 = 1" } else { "1 = 0" });
                    return true;
                }
                sql.push("(");
                let mut ok = true;
                for (i, c) in parts.iter().enumerate() {
                    if i > 0 {
                        sql.push(if word == "and" { " AND " } else { " OR " });
                    }
                    ok &= self.condition(sql, c, columns, body, out);
                }
                sql.push(")");
                ok
            }
            "not" => {
                let Some(inner) = node.children.iter().find(|c| c.word.is_some()) else { return false };
                sql.push("NOT (");
                let ok = self.condition(sql, inner, columns, body, out);
                sql.push(")");
                ok
            }
            w => {
                let Some(field) = text_of(node, "field") else {
                    self.diags.push(
                        Diagnostic::error("E-PARSE-002", format!("`{w}` needs `field=`"), node.head_span())
                            .with_label("which column?")
                            .with_help("write `equals field=\"name\" var=\"value\"`"),
                    );
                    return false;
                };
                let mut ok = self.column(columns, &field);
                let op = COMPARISONS.iter().find(|(k, _)| *k == w).map(|(_, op)| *op);
                if op.is_none() && w != "contains" {
                    self.diags.push(
                        Diagnostic::error("E-QUERY-002", format!("`{w}` is not a condition"), node.head_span())
                            .with_label("unknown condition")
                            .with_help(
                                "use equals, not_equals, less, greater, less_eq, greater_eq, contains, and, or, not",
                            ),
                    );
                    return false;
                }
                // Another column on the right, or a value.
                let other = node.attrs().filter(|a| a.key.value == "field").nth(1).and_then(super::query::lit_text);
                sql.ident(&field.value);
                if let Some(other) = other {
                    ok &= self.column(columns, &other);
                    sql.push(&format!(" {} ", op.unwrap_or("=")));
                    sql.ident(&other.value);
                    return ok;
                }
                let value = self.line_value(node, body, out);
                let Some(value) = value else {
                    self.diags.push(
                        Diagnostic::error("E-PARSE-002", format!("`{w}` needs a value"), node.head_span())
                            .with_label("compared with what?")
                            .with_help("add `var=\"name\"`, `lit=...` or a second `field=`"),
                    );
                    return false;
                };
                let none = matches!(node.attr("lit").map(|a| &a.value.value), Some(LitValue::None));
                match (w, none) {
                    ("equals", true) => sql.push(" IS NULL"),
                    ("not_equals", true) => sql.push(" IS NOT NULL"),
                    ("contains", _) => {
                        // Substring match: the value is a parameter inside the pattern.
                        match sql.dialect {
                            Dialect::Mysql => {
                                sql.push(" LIKE CONCAT('%', ");
                                sql.param(value);
                                sql.push(", '%')");
                            }
                            Dialect::Sqlserver => {
                                sql.push(" LIKE '%' + ");
                                sql.param(value);
                                sql.push(" + '%'");
                            }
                            _ => {
                                sql.push(" LIKE '%' || ");
                                sql.param(value);
                                sql.push(" || '%'");
                            }
                        }
                    }
                    (_, _) => {
                        sql.push(&format!(" {} ", op.unwrap_or("=")));
                        if !super::query::column_type(&value.ty()) {
                            ok = false;
                            self.diags.push(
                                Diagnostic::error(
                                    "E-TYPE-001",
                                    format!("a column cannot be compared with {}", value.ty()),
                                    node.head_span(),
                                )
                                .with_label(format!("this value is {}", value.ty()))
                                .with_help("compare with an Int, Float, Bool, String or Bytes value"),
                            );
                        }
                        sql.param(value);
                    }
                }
                ok
            }
        }
    }

    /// `where .. end`, if the step has one.
    fn where_clause(
        &mut self,
        sql: &mut SqlText,
        node: &Node,
        columns: Option<&[(String, Type)]>,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> bool {
        let Some(w) = node.children.iter().find(|c| c.is("where")) else { return true };
        let conditions: Vec<&Node> = w.children.iter().filter(|c| c.word.is_some()).collect();
        if conditions.is_empty() {
            return true;
        }
        sql.push(" WHERE ");
        let mut ok = true;
        for (i, c) in conditions.iter().enumerate() {
            if i > 0 {
                sql.push(" AND ");
            }
            ok &= self.condition(sql, c, columns, body, out);
        }
        ok
    }

    /// The struct a query's rows become: a declared struct with exactly these columns, else one
    /// named after the table (and the columns, for a selection).
    fn row_struct(&mut self, table: &str, columns: &[(String, Type)], all: bool) -> Type {
        let found = self.out.types.defs.iter().position(|d| match d {
            crate::types::TypeDef::Struct { fields, .. } => {
                fields.len() == columns.len() && columns.iter().all(|c| fields.contains(c))
            }
            _ => false,
        });
        if let Some(id) = found {
            let name = self.out.types.defs[id].name().to_string();
            return Type::Struct(crate::types::Named { id: id as u32, name: name.into() });
        }
        let mut name = table.to_string();
        if !all {
            for (c, _) in columns {
                name.push('_');
                name.push_str(c);
            }
        }
        self.out.types.defs.push(crate::types::TypeDef::Struct { name: name.clone(), fields: columns.to_vec() });
        Type::Struct(crate::types::Named { id: self.out.types.defs.len() as u32 - 1, name: name.into() })
    }

    /// A Covenant-dialect `query` on a database: `select` (`all` or `field=` names), `from`,
    /// `join to=.. on .. end`, `where`, `order by=.. dir=..`, `limit=`, `offset=`.
    pub(super) fn covenant_query(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let node = &step.node;
        let Some((db, table)) = self.table_target(node, "from") else { return self.bind_poison(step, body) };
        let dialect = self.out.databases[db as usize].dialect;
        let Some(columns) = self.table_columns(db, &table) else { return self.bind_poison(step, body) };
        let select = node.children.iter().find(|c| c.is("select"));
        let fields: Vec<Spanned<String>> = select
            .map(|n| n.attrs().filter(|a| a.key.value == "field").filter_map(super::query::lit_text).collect())
            .unwrap_or_default();
        let all = fields.is_empty();
        let mut ok = true;
        for f in &fields {
            ok &= self.column(columns.as_deref(), f);
        }
        let mut sql = SqlText::new(dialect);
        // The selected columns, named: the rows are read by column name.
        let selected: Vec<String> = match (&columns, all) {
            (Some(cols), true) => cols.iter().map(|(c, _)| c.clone()).collect(),
            _ => fields.iter().map(|f| f.value.clone()).collect(),
        };
        sql.push("SELECT ");
        if selected.is_empty() {
            sql.push("*");
        }
        for (i, c) in selected.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(c);
            // `t.col` is read back as `col`, the row struct's field.
            if let Some((_, bare)) = c.rsplit_once('.') {
                sql.push(" AS ");
                sql.ident(bare);
            }
        }
        sql.push(" FROM ");
        sql.ident(&table.value);
        if let Some(join) = node.children.iter().find(|c| c.is("join")) {
            let Some(to) = text_of(join, "to") else { return self.bind_poison(step, body) };
            sql.push(" JOIN ");
            sql.ident(&to.value);
            sql.push(" ON ");
            match join.children.iter().find(|c| c.word.is_some()) {
                // Join conditions name columns of either table: they are not checked against one.
                Some(c) => ok &= self.condition(&mut sql, c, None, body, out),
                None => sql.push("1 = 1"),
            }
        }
        ok &= self.where_clause(&mut sql, node, columns.as_deref(), body, out);
        if let Some(order) = node.children.iter().find(|c| c.is("order"))
            && let Some(by) = text_of(order, "by")
        {
            ok &= self.column(columns.as_deref(), &by);
            sql.push(" ORDER BY ");
            sql.ident(&by.value);
            let desc = text_of(order, "dir").is_some_and(|d| d.value.eq_ignore_ascii_case("desc"));
            sql.push(if desc { " DESC" } else { " ASC" });
        }
        let number = |key: &str| match step_attr(node, key).map(|a| a.value.value) {
            Some(LitValue::Int(n)) if n >= 0 => Some(n),
            _ => None,
        };
        let (limit, offset) = (number("limit"), number("offset"));
        if limit.is_some() || offset.is_some() {
            match dialect {
                Dialect::Sqlserver => {
                    if !sql.text.contains(" ORDER BY ") {
                        sql.push(" ORDER BY (SELECT NULL)");
                    }
                    sql.push(&format!(" OFFSET {} ROWS", offset.unwrap_or(0)));
                    if let Some(n) = limit {
                        sql.push(&format!(" FETCH NEXT {n} ROWS ONLY"));
                    }
                }
                _ => {
                    // MySQL has no OFFSET without a LIMIT: the largest one stands for "all".
                    sql.push(&format!(" LIMIT {}", limit.unwrap_or(i64::MAX)));
                    if let Some(m) = offset {
                        sql.push(&format!(" OFFSET {m}"));
                    }
                }
            }
        }
        if !ok {
            // The errors are reported; the rows' type would only repeat them.
            return self.bind_poison(step, body);
        }
        let (shape, ty) = match (node.children.iter().find(|c| c.is("returns")), &columns) {
            (Some(r), _) => self.row_shape(r),
            (None, Some(cols)) => {
                // A column of the `from` table (bare, or prefixed with its name); a joined table's
                // columns have no schema here (`returns` gives their type).
                let own = |c: &str| match c.rsplit_once('.') {
                    Some((t, bare)) if t == table.value => Some(bare.to_string()),
                    Some(_) => None,
                    None => Some(c.to_string()),
                };
                let chosen: Vec<(String, Type)> = selected
                    .iter()
                    .map(|c| {
                        let bare = c.rsplit('.').next().unwrap_or(c).to_string();
                        own(c).and_then(|o| cols.iter().find(|(n, _)| *n == o).cloned()).unwrap_or((bare, Type::Error))
                    })
                    .collect();
                if let Some((c, _)) = chosen.iter().find(|(_, t)| !super::query::column_type(t) || *t == Type::Error) {
                    self.diags.push(
                        Diagnostic::error(
                            "E-QUERY-013",
                            format!("column `{c}` has a type Covenant does not read"),
                            table.span,
                        )
                        .with_label("its type in the schema is not Int, Float, Bool, String or Bytes")
                        .with_help(
                            "select the other columns with `select field=..`, or add `returns collection of=\"T\"`",
                        ),
                    );
                    return self.bind_poison(step, body);
                }
                let row = self.row_struct(&table.value, &chosen, all);
                (RowShape::Rows(row.clone()), Type::list(row))
            }
            (None, None) => {
                self.diags.push(
                    Diagnostic::error("E-QUERY-022", "this query does not say what its rows are", node.head_span())
                        .with_label("the database has no schema for this table")
                        .with_help(
                            "add `returns collection of=\"T\"`, or a `schema` with the table to the database snippet",
                        ),
                );
                return self.bind_poison(step, body);
            }
        };
        if !ok || ty == Type::Error {
            return self.bind_poison(step, body);
        }
        self.run_query(s, step, db, sql, shape, ty, node.head_span(), body, out)
    }

    /// `insert into=..`, `update target=..` and `delete from=..` with `set field=.. from=|lit=`
    /// lines and a `where`: the number of rows changed.
    pub(super) fn write_step(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        kind: &str,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let node = &step.node;
        let key = match kind {
            "insert" => "into",
            "update" => "target",
            _ => "from",
        };
        let Some((db, table)) = self.table_target(node, key) else { return self.bind_poison(step, body) };
        let dialect = self.out.databases[db as usize].dialect;
        let Some(columns) = self.table_columns(db, &table) else { return self.bind_poison(step, body) };
        let mut ok = true;
        let mut sets = vec![];
        for set in node.children.iter().filter(|c| c.is("set")) {
            let Some(field) = text_of(set, "field") else { continue };
            ok &= self.column(columns.as_deref(), &field);
            match self.line_value(set, body, out) {
                Some(v) if super::query::column_type(&v.ty()) => sets.push((field, v)),
                Some(v) => {
                    ok = false;
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-001",
                            format!("column `{}` cannot hold {}", field.value, v.ty()),
                            field.span,
                        )
                        .with_label(format!("this value is {}", v.ty()))
                        .with_help("set an Int, Float, Bool, String or Bytes value, or an optional one"),
                    );
                }
                None => ok = false,
            }
        }
        let mut sql = SqlText::new(dialect);
        match kind {
            "insert" => {
                sql.push("INSERT INTO ");
                sql.ident(&table.value);
                sql.push(" (");
                for (i, (f, _)) in sets.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(&f.value);
                }
                sql.push(") VALUES (");
                for (i, (_, v)) in sets.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.param(v.clone());
                }
                sql.push(")");
            }
            "update" => {
                sql.push("UPDATE ");
                sql.ident(&table.value);
                sql.push(" SET ");
                for (i, (f, v)) in sets.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(&f.value);
                    sql.push(" = ");
                    sql.param(v.clone());
                }
                ok &= self.where_clause(&mut sql, node, columns.as_deref(), body, out);
            }
            _ => {
                sql.push("DELETE FROM ");
                sql.ident(&table.value);
                ok &= self.where_clause(&mut sql, node, columns.as_deref(), body, out);
            }
        }
        if kind != "delete" && sets.is_empty() && ok {
            ok = false;
            self.diags.push(
                Diagnostic::error("E-PARSE-002", format!("this `{kind}` sets no column"), node.head_span())
                    .with_label("needs `set field=\"..\" from=\"..\"` lines")
                    .with_help("add a `set` line per column"),
            );
        }
        if !ok {
            return self.bind_poison(step, body);
        }
        self.run_query(s, step, db, sql, RowShape::Scalar(Type::Int), Type::Int, node.head_span(), body, out)
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::CheckedProgram;

    fn checked(dialect: &str, steps: &str) -> CheckedProgram {
        let source = format!(
            r#"snippet id="db.app" kind="database"
metadata
  dialect="{dialect}"
end
schema
  table name="people"
    field name="id" type="Int"
    field name="name" type="String"
    field name="age" type="Int"
  end
end
end

snippet id="app.find" kind="fn"
effects
  effect database
end
signature
  fn name="find"
    param name="min" type="Int"
    returns type="Unit"
  end
end
body
{steps}end
end
"#
        );
        let (tree, _) = crate::parser::parse_tree(&source);
        let (ast, _) = crate::syntax::build(&tree);
        let (program, diags) = crate::check::check(&ast, &source, crate::Target::Wasi);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        program
    }

    const SELECT: &str = r#"  step id="s1" kind="query"
    select field="name"
    from="people"
    where
      or
        greater_eq field="age" var="min"
        contains field="name" lit="a"
      end
    end
    order by="age" dir="desc"
    limit=2
    offset=1
    as="_"
  end
"#;

    #[test]
    fn a_covenant_query_is_written_in_each_dialect() {
        let expected = [
            (
                "sqlite",
                r#"SELECT "name" FROM "people" WHERE ("age" >= ?1 OR "name" LIKE '%' || ?2 || '%') ORDER BY "age" DESC LIMIT 2 OFFSET 1"#,
            ),
            (
                "postgres",
                r#"SELECT "name" FROM "people" WHERE ("age" >= $1 OR "name" LIKE '%' || $2 || '%') ORDER BY "age" DESC LIMIT 2 OFFSET 1"#,
            ),
            (
                "mysql",
                "SELECT `name` FROM `people` WHERE (`age` >= ? OR `name` LIKE CONCAT('%', ?, '%')) ORDER BY `age` DESC LIMIT 2 OFFSET 1",
            ),
            (
                "sqlserver",
                "SELECT [name] FROM [people] WHERE ([age] >= @p1 OR [name] LIKE '%' + @p2 + '%') ORDER BY [age] DESC OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY",
            ),
        ];
        for (dialect, sql) in expected {
            let program = checked(dialect, SELECT);
            assert_eq!(program.queries[0].sql, sql, "{dialect}");
            assert_eq!(program.queries[0].params.len(), 2);
        }
    }

    #[test]
    fn a_join_reads_columns_back_by_their_names() {
        let steps = r#"  step id="s1" kind="query"
    select field="people.name" field="people.age"
    from="people"
    join to="orders" on
      equals field="orders.person_id" field="people.id"
    end
    where
      greater field="orders.total" lit=10
    end
    as="_"
  end
"#;
        let program = checked("postgres", steps);
        assert_eq!(
            program.queries[0].sql,
            r#"SELECT "people"."name" AS "name", "people"."age" AS "age" FROM "people" JOIN "orders" ON "orders"."person_id" = "people"."id" WHERE "orders"."total" > $1"#
        );
    }

    #[test]
    fn writes_are_parameterized() {
        let steps = r#"  step id="s1" kind="insert"
    into="app.people"
    set field="name" lit="x'); DROP TABLE people; --"
    set field="age" from="min"
    as="_"
  end
  step id="s2" kind="update"
    target="people"
    set field="age" lit=3
    where
      equals field="name" lit=none
    end
    as="_"
  end
  step id="s3" kind="delete"
    from="people"
    where
      not
        less field="age" field="id"
    end
    as="_"
  end
"#;
        let program = checked("postgres", steps);
        let sql: Vec<&str> = program.queries.iter().map(|q| q.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                r#"INSERT INTO "people" ("name", "age") VALUES ($1, $2)"#,
                r#"UPDATE "people" SET "age" = $1 WHERE "name" IS NULL"#,
                r#"DELETE FROM "people" WHERE NOT ("age" < "id")"#,
            ]
        );
    }
}
