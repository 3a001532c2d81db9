//! The abstract syntax tree: the parts of a program later phases give meaning to, each spanned.
//! Each snippet and step keeps its concrete tree (`cst::Node`) too, so nothing written is lost;
//! a step's lines are kept once, by the step itself (see `Node::without_steps`).

use crate::cst::Node;
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub snippets: Vec<Snippet>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetKind {
    Fn,
    Struct,
    Enum,
    Module,
    Database,
    Extern,
    ExternAbstract,
    ExternImpl,
    Test,
    Data,
}

impl SnippetKind {
    pub const ALL: [(&'static str, SnippetKind); 10] = [
        ("fn", SnippetKind::Fn),
        ("struct", SnippetKind::Struct),
        ("enum", SnippetKind::Enum),
        ("module", SnippetKind::Module),
        ("database", SnippetKind::Database),
        ("extern", SnippetKind::Extern),
        ("extern-abstract", SnippetKind::ExternAbstract),
        ("extern-impl", SnippetKind::ExternImpl),
        ("test", SnippetKind::Test),
        ("data", SnippetKind::Data),
    ];

    pub fn from_name(name: &str) -> Option<SnippetKind> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }
}

#[derive(Clone, Debug)]
pub struct Snippet {
    pub id: Spanned<String>,
    pub kind: Spanned<SnippetKind>,
    pub notes: Vec<Spanned<String>>,
    pub effects: Vec<EffectDecl>,
    pub signature: Option<FnSignature>,
    pub body: Option<Vec<Step>>,
    pub metadata: Vec<Attr>,
    /// Attribute lines directly in the snippet, as an `extern-impl`'s `implements=".."` and
    /// `platform=".."`.
    pub attrs: Vec<Attr>,
    /// A `struct` or `enum` snippet's declaration.
    pub type_decl: Option<TypeDecl>,
    /// Declarations in the snippet's `types` section (structs, enums, aliases).
    pub local_types: Vec<TypeDecl>,
    /// The `snippet` keyword through its closing `end`.
    pub span: Span,
    /// The snippet as written, without its steps (each `Step` keeps its own).
    pub node: Node,
}

/// `struct name=".." field .. end` or `enum name=".." variant .. end` in a signature.
#[derive(Clone, Debug)]
pub struct TypeDecl {
    pub name: Spanned<String>,
    pub body: TypeDeclBody,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeDeclBody {
    Struct(Vec<FieldDecl>),
    Enum(Vec<VariantDecl>),
    /// `alias name="UserId" type="Int"`: another name for a type.
    Alias(TypeRef),
}

#[derive(Clone, Debug)]
pub struct FieldDecl {
    pub name: Spanned<String>,
    pub ty: TypeRef,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VariantDecl {
    pub name: Spanned<String>,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EffectDecl {
    /// Dotted name, e.g. `console` or `std.concurrent`.
    pub name: Spanned<String>,
    pub params: Vec<Attr>,
    /// The whole declaration, from `effect` on.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FnSignature {
    pub name: Spanned<String>,
    /// `generic name="T" constraint="..."`: the signature's type parameters.
    pub generics: Vec<Generic>,
    pub params: Vec<Param>,
    pub returns: Option<Returns>,
    pub span: Span,
}

/// A type parameter of a generic function: `generic name="T"`, optionally `constraint="Numeric"`.
#[derive(Clone, Debug)]
pub struct Generic {
    pub name: Spanned<String>,
    pub constraint: Option<TypeRef>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Spanned<String>,
    pub ty: TypeRef,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Returns {
    Type(TypeRef),
    Collection(TypeRef),
    Union(Vec<TypeRef>),
}

/// A type as written: `String`, `List<Int>`, `User?`, `Item[]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRef {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub id: Spanned<String>,
    pub kind: StepKind,
    /// The `as=` binding; `_` discards.
    pub bind_as: Option<Spanned<String>>,
    pub span: Span,
    /// The step as written, without the steps nested in it (each keeps its own).
    pub node: Node,
}

#[derive(Clone, Debug)]
pub enum StepKind {
    Call(CallStep),
    Bind(BindStep),
    Return(ReturnStep),
    Compute(ComputeStep),
    If(IfStep),
    Match(MatchStep),
    For(ForStep),
    /// `construct type="T"` with `field` lines: a struct value.
    Construct(Constructor),
    /// `construct collection item from=".." item lit=.. end`: a list of the items.
    Collection(Vec<Operand>),
    /// `transaction`: the steps run on one database transaction.
    Transaction(Vec<Step>),
    /// A step kind later phases do not give meaning to yet; `kind` is the `kind=` value.
    Other {
        kind: Spanned<String>,
    },
}

#[derive(Clone, Debug)]
pub struct CallStep {
    /// The `fn=` target, e.g. `console.println`.
    pub target: Spanned<String>,
    pub args: Vec<Arg>,
    /// `handle case type="E" ... end`: what to do when the call returns the error of a union.
    pub handle: Vec<HandleCase>,
}

#[derive(Clone, Debug)]
pub struct HandleCase {
    /// The error type, or one of its variants (`ParseError::Missing`).
    pub type_name: Spanned<String>,
    pub steps: Vec<Step>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Spanned<String>,
    pub value: Operand,
    pub span: Span,
}

/// Where a value comes from: a bound name, a literal, a field of a bound struct, or a constructor.
#[derive(Clone, Debug)]
pub enum Operand {
    Var(Spanned<String>),
    Lit(Literal),
    /// `field="name" of="value"`; `name` may be a dotted path (`address.city`).
    Field {
        field: Spanned<String>,
        of: Spanned<String>,
    },
    /// `struct type="T" field .. end` or `variant type="E::V" field .. end`.
    Ctor(Box<Constructor>),
}

#[derive(Clone, Debug)]
pub struct Constructor {
    /// `struct` or `variant`.
    pub kind: Spanned<String>,
    pub type_name: Spanned<String>,
    pub fields: Vec<FieldInit>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldInit {
    pub name: Spanned<String>,
    pub value: Operand,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ComputeStep {
    /// The operator as written, e.g. `add`.
    pub op: Spanned<String>,
    pub inputs: Vec<Operand>,
}

#[derive(Clone, Debug)]
pub struct IfStep {
    /// The Bool-valued name tested.
    pub condition: Spanned<String>,
    pub then: Vec<Step>,
    pub otherwise: Option<Vec<Step>>,
}

#[derive(Clone, Debug)]
pub struct ForStep {
    /// The name each element is bound to.
    pub var: Spanned<String>,
    /// The list iterated over.
    pub over: Spanned<String>,
    pub body: Vec<Step>,
}

#[derive(Clone, Debug)]
pub struct MatchStep {
    /// The name matched on.
    pub on: Spanned<String>,
    pub cases: Vec<MatchCase>,
}

#[derive(Clone, Debug)]
pub struct MatchCase {
    pub pattern: Pattern,
    pub steps: Vec<Step>,
    /// The `case` line.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Pattern {
    Wildcard,
    Binding(Spanned<String>),
    Literal(Literal),
    /// `variant type=".." bindings=(..)` or `struct type=".." fields=(..)`: `kind` is the keyword;
    /// `names` are the bindings (variants, positional) or the fields bound by name (structs).
    Destructure {
        kind: Spanned<String>,
        type_name: Option<Spanned<String>>,
        names: Vec<Spanned<String>>,
    },
}

#[derive(Clone, Debug)]
pub struct BindStep {
    pub mutable: bool,
    pub value: Operand,
}

#[derive(Clone, Debug)]
pub struct ReturnStep {
    pub value: Option<Operand>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub value: LitValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LitValue {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    /// Durations in milliseconds (`30s`), for metadata.
    Duration(u64),
    /// A bare word, as in `cost_hint=cheap`.
    Word(String),
    Array(Vec<Literal>),
    Struct(Vec<(String, Literal)>),
}

/// A `key=value` attribute as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    pub key: Spanned<String>,
    pub value: Literal,
}
