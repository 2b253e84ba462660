"""mypy plugin: show type checkers the sides the dual-mode engine synthesizes.

Enable it after django-stubs' plugin::

    [tool.mypy]
    plugins = ["mypy_django_plugin.main", "auth_backend_sdk.mypy_plugin"]

At class creation the engine gives each member of a family the missing side of
every pair, derived from the most-derived definition in the MRO. This plugin
adds the same sides for mypy, with their source's signature (a sync ``def``
gets an ``async def`` twin returning a coroutine of the same type; an
``async def`` gets a sync twin returning the awaited type), to:

* every class with a family's mixin in its MRO (``DualModeMixin``,
  ``BaseBackend``, ...);
* the class ``Name = dual_mode(SomeClass)`` makes, in a module or a function.

A side that a class in the MRO defines or declares itself (``BaseBackend``
declares every pair, django-stubs declares Django's async defaults) is kept as
it is. The pairs and mixins come from the family declarations, read when mypy
loads the plugin: importing ``auth_backend_sdk`` registers them, without
Django settings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import mypy.types  # noqa: F401  (mypy.expandtype cannot be imported before it)
from mypy.expandtype import expand_type_by_instance
from mypy.maptype import map_instance_to_supertype
from mypy.mro import MroError, calculate_mro
from mypy.nodes import (
    ARG_POS,
    GDEF,
    LDEF,
    MDEF,
    Argument,
    Block,
    ClassDef,
    Decorator,
    FuncDef,
    PassStmt,
    RefExpr,
    SymbolNode,
    SymbolTable,
    SymbolTableNode,
    TypeInfo,
    Var,
)
from mypy.options import Options
from mypy.plugin import (
    ClassDefContext,
    DynamicClassDefContext,
    Plugin,
    SemanticAnalyzerPluginInterface,
)
from mypy.semanal import SemanticAnalyzer
from mypy.semanal_shared import PRIORITY_FALLBACKS, has_placeholder, set_callable_name
from mypy.typeops import callable_type
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    Type,
    TypeOfAny,
    get_proper_type,
)
from mypy.typevars import fill_typevars, fill_typevars_with_any

from auth_backend_sdk.engine._adapt import dual_mode
from auth_backend_sdk.engine._family import Family, families

__all__ = ["DualModePlugin", "plugin"]

DUAL_MODE = f"{dual_mode.__module__}.{dual_mode.__qualname__}"
PRIORITY = PRIORITY_FALLBACKS + 1
"""Order of the plugin's step among the semantic analyzer's last steps ("patches")."""
METADATA_KEY = "auth_backend_sdk"
"""``TypeInfo.metadata`` key (kept in mypy's cache): ``derived``, the names this plugin added to
a class; ``adapted``, set on the classes it made for ``dual_mode()``."""


class DualModePlugin(Plugin):
    """Adds the synthesized sides of each family's pairs to its members."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self.families = families()
        # Classes waiting for their sides, by full name: class hooks run before the
        # semantic analyzer has analyzed method signatures, so the sides are added
        # in its last step (a "patch"), when every signature is known.
        self.pending: dict[str, tuple[TypeInfo, Family]] = {}

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        symbol = self.lookup_fully_qualified(fullname)
        info = symbol.node if symbol is not None else None
        if isinstance(info, TypeInfo) and self.family_of(info) is not None:
            return self.complete_member
        return None

    def get_dynamic_class_hook(
        self, fullname: str
    ) -> Callable[[DynamicClassDefContext], None] | None:
        return self.adapt if fullname == DUAL_MODE else None

    def family_of(self, info: TypeInfo) -> Family | None:
        """The family whose mixin ``info`` inherits, if any."""
        ancestors = {klass.fullname for klass in info.mro}
        return next((family for family in self.families if family.mixin in ancestors), None)

    def recognised_family(self, info: TypeInfo) -> Family | None:
        """The family ``dual_mode()`` picks for ``info``, as far as types tell.

        Its mixin's, else the only family with a pair ``info`` has a side of (a
        family's own ``is_member`` test runs on classes, not on types).
        """
        declared = self.family_of(info)
        if declared is not None:
            return declared
        names = {name for klass in info.mro[:-1] for name in klass.names}
        candidates = [
            family for family in self.families if any(set(pair) & names for pair in family.pairs)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def complete_member(self, ctx: ClassDefContext) -> None:
        family = self.family_of(ctx.cls.info)
        if family is not None:
            self.schedule(ctx.api, ctx.cls.info, family)

    def schedule(
        self, api: SemanticAnalyzerPluginInterface, info: TypeInfo, family: Family
    ) -> None:
        """Add ``info``'s sides in the semantic analyzer's last step."""
        if isinstance(api, SemanticAnalyzer):
            self.pending[info.fullname] = (info, family)
            api.schedule_patch(PRIORITY, partial(self.complete_pending, api, info.fullname))

    def complete_pending(self, api: SemanticAnalyzer, fullname: str) -> None:
        entry = self.pending.get(fullname)
        if entry is None:
            return  # done already: with a subclass, or scheduled twice
        # Bases first: the sides they get decide what a subclass inherits.
        for klass in reversed(entry[0].mro):
            base = self.pending.pop(klass.fullname, None)
            if base is not None:
                add_synthesized_sides(api, *base)

    def adapt(self, ctx: DynamicClassDefContext) -> None:
        """``Name = dual_mode(SomeClass)``: ``Name`` is a dual-mode subclass of ``SomeClass``."""
        api = ctx.api
        call = ctx.call
        if not isinstance(api, SemanticAnalyzer) or api.is_class_scope():
            return
        if not call.args or call.arg_kinds[0] != ARG_POS or "family" in call.arg_names:
            return
        argument = call.args[0]
        if not isinstance(argument, RefExpr) or not isinstance(argument.node, TypeInfo):
            return  # the string form, or an expression: keep the inferred type
        kind = GDEF if api.is_module_scope() else LDEF
        # In a function, the class is also kept in the module's globals as Name@line
        # (local symbol tables are not serialized), as mypy does for local classes.
        fullname = api.class_fullname(ctx.name, call.line)
        known = api.lookup_fully_qualified_or_none(fullname)
        if known is not None and isinstance(known.node, TypeInfo):
            if known.node.metadata.get(METADATA_KEY, {}).get("adapted"):
                # Made on an earlier pass of the semantic analyzer.
                api.add_symbol_table_node(ctx.name, SymbolTableNode(kind, known.node))
            return  # else `Name = dual_mode(Name)`: mypy refuses to assign to a class
        family = self.recognised_family(argument.node)
        mixin = api.lookup_fully_qualified_or_none(family.mixin) if family else None
        if family is None or mixin is None or not isinstance(mixin.node, TypeInfo):
            return
        adapted, mixin_type = fill_typevars_with_any(argument.node), fill_typevars(mixin.node)
        if not isinstance(adapted, Instance) or not isinstance(mixin_type, Instance):
            return  # a NamedTuple
        # As at run time: the mixin first, unless the class has it already.
        has_mixin = self.family_of(argument.node) is not None
        bases = [adapted] if has_mixin else [mixin_type, adapted]
        definition = ClassDef(ctx.name, Block([]))
        definition.fullname = fullname
        definition.line = call.line
        info = TypeInfo(SymbolTable(), definition, api.cur_mod_id)
        info.line = call.line
        definition.info = info
        info.bases = bases
        try:
            calculate_mro(info)
        except MroError:
            return
        info.metaclass_type = info.calculate_metaclass_type()
        info.metadata[METADATA_KEY] = {"adapted": True}
        api.add_symbol_table_node(ctx.name, SymbolTableNode(kind, info, plugin_generated=True))
        if api.is_nested_within_func_scope():
            api.add_global_symbol(ctx.name, call, info)
        self.schedule(api, info, family)


def add_synthesized_sides(
    api: SemanticAnalyzerPluginInterface, info: TypeInfo, family: Family
) -> None:
    """Give ``info`` each side the engine would synthesize on it, following the MRO rule."""
    # From scratch: the mypy daemon may analyze a class again.
    for name in derived_names(info):
        del info.names[name]
    info.metadata.setdefault(METADATA_KEY, {})["derived"] = []
    for pair in family.pairs:
        winner = next(
            (klass for klass in info.mro if any(defines(klass, name) for name in pair)), None
        )
        if winner is None:
            continue  # no class defines either side: the pair stays absent
        settle(api, info, winner, pair.sync_name, pair.async_name, to_async=False)
        settle(api, info, winner, pair.async_name, pair.sync_name, to_async=True)


def settle(
    api: SemanticAnalyzerPluginInterface,
    info: TypeInfo,
    winner: TypeInfo,
    name: str,
    twin: str,
    *,
    to_async: bool,
) -> None:
    """Make ``name`` on ``info`` what the engine makes it, given the pair's ``winner``."""
    found = next((klass for klass in info.mro if name in klass.names), None)
    if defines(winner, name):
        if found is not winner:
            # A side derived on a class earlier in the MRO, but the winner defines
            # its own: the engine copies the winner's onto the class.
            node = winner.names[name].node
            if node is not None:
                add_side(info, name, node)
        return
    if found is not None and (defines(found, name) or winner in found.mro):
        return  # declared on a base, or inherited, derived from the same source
    source = winner.names[twin].node
    if isinstance(source, Decorator) and not (source.func.is_static or source.var.is_property):
        source = source.func
    if not isinstance(source, FuncDef) or source.is_coroutine == to_async or source.is_generator:
        return  # the engine refuses to derive from it, at class creation
    signature = source.type
    if not isinstance(signature, CallableType):
        signature = callable_type(source, api.named_type("builtins.function"))
    if has_placeholder(signature):
        return
    if winner is not info:
        self_type = fill_typevars(info)
        if isinstance(self_type, Instance):
            # The source may use the winner's type variables: see them from info.
            signature = expand_type_by_instance(
                signature, map_instance_to_supertype(self_type, winner)
            )
    any_type = AnyType(TypeOfAny.special_form)
    returns: Type
    if to_async:
        returns = api.named_type("typing.Coroutine", [any_type, any_type, signature.ret_type])
    else:
        returns = awaited(signature.ret_type)
    # From the signature, not source.arguments: a FuncDef read from mypy's incremental
    # cache (the winner in another, unchanged module) carries no arguments.
    arguments = [
        Argument(Var(arg_name or f"__arg{index}", type_), type_, None, kind)
        for index, (arg_name, type_, kind) in enumerate(
            zip(signature.arg_names, signature.arg_types, signature.arg_kinds, strict=True)
        )
    ]
    derived = FuncDef(name, arguments, Block([PassStmt()]))
    derived.info = info
    derived._fullname = f"{info.fullname}.{name}"
    derived.is_class = source.is_class
    derived.is_coroutine = to_async
    derived.line = source.line
    derived.type = set_callable_name(
        signature.copy_modified(ret_type=returns, definition=derived), derived
    )
    add_side(info, name, derived)


def add_side(info: TypeInfo, name: str, node: SymbolNode) -> None:
    """Add ``name`` to ``info``, remembering it is synthesized, not defined there."""
    info.names[name] = SymbolTableNode(MDEF, node, plugin_generated=True)
    info.metadata[METADATA_KEY]["derived"].append(name)


def derived_names(info: TypeInfo) -> list[str]:
    """The names this plugin added to ``info``."""
    names: list[str] = info.metadata.get(METADATA_KEY, {}).get("derived", [])
    return names


def defines(klass: TypeInfo, name: str) -> bool:
    """Whether ``klass`` defines (or declares) ``name`` itself, rather than got it from us."""
    return name in klass.names and name not in derived_names(klass)


def awaited(returns: Type) -> Type:
    """``T`` for ``Coroutine[Any, Any, T]``, the type mypy gives an ``async def``'s result."""
    proper = get_proper_type(returns)
    if isinstance(proper, Instance) and proper.type.fullname == "typing.Coroutine":
        return proper.args[-1]
    return AnyType(TypeOfAny.special_form)


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return DualModePlugin
