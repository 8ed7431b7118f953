"""Article in, Extraction out: the extractor registry and the rule-based extractor.

Example:
    >>> from kg.extract import get_extractor, register_extractor
    >>> register_extractor("null", lambda **kw: (lambda article: None))
    >>> get_extractor("null")("anything") is None
    True
    >>> get_extractor("nope")
    Traceback (most recent call last):
    ...
    ValueError: unknown extractor 'nope'; expected one of: ...null, rules...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from kg.extract.pipeline import Extractor

__all__ = ["Extractor", "get_extractor", "register_extractor"]

_REGISTRY: dict[str, Callable[..., Any]] = {}


def _rules_factory(**kwargs: Any) -> Extractor:
    from kg.extract.pipeline import Extractor

    return Extractor(**kwargs)


_REGISTRY["rules"] = _rules_factory


def register_extractor(name: str, factory: Callable[..., Any]) -> None:
    """Make `factory(**kwargs)` available as ``get_extractor(name, **kwargs)``.

    The object it returns must be callable on an `Article` and return an `Extraction`; a
    ``pipe(articles, batch_size=...)`` method is used when it has one.
    """
    if not name:
        raise ValueError("an extractor needs a non-empty name")
    _REGISTRY[name] = factory


def get_extractor(name: str = "rules", **kwargs: Any) -> Any:
    """Build the extractor registered as `name` ("rules" by default) with `kwargs`.

    Raises:
        ValueError: if no extractor has that name; the message lists those that do.
    """
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown extractor {name!r}; expected one of: {', '.join(sorted(_REGISTRY))}") from None
    return factory(**kwargs)


def __getattr__(name: str) -> Any:
    if name == "Extractor":
        from kg.extract.pipeline import Extractor

        return Extractor
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
