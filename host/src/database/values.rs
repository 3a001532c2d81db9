//! `value`s to and from each database's own types. Booleans go to SQLite and MySQL as 0 / 1;
//! PostgreSQL parameters take the type the statement expects (an Int into an `int4` column).

use super::{Error, Value, error};
use bytes::BytesMut;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

pub fn to_sqlite(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Bool(b) => S::Integer(i64::from(*b)),
        Value::Int(i) => S::Integer(*i),
        Value::Float(f) => S::Real(*f),
        Value::Text(s) => S::Text(s.clone()),
        Value::Blob(b) => S::Blob(b.clone()),
    }
}

pub fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as S;
    match v {
        S::Null => Value::Null,
        S::Integer(i) => Value::Int(i),
        S::Real(f) => Value::Float(f),
        S::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        S::Blob(b) => Value::Blob(b.to_vec()),
    }
}

pub fn to_mysql(v: &Value) -> mysql::Value {
    match v {
        Value::Null => mysql::Value::NULL,
        Value::Bool(b) => mysql::Value::Int(i64::from(*b)),
        Value::Int(i) => mysql::Value::Int(*i),
        Value::Float(f) => mysql::Value::Double(*f),
        Value::Text(s) => mysql::Value::Bytes(s.as_bytes().to_vec()),
        Value::Blob(b) => mysql::Value::Bytes(b.clone()),
    }
}

pub fn from_mysql(v: mysql::Value, column: &mysql::Column) -> Value {
    use mysql::consts::ColumnType as T;
    match v {
        mysql::Value::NULL => Value::Null,
        mysql::Value::Int(i) => Value::Int(i),
        mysql::Value::UInt(u) => Value::Int(u as i64),
        mysql::Value::Float(f) => Value::Float(f64::from(f)),
        mysql::Value::Double(f) => Value::Float(f),
        mysql::Value::Bytes(b) => match column.column_type() {
            // DECIMAL arrives as text: a number.
            T::MYSQL_TYPE_NEWDECIMAL | T::MYSQL_TYPE_DECIMAL => {
                std::str::from_utf8(&b).ok().and_then(|s| s.parse().ok()).map_or(Value::Blob(b), Value::Float)
            }
            // Character set 63 is `binary`: BLOB and VARBINARY.
            _ if column.character_set() == 63 => Value::Blob(b),
            _ => Value::Text(String::from_utf8_lossy(&b).into_owned()),
        },
        mysql::Value::Date(y, mo, d, h, mi, s, _) => {
            Value::Text(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"))
        }
        mysql::Value::Time(neg, days, h, mi, s, _) => {
            let h = u32::from(h) + days * 24;
            Value::Text(format!("{}{h:02}:{mi:02}:{s:02}", if neg { "-" } else { "" }))
        }
    }
}

/// A parameter for PostgreSQL, converted to the type the statement gives it.
#[derive(Debug)]
pub struct PgParam(Value);

pub fn pg_param(v: &Value) -> PgParam {
    PgParam(v.clone())
}

impl ToSql for PgParam {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        let int = |i: i64, out: &mut BytesMut| -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
            match *ty {
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::FLOAT4 => (i as f32).to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            }
        };
        match &self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => int(*i, out),
            Value::Bool(b) if *ty == Type::BOOL => b.to_sql(ty, out),
            Value::Bool(b) => int(i64::from(*b), out),
            Value::Float(f) if *ty == Type::FLOAT4 => (*f as f32).to_sql(ty, out),
            Value::Float(f) => f.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Column `i` of a PostgreSQL row as a `value`.
pub fn from_pg(row: &tokio_postgres::Row, i: usize) -> Result<Value, Error> {
    let column = &row.columns()[i];
    let bad = |e: tokio_postgres::Error| error("E-QUERY-013", format!("column `{}`: {e}", column.name()), None);
    let ty = column.type_().clone();
    Ok(match ty {
        Type::INT2 => row.try_get::<_, Option<i16>>(i).map_err(bad)?.map_or(Value::Null, |v| Value::Int(v.into())),
        Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(bad)?.map_or(Value::Null, |v| Value::Int(v.into())),
        Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(bad)?.map_or(Value::Null, Value::Int),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(i).map_err(bad)?.map_or(Value::Null, |v| Value::Float(v.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map_err(bad)?.map_or(Value::Null, Value::Float),
        Type::BOOL => row.try_get::<_, Option<bool>>(i).map_err(bad)?.map_or(Value::Null, Value::Bool),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i).map_err(bad)?.map_or(Value::Null, Value::Blob),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            row.try_get::<_, Option<String>>(i).map_err(bad)?.map_or(Value::Null, Value::Text)
        }
        other => {
            return Err(error(
                "E-QUERY-013",
                format!(
                    "column `{}` has type {other}, which Covenant does not read; cast it in the query (`::float8`, `::text`)",
                    column.name()
                ),
                None,
            ));
        }
    })
}
