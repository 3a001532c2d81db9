//! `compute` steps: operators resolved by their input types.

use super::*;
use crate::ir::DtPart as Part;

impl<'a> Checker<'a> {
    pub(super) fn compute(
        &mut self,
        step: &ast::Step,
        c: &ast::ComputeStep,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let args: Vec<Value> = c.inputs.iter().map(|i| self.value(i, body, out)).collect();
        self.compute_values(step, &c.op, args, body, out)
    }

    /// An operator applied to evaluated inputs (a `compute` step, or a call of an operator
    /// under its standard-library name, `stdlib::OPERATOR_FNS`).
    pub(super) fn compute_values(
        &mut self,
        step: &ast::Step,
        op_name: &Spanned<String>,
        mut args: Vec<Value>,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let c_op = op_name;
        // A set operation accepts a list where it takes a set (`set_add` on `[]` starts one).
        if c_op.value.starts_with("set_") {
            for a in args.iter_mut() {
                if let Type::List(e) = a.ty()
                    && let Some(v) = self.coerce(a.clone(), &Type::Set(e), body, out)
                {
                    *a = v;
                }
            }
        }
        let types: Vec<Type> = args.iter().map(Value::ty).collect();
        let Some((op, result_ty)) = self.resolve_op(c_op, &types) else {
            // Bind the name anyway (poisoned), so its later uses are not reported again.
            if let Some(name) = &step.bind_as {
                self.bind(body, name, Type::Error, false);
            }
            return Value::Poison;
        };
        // An element read from `[]` or `{}` whose type nothing has told yet.
        if result_ty == Type::Error {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", "cannot tell the type of this step's value", c_op.span)
                    .with_label("reads an element of an empty `[]` or `{}` whose element type is not known")
                    .with_help("bind the collection from a typed value, or let a typed parameter, return or insert fix its type"),
            );
        }
        // Mixed Int/Float arithmetic promotes the Int (LANGUAGE-DECISIONS 12).
        use ComputeOp::*;
        let promotes = matches!(
            op,
            FloatAdd
                | FloatSub
                | FloatMul
                | FloatDiv
                | FloatCmp(_)
                | FloatMin
                | FloatMax
                | FloatClamp
                | FloatFloor
                | FloatCeil
                | FloatTrunc
                | FloatRound
                | FloatSqrt
                | FloatPowInt
        );
        if promotes {
            // `pow`'s exponent stays an Int.
            let count = if op == FloatPowInt { 1 } else { args.len() };
            for a in args.iter_mut().take(count) {
                if a.ty() == Type::Int {
                    let local = body.new_local(Type::Float);
                    out.push(Op::Compute { op: ComputeOp::IntToFloat, args: vec![a.clone()], result: local });
                    *a = Value::Local(local, Type::Float);
                }
            }
        }
        let Some(name) = step.bind_as.clone() else {
            bind_missing(self, step);
            return Value::Unit;
        };
        let local = match self.bind(body, &name, result_ty.clone(), false) {
            Some(l) => l,
            None => body.new_local(result_ty.clone()),
        };
        out.push(Op::Compute { op, args, result: local });
        Value::Local(local, result_ty)
    }

    /// Picks the typed operation for an operator and its input types, or reports why none fits.
    pub(super) fn resolve_op(&mut self, op: &Spanned<String>, types: &[Type]) -> Option<(ComputeOp, Type)> {
        use ComputeOp::*;
        use Type::*;
        if types.contains(&Error) {
            return None;
        }
        let cmp = match op.value.as_str() {
            "equals" => Some(Cmp::Eq),
            "not_equals" => Some(Cmp::Ne),
            "less" => Some(Cmp::Lt),
            "greater" => Some(Cmp::Gt),
            "less_eq" => Some(Cmp::Le),
            "greater_eq" => Some(Cmp::Ge),
            _ => None,
        };
        let numeric = |t: &Type| matches!(t, Int | Float);
        let structured = |t: &Type| matches!(t, Struct(_) | Enum(_) | Optional(_) | Result(..) | List(_) | Map(..));
        // Element types that compare by value in list searches (Error: the empty list's type).
        let comparable = |t: &Type| matches!(t, Int | Float | Bool | String | DateTime | Error);
        let resolved = match (op.value.as_str(), types) {
            (_, [a, b]) if cmp.is_some() => {
                let c = cmp.expect("checked");
                match (a, b) {
                    (Int, Int) | (DateTime, DateTime) => Some((IntCmp(c), Bool)),
                    (x, y) if numeric(x) && numeric(y) => Some((FloatCmp(c), Bool)),
                    (Bool, Bool) if matches!(c, Cmp::Eq | Cmp::Ne) => Some((BoolCmp(c), Bool)),
                    (String, String) => Some((StrCmp(c), Bool)),
                    // Bytes compare byte for byte, as strings do.
                    (Bytes, Bytes) if matches!(c, Cmp::Eq | Cmp::Ne) => Some((StrCmp(c), Bool)),
                    (Set(x), Set(y)) if matches!(c, Cmp::Eq | Cmp::Ne) && x.fits(y) && comparable(&x.join(y)) => {
                        Some((SetEq(x.join(y), c == Cmp::Ne), Bool))
                    }
                    (x, y) if matches!(c, Cmp::Eq | Cmp::Ne) && x.fits(y) && y.fits(x) && structured(x) => {
                        Some((ValueEq(x.join(y), c == Cmp::Ne), Bool))
                    }
                    _ => None,
                }
            }
            ("add" | "sub" | "mul" | "div" | "mod" | "min" | "max", [Int, Int]) => Some((
                match op.value.as_str() {
                    "add" => IntAdd,
                    "sub" => IntSub,
                    "mul" => IntMul,
                    "div" => IntDiv,
                    "mod" => IntMod,
                    "min" => IntMin,
                    _ => IntMax,
                },
                Int,
            )),
            ("add" | "sub" | "mul" | "div", [a, b]) if numeric(a) && numeric(b) => Some((
                match op.value.as_str() {
                    "add" => FloatAdd,
                    "sub" => FloatSub,
                    "mul" => FloatMul,
                    _ => FloatDiv,
                },
                Float,
            )),
            ("min" | "max", [a, b]) if numeric(a) && numeric(b) => {
                Some((if op.value == "min" { FloatMin } else { FloatMax }, Float))
            }
            ("floor" | "ceil" | "trunc" | "round" | "sqrt", [a]) if numeric(a) => Some((
                match op.value.as_str() {
                    "floor" => FloatFloor,
                    "ceil" => FloatCeil,
                    "trunc" => FloatTrunc,
                    "round" => FloatRound,
                    _ => FloatSqrt,
                },
                Float,
            )),
            ("abs", [Float]) => Some((FloatAbs, Float)),
            ("sign", [Int]) => Some((IntSign, Int)),
            ("sign", [Float]) => Some((FloatSign, Float)),
            ("clamp", [Int, Int, Int]) => Some((IntClamp, Int)),
            ("clamp", [a, b, c]) if numeric(a) && numeric(b) && numeric(c) => Some((FloatClamp, Float)),
            ("pow", [Int, Int]) => Some((IntPow, Int)),
            ("pow", [Float, Int]) => Some((FloatPowInt, Float)),
            ("to_int", [Float]) => Some((FloatToInt, Int)),
            ("bit_and" | "bit_or" | "bit_xor" | "bit_shl" | "bit_shr" | "bit_ushr", [Int, Int]) => Some((
                match op.value.as_str() {
                    "bit_and" => BitAnd,
                    "bit_or" => BitOr,
                    "bit_xor" => BitXor,
                    "bit_shl" => BitShl,
                    "bit_shr" => BitShr,
                    _ => BitUshr,
                },
                Int,
            )),
            ("bit_not", [Int]) => Some((BitNot, Int)),
            ("contains", [String, String]) => Some((StrContains, Bool)),
            ("starts_with", [String, String]) => Some((StrStartsWith, Bool)),
            ("ends_with", [String, String]) => Some((StrEndsWith, Bool)),
            ("index_of", [String, String]) => Some((StrIndexOf, Int)),
            ("upper", [String]) => Some((StrUpper, String)),
            ("lower", [String]) => Some((StrLower, String)),
            ("trim", [String]) => Some((StrTrim, String)),
            ("trim_start", [String]) => Some((StrTrimStart, String)),
            ("trim_end", [String]) => Some((StrTrimEnd, String)),
            ("str_reverse", [String]) => Some((StrReverse, String)),
            ("bytes_len", [Bytes]) => Some((BytesLen, Int)),
            ("bytes_is_empty", [Bytes]) => Some((BytesIsEmpty, Bool)),
            ("bytes_get", [Bytes, Int]) => Some((BytesGet, Int)),
            ("bytes_slice", [Bytes, Int, Int]) => Some((BytesSlice, Bytes)),
            ("bytes_concat", [Bytes, Bytes]) => Some((BytesConcat, Bytes)),
            ("bytes_to_string", [Bytes]) => Some((BytesToString, String)),
            ("bytes_to_hex", [Bytes]) => Some((BytesToHex, String)),
            ("bytes_to_base64", [Bytes]) => Some((BytesToBase64, String)),
            ("repeat", [String, Int]) => Some((StrRepeat, String)),
            ("char_at", [String, Int]) => Some((StrCharAt, String)),
            ("slice", [String, Int, Int]) => Some((StrSlice, String)),
            ("replace", [String, String, String]) => Some((StrReplace, String)),
            ("split", [String, String]) => Some((StrSplit, List(Box::new(String)))),
            ("pad_start" | "pad_end", [String, Int]) => {
                Some((StrPad { at_start: op.value == "pad_start", fill: false }, String))
            }
            ("pad_start" | "pad_end", [String, Int, String]) => {
                Some((StrPad { at_start: op.value == "pad_start", fill: true }, String))
            }
            ("is_empty" | "map_is_empty", [String | List(_) | Set(_) | Map(..)]) => Some((IsEmpty, Bool)),
            ("map_len", [Map(..)]) => Some((ListLen, Int)),
            ("set_len", [Set(_)]) => Some((ListLen, Int)),
            ("set_is_empty", [Set(_)]) => Some((IsEmpty, Bool)),
            ("set_to_list", [Set(t)]) => Some((Identity, List(t.clone()))),
            ("set_has", [Set(t), x]) if x.fits(t) && comparable(t) => Some((SetHas(t.join(x)), Bool)),
            ("set_add" | "set_remove", [Set(t), x]) if x.fits(t) && comparable(&t.join(x)) => {
                let e = t.join(x);
                let op = if op.value == "set_add" { SetAdd(e.clone()) } else { SetRemove(e.clone()) };
                Some((op, Set(Box::new(e))))
            }
            ("set_union" | "set_intersect" | "set_diff" | "set_symmetric_diff", [Set(a), Set(b)])
                if a.fits(b) && comparable(&a.join(b)) =>
            {
                let e = a.join(b);
                let op = match op.value.as_str() {
                    "set_union" => SetUnion(e.clone()),
                    "set_intersect" => SetIntersect(e.clone()),
                    "set_diff" => SetDiff(e.clone()),
                    _ => SetSymmetricDiff(e.clone()),
                };
                Some((op, Set(Box::new(e))))
            }
            ("set_is_subset" | "set_is_superset", [Set(a), Set(b)]) if a.fits(b) && comparable(&a.join(b)) => {
                let e = a.join(b);
                Some((if op.value == "set_is_subset" { SetIsSubset(e) } else { SetIsSuperset(e) }, Bool))
            }
            ("map_get", [Map(k, v), x]) if x.fits(k) && comparable(k) => {
                Some((MapGet((**k).clone(), (**v).clone()), (**v).clone()))
            }
            ("map_has", [Map(k, v), x]) if x.fits(k) && comparable(k) => {
                Some((MapHas((**k).clone(), (**v).clone()), Bool))
            }
            ("map_insert", [Map(k, v), x, y]) if x.fits(k) && y.fits(v) && comparable(&k.join(x)) => {
                let (k, v) = (k.join(x), v.join(y));
                Some((MapInsert(k.clone(), v.clone()), Map(Box::new(k), Box::new(v))))
            }
            ("map_remove", [Map(k, v), x]) if x.fits(k) && comparable(k) => {
                Some((MapRemove((**k).clone(), (**v).clone()), Map(k.clone(), v.clone())))
            }
            ("map_merge", [Map(k, v), Map(j, w)]) if j.fits(k) && w.fits(v) && comparable(&k.join(j)) => {
                let (k, v) = (k.join(j), v.join(w));
                Some((MapMerge(k.clone(), v.clone()), Map(Box::new(k), Box::new(v))))
            }
            ("map_entries", [Map(k, v)]) => Some((Identity, List(Box::new(self.map_entry_type(k, v))))),
            ("map_keys", [Map(k, v)]) => Some((MapKeys((**k).clone(), (**v).clone()), List(k.clone()))),
            ("map_values", [Map(k, v)]) => Some((MapValues((**k).clone(), (**v).clone()), List(v.clone()))),
            ("neg", [Int]) => Some((IntNeg, Int)),
            ("neg", [Float]) => Some((FloatNeg, Float)),
            ("abs", [Int]) => Some((IntAbs, Int)),
            ("to_float", [Int]) => Some((IntToFloat, Float)),
            ("and", [Bool, Bool]) => Some((And, Bool)),
            ("or", [Bool, Bool]) => Some((Or, Bool)),
            ("not", [Bool]) => Some((Not, Bool)),
            ("concat", [String, String]) => Some((Concat, String)),
            ("to_string", [Int]) => Some((IntToString, String)),
            ("to_string", [DateTime]) => Some((DtToString, String)),
            (
                "dt_year" | "dt_month" | "dt_day" | "dt_hour" | "dt_minute" | "dt_second" | "dt_weekday" | "dt_unix",
                [DateTime],
            ) => {
                let part = match op.value.as_str() {
                    "dt_year" => Part::Year,
                    "dt_month" => Part::Month,
                    "dt_day" => Part::Day,
                    "dt_hour" => Part::Hour,
                    "dt_minute" => Part::Minute,
                    "dt_second" => Part::Second,
                    "dt_weekday" => Part::Weekday,
                    _ => Part::Unix,
                };
                Some((ComputeOp::DtPart(part), Int))
            }
            ("dt_add_days" | "dt_add_hours" | "dt_add_minutes" | "dt_add_seconds", [DateTime, Int]) => {
                let unit = match op.value.as_str() {
                    "dt_add_days" => 86_400_000,
                    "dt_add_hours" => 3_600_000,
                    "dt_add_minutes" => 60_000,
                    _ => 1_000,
                };
                Some((DtAdd(unit), DateTime))
            }
            ("dt_diff", [DateTime, DateTime]) => Some((DtDiff, Int)),
            ("dt_format", [DateTime, String]) => Some((DtFormat, String)),
            ("to_string", [Bool]) => Some((BoolToString, String)),
            ("to_string", [Float]) => Some((FloatToString, String)),
            ("parse_int", [String]) => Some((ParseInt, Int)),
            ("parse_float", [String]) => Some((ParseFloat, Float)),
            ("str_len", [String]) => Some((StrLen, Int)),
            ("byte_len", [String]) => Some((ByteLen, Int)),
            ("list_len", [List(_)]) => Some((ListLen, Int)),
            ("list_is_empty", [List(_)]) => Some((ListIsEmpty, Bool)),
            ("list_get", [List(t), Int]) => Some((ListGet((**t).clone()), (**t).clone())),
            ("list_append", [List(t), x]) if x.fits(t) => {
                let e = t.join(x);
                Some((ListAppend(e.clone()), List(Box::new(e))))
            }
            ("list_concat", [List(a), List(b)]) if a.fits(b) => {
                let e = a.join(b);
                Some((ListConcat(e.clone()), List(Box::new(e))))
            }
            ("join", [List(t), String]) if t.fits(&String) => Some((Join, String)),
            ("list_first", [List(t)]) => Some((ListFirst((**t).clone()), (**t).clone())),
            ("list_last", [List(t)]) => Some((ListLast((**t).clone()), (**t).clone())),
            ("list_reverse", [List(t)]) => Some((ListReverse((**t).clone()), List(t.clone()))),
            ("list_slice", [List(t), Int, Int]) => Some((ListSlice((**t).clone()), List(t.clone()))),
            ("list_take", [List(t), Int]) => Some((ListTake((**t).clone()), List(t.clone()))),
            ("list_drop", [List(t), Int]) => Some((ListDrop((**t).clone()), List(t.clone()))),
            ("list_prepend", [List(t), x]) if x.fits(t) => {
                let e = t.join(x);
                Some((ListPrepend(e.clone()), List(Box::new(e))))
            }
            ("list_contains", [List(t), x]) if x.fits(t) && comparable(t) => Some((ListContains(t.join(x)), Bool)),
            ("list_index_of", [List(t), x]) if x.fits(t) && comparable(t) => Some((ListIndexOf(t.join(x)), Int)),
            ("list_sort", [List(t)]) if matches!(**t, Int | Float | String | Bool | DateTime) => {
                Some((ListSort((**t).clone()), List(t.clone())))
            }
            ("list_dedup", [List(t)]) if comparable(t) => Some((ListDedup((**t).clone()), List(t.clone()))),
            ("list_flatten", [List(inner)]) if matches!(**inner, List(_)) => match &**inner {
                List(e) => Some((ListFlatten((**e).clone()), List(e.clone()))),
                _ => None,
            },
            _ => None,
        };
        if resolved.is_none() {
            let list: Vec<std::string::String> = types.iter().map(ToString::to_string).collect();
            let d = if KNOWN_OPS.contains(&op.value.as_str()) {
                Diagnostic::error(
                    "E-TYPE-001",
                    format!("`{}` does not apply to ({})", op.value, list.join(", ")),
                    op.span,
                )
                .with_label(format!("inputs are ({})", list.join(", ")))
                .with_help(if op.value == "add" && types.iter().all(|t| *t == String) {
                    "to join strings, use `op=concat`".to_string()
                } else {
                    "check the number and the types of the `input` lines".to_string()
                })
            } else if GRAMMAR_OPS.contains(&op.value.as_str()) {
                unsupported(format!("the `{}` operator is", op.value), op.span, "see the README's language status")
            } else {
                let mut d = Diagnostic::error("E-SYMBOL-001", format!("unknown operator `{}`", op.value), op.span)
                    .with_label("not an operator");
                if let Some(s) = closest(&op.value, KNOWN_OPS.iter().copied()) {
                    d = d.with_help(format!("did you mean `{s}`?")).with_edit(op.span, s);
                } else {
                    d = d.with_help("see the operator list in the language reference");
                }
                d
            };
            self.diags.push(d);
        }
        resolved
    }
}

/// Operators this version compiles (for "did you mean" and for telling type errors apart).
const KNOWN_OPS: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "mod",
    "min",
    "max",
    "neg",
    "abs",
    "to_float",
    "floor",
    "ceil",
    "trunc",
    "round",
    "sqrt",
    "sign",
    "clamp",
    "pow",
    "to_int",
    "bit_and",
    "bit_or",
    "bit_xor",
    "bit_not",
    "bit_shl",
    "bit_shr",
    "bit_ushr",
    "parse_int",
    "parse_float",
    "contains",
    "starts_with",
    "ends_with",
    "index_of",
    "upper",
    "lower",
    "trim",
    "trim_start",
    "trim_end",
    "str_reverse",
    "bytes_len",
    "bytes_is_empty",
    "bytes_get",
    "bytes_slice",
    "bytes_concat",
    "bytes_to_string",
    "bytes_to_hex",
    "bytes_to_base64",
    "repeat",
    "char_at",
    "slice",
    "replace",
    "split",
    "pad_start",
    "pad_end",
    "is_empty",
    "list_first",
    "list_last",
    "list_reverse",
    "list_slice",
    "list_take",
    "list_drop",
    "list_prepend",
    "list_contains",
    "list_index_of",
    "list_sort",
    "list_dedup",
    "list_flatten",
    "map_len",
    "map_is_empty",
    "map_get",
    "map_has",
    "map_insert",
    "map_remove",
    "map_merge",
    "map_keys",
    "map_entries",
    "set_len",
    "set_is_empty",
    "set_to_list",
    "set_has",
    "set_add",
    "set_remove",
    "set_union",
    "set_intersect",
    "set_diff",
    "set_symmetric_diff",
    "set_is_subset",
    "set_is_superset",
    "map_values",
    "equals",
    "not_equals",
    "less",
    "greater",
    "less_eq",
    "greater_eq",
    "and",
    "or",
    "not",
    "concat",
    "to_string",
    "str_len",
    "byte_len",
    "list_len",
    "list_is_empty",
    "list_get",
    "list_append",
    "list_concat",
    "join",
];

/// Every operator the grammar lists; those not in KNOWN_OPS are reported as not supported yet.
const GRAMMAR_OPS: &[&str] = &[
    "parse_int",
    "parse_float",
    "contains",
    "starts_with",
    "ends_with",
    "index_of",
    "replace",
    "split",
    "join",
    "repeat",
    "pad_start",
    "pad_end",
    "clamp",
    "pow",
    "bit_and",
    "bit_or",
    "bit_xor",
    "bit_shl",
    "bit_shr",
    "bit_ushr",
    "list_get",
    "list_append",
    "list_prepend",
    "list_concat",
    "list_slice",
    "list_take",
    "list_drop",
    "list_contains",
    "list_index_of",
    "map_get",
    "map_has",
    "map_insert",
    "map_remove",
    "map_merge",
    "set_has",
    "set_add",
    "set_remove",
    "set_union",
    "set_intersect",
    "set_diff",
    "set_symmetric_diff",
    "set_is_subset",
    "set_is_superset",
    "dt_add_days",
    "dt_add_hours",
    "dt_add_minutes",
    "dt_add_seconds",
    "dt_diff",
    "dt_format",
    "bytes_get",
    "bytes_slice",
    "bytes_concat",
    "is_empty",
    "upper",
    "lower",
    "trim",
    "trim_start",
    "trim_end",
    "str_reverse",
    "char_at",
    "sqrt",
    "floor",
    "ceil",
    "round",
    "trunc",
    "sign",
    "bit_not",
    "to_int",
    "parse_int",
    "parse_float",
    "list_len",
    "list_first",
    "list_last",
    "list_reverse",
    "list_is_empty",
    "list_sort",
    "list_dedup",
    "list_flatten",
    "map_len",
    "map_keys",
    "map_values",
    "map_entries",
    "map_is_empty",
    "set_len",
    "set_is_empty",
    "set_to_list",
    "dt_year",
    "dt_month",
    "dt_day",
    "dt_hour",
    "dt_minute",
    "dt_second",
    "dt_weekday",
    "dt_unix",
    "bytes_len",
    "bytes_is_empty",
    "bytes_to_string",
    "bytes_to_base64",
    "bytes_to_hex",
    "slice",
];
