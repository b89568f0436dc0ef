"""Configuration files: TOML read into a pydantic model, every problem one ConfigError naming the file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from glocal_chain.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)


def read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def build_model(model: type[Model], data: Mapping[str, Any], where: str) -> Model:
    try:
        return model(**data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{where}: {problems}") from exc


def load_toml_model(path: Path, model: type[Model], what: str) -> Model:
    """`path` as `model`; a missing file, bad TOML or a wrong field is a ConfigError naming it."""
    return build_model(model, read_toml(path, what), f"{what} {path}")


def env_overrides(prefix: str, fields: Mapping[str, str]) -> dict[str, str]:
    """Values from the environment: `fields` maps a model field to its variable name (after `prefix`)."""
    return {field: os.environ[prefix + name] for field, name in fields.items() if prefix + name in os.environ}
