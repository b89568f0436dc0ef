"""hub.toml: the tracking number's format is checked when the configuration is loaded, the database goes to
the data folder unless named, examples/hub.toml loads as it is, and a printer is either a URL or the local one."""

from __future__ import annotations

from pathlib import Path

import pytest

from glocal_chain.agent.config import load_agent_config
from glocal_chain.errors import ConfigError
from glocal_chain.sdk.inputs import DEFAULT_TRACKING_FORMAT

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hub.toml"
PRINTER = '[[printers]]\nname = "p"\nurl = "http://127.0.0.1:5000"\napi_key = "K"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'wallet = "fablab"\nhub_id = 3\n{text}')
    return path


def test_config_load_fails_naming_the_format_if_tracking_format_lacks_order(tmp_path):
    with pytest.raises(ConfigError, match=r"tracking_format: .*must contain \{order\}"):
        load_agent_config(write(tmp_path, f'tracking_format = "PARCEL-{{hub}}"\n{PRINTER}'))
    with pytest.raises(ConfigError, match=r"only \{hub\} and \{order\}"):
        load_agent_config(write(tmp_path, f'tracking_format = "{{order}}-{{courier}}"\n{PRINTER}'))


def test_config_keeps_tracking_format_if_valid_and_defaults_otherwise(tmp_path):
    config = load_agent_config(write(tmp_path, f'tracking_format = "HUB{{hub}}/{{order}}"\n{PRINTER}'))
    assert config.tracking_format == "HUB{hub}/{order}"
    assert load_agent_config(write(tmp_path, PRINTER)).tracking_format == DEFAULT_TRACKING_FORMAT


def test_config_puts_database_in_data_dir_if_none_named(tmp_path):
    config = load_agent_config(write(tmp_path, PRINTER))
    assert config.database_path() == tmp_path / "home" / "agent-hub-3.db"  # conftest's GLOCAL_HOME
    named = load_agent_config(write(tmp_path, f'database = "state/agent.db"\n{PRINTER}'))
    assert named.database_path() == tmp_path / "state" / "agent.db"


def test_config_refuses_printer_if_neither_url_nor_local(tmp_path):
    with pytest.raises(ConfigError, match=r"either url .* or local = true"):
        load_agent_config(write(tmp_path, '[[printers]]\nname = "p"\n'))


def test_example_config_loads_if_unchanged():
    config = load_agent_config(EXAMPLE)
    assert config.printers[0].local and config.tracking_format == DEFAULT_TRACKING_FORMAT
