"""`deployments/<network>.json`: the one place services learn the suite's addresses from."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from glocal_chain.errors import DeploymentError
from glocal_chain.toolchain.settings import project_root

DEPLOYMENTS_DIR_ENV = "GLOCAL_DEPLOYMENTS_DIR"


class DeployedContract(BaseModel):
    address: str
    block_number: int
    transaction_hash: str
    code_hash: str


class Deployment(BaseModel):
    network: str
    chain_id: int
    deployer: str
    deploy_block: int
    contracts: dict[str, DeployedContract]
    payment_tokens: dict[str, str]

    def address(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError as exc:
            raise DeploymentError(f"the {self.network} deployment has no {name}") from exc


def deployments_dir() -> Path:
    return Path(os.environ.get(DEPLOYMENTS_DIR_ENV, project_root() / "deployments"))


def deployment_path(network: str, directory: Path | None = None) -> Path:
    return (directory or deployments_dir()) / f"{network}.json"


def read_deployment(network: str, directory: Path | None = None) -> Deployment | None:
    path = deployment_path(network, directory)
    if not path.exists():
        return None
    try:
        return Deployment(**json.loads(path.read_text()))
    except (ValueError, ValidationError) as exc:
        raise DeploymentError(f"{path} is corrupt ({exc}); move it aside and deploy again") from exc


def require_deployment(network: str, directory: Path | None = None) -> Deployment:
    deployment = read_deployment(network, directory)
    if deployment is None:
        raise DeploymentError(
            f"no deployment for network {network!r} ({deployment_path(network, directory)}): "
            f"run `glocal deploy --network {network}`"
        )
    return deployment


def write_deployment(deployment: Deployment, directory: Path | None = None) -> Path:
    path = deployment_path(deployment.network, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(deployment.model_dump(), indent=2) + "\n")
    tmp.replace(path)
    return path
