"""YAML reading shared by the questionnaire and the catalogue.

YAML 1.1 reads `yes`, `no`, `on` and `off` as booleans. Ids and answers such as `no` must stay
strings, so only `true` and `false` are booleans here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


# The safe loader, with libyaml's parser when PyYAML has it: the definitions are read each time
# the app starts, and the pure-Python parser takes a quarter of a second per questionnaire file.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    pass


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _no_duplicate_keys(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


class DefinitionError(Exception):
    """A questionnaire, catalogue or answers file is wrong. The message names file and path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def load_yaml(path: Path | str) -> Any:
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            # _Loader derives from yaml.CSafeLoader or yaml.SafeLoader.
            return yaml.load(fh, Loader=_Loader)  # nosec B506
    except OSError as exc:
        raise DefinitionError([f"{path}: cannot read file: {exc.strerror}"]) from exc
    except yaml.YAMLError as exc:
        raise DefinitionError([f"{path}: not valid YAML: {exc}"]) from exc


def format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def pydantic_problems(path: Path | str, error: Any) -> list[str]:
    """Turn a pydantic ValidationError into 'file: path: message' lines."""
    problems = []
    for err in error.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "]" in p))
        problems.append(f"{path}: {format_loc(loc)}: {err['msg']}")
    return problems
