"""Vendure's side: installed from npm into the work folder, seeded by vendure/seed.js, served by
vendure/server.js as one Node process with NODE_ENV=production."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.peers.work import LOGS, PEERS, WORK, fingerprint
from bench.peers.workloads import UNIQUE, Call
from bench.peers.wrk import WrkResult
from tests.pg_cluster import free_port
from tests.processes import terminate

SOURCE = PEERS / "vendure"
INSTALL = WORK / "vendure"
NODE_MODULES = INSTALL / "node_modules"
STAMP = NODE_MODULES / ".gatehouse-bench-installed"
# The seeded accounts' password (vendure/config.js PASSWORD, bench/seed.py PASSWORD).
PASSWORD = "Bench-Tulips-2026"  # noqa: S105 (the seeded accounts' password, printed on purpose)
SUPERADMIN = "superadmin"
CUSTOMER = "customer0@vendure.test"
PACKAGES = (
    "@vendure/core", "@vendure/common", "typeorm", "better-sqlite3", "bcrypt", "@nestjs/core", "graphql"
)

PUBLIC = "{ activeChannel { id code token currencyCode defaultLanguageCode availableLanguageCodes } }"
CUSTOMER_VIEW = """{ activeCustomer { id firstName lastName emailAddress phoneNumber
  addresses { id streetLine1 city postalCode country { code } } } }"""
STAFF_PAGE = """{ customers(options: {take: 100}) { items { id firstName lastName emailAddress
  addresses { id city } user { id identifier verified } } totalItems } }"""
REGISTRATION = """mutation($input: RegisterCustomerInput!) { registerCustomerAccount(input: $input) {
  ... on Success { success } ... on ErrorResult { errorCode message } } }"""
LOGIN = """mutation($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    ... on CurrentUser { id } ... on ErrorResult { errorCode message } } }"""


def _node_environment() -> dict[str, str]:
    return {
        **os.environ,
        "NODE_ENV": "production",
        # The scripts live in the repository, their packages in the work folder.
        "NODE_PATH": str(NODE_MODULES),
        # Vendure reports anonymous telemetry from bootstrap unless told not to (config.js says
        # so too); the bench talks to this machine alone.
        "VENDURE_DISABLE_TELEMETRY": "true",
    }


def install() -> bool:
    """`npm ci` of vendure/package-lock.json into the work folder unless that lock (and this
    node) is what is installed; whether it ran now. Exits 1 with one line without node or npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        sys.exit("node and npm are needed for Vendure: apt-get install -y nodejs npm (Node.js 20 or 22).")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    lock = (SOURCE / "package-lock.json").read_bytes()
    wanted = f"{hashlib.sha256(lock).hexdigest()} node {version}\n"
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return False
    print(f"Installing Vendure into {INSTALL.relative_to(PEERS.parent.parent)} (npm ci, node {version}) …",
          flush=True)
    INSTALL.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(SOURCE / name, INSTALL / name)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "npm-ci.log"
    with log.open("w") as output:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=INSTALL, stdout=output, stderr=subprocess.STDOUT, check=False,
        )
    if done.returncode != 0:
        sys.exit(f"npm ci for Vendure failed (exit {done.returncode}); see {log}")
    STAMP.write_text(wanted)
    return True


def versions() -> dict[str, str]:
    """The installed versions of the packages that matter, and node's."""
    found = {
        name: json.loads((NODE_MODULES / name / "package.json").read_text())["version"]
        for name in PACKAGES if (NODE_MODULES / name / "package.json").exists()
    }
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return {**found, "node": node}


def seed_key(customers: int) -> str:
    files = [SOURCE / "seed.js", SOURCE / "config.js", SOURCE / "package-lock.json"]
    return fingerprint(files, f"customers={customers}")


def seed(path: Path, customers: int) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "vendure-seed.log"
    with log.open("w") as output:
        done = subprocess.run(
            ["node", str(SOURCE / "seed.js"), str(path), str(free_port()), str(customers)],
            env=_node_environment(), stdout=output, stderr=subprocess.STDOUT, check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"seeding Vendure failed (exit {done.returncode}); see {log}")


def _sign_in(url: str, username: str) -> str:
    answer = httpx.post(url, json={"query": LOGIN, "variables": {"username": username, "password": PASSWORD}},
                        timeout=30)
    token = answer.headers.get("vendure-auth-token")
    if "id" not in (answer.json().get("data") or {}).get("login", {}) or not token:
        raise RuntimeError(f"Vendure sign-in of {username} failed: {answer.text}")
    return token


class VendureSide:
    name = "Vendure"

    def __init__(self, database_path: Path, log: Path) -> None:
        self.database_path = database_path
        self.log = log
        self.port = free_port()
        self.shop_url = f"http://127.0.0.1:{self.port}/shop-api"
        self.admin_url = f"http://127.0.0.1:{self.port}/admin-api"
        self.process: subprocess.Popen[bytes] | None = None
        self.tokens: dict[str, str] = {}

    def start(self, timeout: float = 60.0) -> None:
        self.process = subprocess.Popen(
            ["node", str(SOURCE / "server.js"), str(self.database_path), str(self.port)],
            env=_node_environment(), stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Vendure exited at start; see {self.log}")
            try:
                if httpx.post(self.shop_url, json={"query": PUBLIC}, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"Vendure did not answer within {timeout} s; see {self.log}")
        self.tokens["staff"] = _sign_in(self.admin_url, SUPERADMIN)
        self.tokens["customer"] = _sign_in(self.shop_url, CUSTOMER)

    def stop(self) -> None:
        terminate(self.process)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def call(self, workload: str) -> Call:
        if workload == "public":
            return Call(self.shop_url, {"query": PUBLIC}, None)
        if workload == "customer":
            return Call(self.shop_url, {"query": CUSTOMER_VIEW}, self.tokens["customer"])
        if workload == "staff":
            return Call(self.admin_url, {"query": STAFF_PAGE}, self.tokens["staff"])
        if workload == "registration":
            applicant = {
                "emailAddress": f"{UNIQUE}@bench.test", "firstName": "Bench", "lastName": "Applicant"
            }
            return Call(self.shop_url, {"query": REGISTRATION, "variables": {"input": applicant}}, None)
        if workload == "login":
            credentials = {"username": CUSTOMER, "password": PASSWORD}
            return Call(self.shop_url, {"query": LOGIN, "variables": credentials}, None)
        raise ValueError(workload)

    def checked(self, workload: str) -> None:
        pass

    def before_round(self, workload: str) -> None:
        pass

    def after_round(self, workload: str, result: WrkResult) -> str:
        return ""
