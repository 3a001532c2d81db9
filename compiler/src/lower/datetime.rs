//! DateTime: milliseconds since the Unix epoch (UTC) in an i64. Its parts come from the days
//! since the epoch by Howard Hinnant's `civil_from_days` (proleptic Gregorian calendar, exact
//! for every Int); `dt_format` writes strftime-style directives.

use super::body::Frame;
use super::helpers::{HelperSig, add_to, load_byte};
use super::json::JsonOp;
use super::*;
use crate::ir::DtPart;

/// `to_string` of a DateTime: JavaScript's toISOString for years 0 to 9999.
pub(super) const ISO_8601: &str = "%Y-%m-%dT%H:%M:%S.%LZ";

const DAY_MS: i64 = 86_400_000;
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum DtOp {
    /// (ms: i64, part: i32) -> i64 (`DtPart`'s discriminant).
    Part,
    /// (ms: i64, format p, l) -> (p, l).
    Format,
    /// (value: i64, width: i32): appends the value, zero-padded to `width` digits.
    Pad,
}

impl DtOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            DtOp::Part => "datetime_part",
            DtOp::Format => "datetime_format",
            DtOp::Pad => "datetime_pad",
        }
    }
}

impl Builder<'_> {
    pub(super) fn datetime_helper(&mut self, op: DtOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{I32, I64};
        let mut f = Frame { base: vec![], reps: vec![], decls: vec![], next: 0 };
        let (params, results) = match op {
            DtOp::Part => {
                datetime_part(&mut f, code);
                (vec![I64, I32], vec![I64])
            }
            DtOp::Format => {
                self.datetime_format(&mut f, code)?;
                (vec![I64, I32, I32], vec![I32, I32])
            }
            DtOp::Pad => {
                let out = self.helper(Helper::Json(JsonOp::Out))?;
                let text = self.helper(Helper::IntToString)?;
                let (minus, zero) = (self.data.intern("-"), self.data.intern("0"));
                let (v, width) = (0, 1);
                f.next = 2;
                let (p, l) = (f.scratch(I32), f.scratch(I32));
                code.extend([I::LocalGet(v), I::I64Const(0), I::I64LtS, I::If(BlockType::Empty)]);
                code.extend([I::I32Const(minus as i32), I::I32Const(1), I::Call(out), I::I64Const(0), I::LocalGet(v)]);
                code.extend([I::I64Sub, I::LocalSet(v), I::End]);
                code.extend([I::LocalGet(v), I::Call(text), I::LocalSet(l), I::LocalSet(p)]);
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(width)]);
                code.extend([I::LocalGet(l), I::I32LeS, I::BrIf(1), I::I32Const(zero as i32), I::I32Const(1)]);
                code.extend([I::Call(out), I::LocalGet(width), I::I32Const(1), I::I32Sub, I::LocalSet(width)]);
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(p), I::LocalGet(l), I::Call(out)]);
                (vec![I64, I32], vec![])
            }
        };
        Ok((params, results, f.decls))
    }

    /// (ms, p, l) -> the format with each directive replaced: `%Y` year, `%y` its last two
    /// digits, `%m` `%d` `%H` `%M` `%S` two digits, `%L` milliseconds (three), `%s` Unix seconds,
    /// `%a` / `%A` weekday, `%b` / `%B` month (English, short and full), `%F` = `%Y-%m-%d`,
    /// `%T` = `%H:%M:%S`, `%%` a percent sign. Anything else stays as written.
    fn datetime_format(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let part = self.helper(Helper::DateTime(DtOp::Part))?;
        let pad = self.helper(Helper::DateTime(DtOp::Pad))?;
        let out = self.helper(Helper::Json(JsonOp::Out))?;
        let (ms, p, l) = (0, 1, 2);
        f.next = 3;
        let (i, seg, c, t) = (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
        // Names: (ptr, len) pairs, weekdays then months.
        let mut table = vec![];
        for name in WEEKDAYS.iter().chain(MONTHS.iter()) {
            let at = self.data.intern(name);
            table.extend([at, name.len() as u32]);
        }
        let bytes: Vec<u8> = table.iter().flat_map(|w| w.to_le_bytes()).collect();
        let names = self.data.place(&bytes, 4) as i32;
        let field = |which: DtPart, width: i32| {
            vec![I::LocalGet(ms), I::I32Const(which as i32), I::Call(part), I::I32Const(width), I::Call(pad)]
        };
        let mut lit = |text: &str| {
            let at = self.data.intern(text);
            vec![I::I32Const(at as i32), I::I32Const(text.len() as i32), I::Call(out)]
        };
        // The name at index (on the stack, i64) + `first` of the table; `short` takes three letters.
        let name = |first: i32, short: bool| {
            let mut v = vec![I::I32WrapI64, I::I32Const(8), I::I32Mul, I::I32Const(names + 8 * first), I::I32Add];
            v.extend([I::LocalTee(t), I::I32Load(mem(0, 2)), I::LocalGet(t), I::I32Load(mem(4, 2))]);
            if short {
                v.extend([I::Drop, I::I32Const(3)]);
            }
            v.push(I::Call(out));
            v
        };
        let get = |which: DtPart| vec![I::LocalGet(ms), I::I32Const(which as i32), I::Call(part)];
        let month_index = || {
            let mut v = get(DtPart::Month);
            v.extend([I::I64Const(1), I::I64Sub]);
            v
        };
        let (dash, colon) = (lit("-"), lit(":"));
        let mut directives: Vec<(u8, Vec<I<'static>>)> = vec![
            (b'Y', field(DtPart::Year, 4)),
            (b'm', field(DtPart::Month, 2)),
            (b'd', field(DtPart::Day, 2)),
            (b'H', field(DtPart::Hour, 2)),
            (b'M', field(DtPart::Minute, 2)),
            (b'S', field(DtPart::Second, 2)),
            (b'L', field(DtPart::Millisecond, 3)),
            (b's', field(DtPart::Unix, 1)),
            (b'%', lit("%")),
        ];
        let mut y2 = get(DtPart::Year);
        y2.extend([I::I64Const(100), I::I64RemS, I::I64Const(100), I::I64Add, I::I64Const(100), I::I64RemS]);
        y2.extend([I::I32Const(2), I::Call(pad)]);
        directives.push((b'y', y2));
        for (ch, first, short, index) in [
            (b'a', 0, true, get(DtPart::Weekday)),
            (b'A', 0, false, get(DtPart::Weekday)),
            (b'b', 7, true, month_index()),
            (b'B', 7, false, month_index()),
        ] {
            let mut v = index;
            v.extend(name(first, short));
            directives.push((ch, v));
        }
        let ymd = [field(DtPart::Year, 4), dash.clone(), field(DtPart::Month, 2), dash, field(DtPart::Day, 2)].concat();
        let hms =
            [field(DtPart::Hour, 2), colon.clone(), field(DtPart::Minute, 2), colon, field(DtPart::Second, 2)].concat();
        directives.extend([(b'F', ymd), (b'T', hms)]);
        self.json_out_begin(code)?;
        // Loop levels: 0 the loop, 1 the block after which the rest is flushed.
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::I32Const(1), I::I32Add, I::LocalGet(l), I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, i));
        code.extend([I::I32Const(b'%' as i32), I::I32Ne, I::If(BlockType::Empty)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(1), I::End]);
        code.extend([I::LocalGet(p), I::LocalGet(seg), I::I32Add, I::LocalGet(i), I::LocalGet(seg), I::I32Sub]);
        code.extend([I::Call(out), I::LocalGet(p), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(1, 0))]);
        code.extend([I::LocalSet(c), I::Block(BlockType::Empty)]);
        for (ch, action) in directives {
            code.extend([I::LocalGet(c), I::I32Const(ch as i32), I::I32Eq, I::If(BlockType::Empty)]);
            code.extend(action);
            code.extend([I::Br(1), I::End]);
        }
        // Not a directive: the two characters as written.
        code.extend([I::LocalGet(p), I::LocalGet(i), I::I32Add, I::I32Const(2), I::Call(out), I::End]);
        code.extend(add_to(i, I::I32Const(2)));
        code.extend([I::LocalGet(i), I::LocalSet(seg), I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(p), I::LocalGet(seg), I::I32Add, I::LocalGet(l), I::LocalGet(seg), I::I32Sub]);
        code.push(I::Call(out));
        self.json_out_end(code);
        Ok(())
    }
}

/// (ms, part) -> the part (see `DtPart`).
fn datetime_part(f: &mut Frame, code: &mut Vec<I<'static>>) {
    use ValType::I64;
    let (ms, which) = (0, 1);
    f.next = 2;
    let v: Vec<u32> = (0..9).map(|_| f.scratch(I64)).collect();
    let (days, rem, z, era, doe, yoe, doy, mp, m) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    let is = |code: &mut Vec<I<'static>>, part: DtPart| {
        code.extend([I::LocalGet(which), I::I32Const(part as i32), I::I32Eq, I::If(BlockType::Empty)]);
    };
    // Unix seconds, floored.
    is(code, DtPart::Unix);
    code.extend([I::LocalGet(ms), I::I64Const(1000), I::I64DivS, I::LocalGet(ms), I::I64Const(1000), I::I64RemS]);
    code.extend([I::I64Const(0), I::I64LtS, I::I64ExtendI32U, I::I64Sub, I::Return, I::End]);
    // days = floor(ms / DAY), rem = ms - days * DAY.
    code.extend([I::LocalGet(ms), I::I64Const(DAY_MS), I::I64DivS, I::LocalSet(days), I::LocalGet(ms)]);
    code.extend([I::I64Const(DAY_MS), I::I64RemS, I::LocalTee(rem), I::I64Const(0), I::I64LtS]);
    code.extend([I::If(BlockType::Empty), I::LocalGet(rem), I::I64Const(DAY_MS), I::I64Add, I::LocalSet(rem)]);
    code.extend([I::LocalGet(days), I::I64Const(1), I::I64Sub, I::LocalSet(days), I::End]);
    for (part, div, modulo) in [
        (DtPart::Hour, 3_600_000, 0),
        (DtPart::Minute, 60_000, 60),
        (DtPart::Second, 1_000, 60),
        (DtPart::Millisecond, 1, 1_000),
    ] {
        is(code, part);
        code.extend([I::LocalGet(rem), I::I64Const(div), I::I64DivU]);
        if modulo != 0 {
            code.extend([I::I64Const(modulo), I::I64RemU]);
        }
        code.extend([I::Return, I::End]);
    }
    // 1970-01-01 was a Thursday (4).
    is(code, DtPart::Weekday);
    code.extend([I::LocalGet(days), I::I64Const(4), I::I64Add, I::I64Const(7), I::I64RemS, I::I64Const(7)]);
    code.extend([I::I64Add, I::I64Const(7), I::I64RemS, I::Return, I::End]);
    // civil_from_days: eras of 400 years (146,097 days) starting on March 1st.
    code.extend([I::LocalGet(days), I::I64Const(719_468), I::I64Add, I::LocalTee(z), I::LocalGet(z)]);
    code.extend([I::I64Const(146_096), I::I64Sub, I::LocalGet(z), I::I64Const(0), I::I64GeS, I::Select]);
    code.extend([I::I64Const(146_097), I::I64DivS, I::LocalSet(era), I::LocalGet(z), I::LocalGet(era)]);
    code.extend([I::I64Const(146_097), I::I64Mul, I::I64Sub, I::LocalSet(doe)]);
    // yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365
    let quot = |n: i64| [I::LocalGet(doe), I::I64Const(n), I::I64DivU];
    code.push(I::LocalGet(doe));
    code.extend(quot(1460));
    code.push(I::I64Sub);
    code.extend(quot(36_524));
    code.push(I::I64Add);
    code.extend(quot(146_096));
    code.extend([I::I64Sub, I::I64Const(365), I::I64DivU, I::LocalSet(yoe)]);
    // doy = doe - (365*yoe + yoe/4 - yoe/100)
    code.extend([I::LocalGet(doe), I::LocalGet(yoe), I::I64Const(365), I::I64Mul, I::LocalGet(yoe)]);
    code.extend([I::I64Const(4), I::I64DivU, I::I64Add, I::LocalGet(yoe), I::I64Const(100), I::I64DivU]);
    code.extend([I::I64Sub, I::I64Sub, I::LocalSet(doy)]);
    // mp = (5*doy + 2)/153; m = mp < 10 ? mp + 3 : mp - 9
    code.extend([I::LocalGet(doy), I::I64Const(5), I::I64Mul, I::I64Const(2), I::I64Add, I::I64Const(153)]);
    code.extend([I::I64DivU, I::LocalTee(mp), I::I64Const(3), I::I64Add, I::LocalGet(mp), I::I64Const(9)]);
    code.extend([I::I64Sub, I::LocalGet(mp), I::I64Const(10), I::I64LtU, I::Select, I::LocalSet(m)]);
    // d = doy - (153*mp + 2)/5 + 1
    is(code, DtPart::Day);
    code.extend([I::LocalGet(doy), I::LocalGet(mp), I::I64Const(153), I::I64Mul, I::I64Const(2), I::I64Add]);
    code.extend([I::I64Const(5), I::I64DivU, I::I64Sub, I::I64Const(1), I::I64Add, I::Return, I::End]);
    is(code, DtPart::Month);
    code.extend([I::LocalGet(m), I::Return, I::End]);
    // year = yoe + era*400 (+1 for January and February, which end the computed year)
    code.extend([I::LocalGet(yoe), I::LocalGet(era), I::I64Const(400), I::I64Mul, I::I64Add, I::LocalGet(m)]);
    code.extend([I::I64Const(2), I::I64LeU, I::I64ExtendI32U, I::I64Add]);
}
